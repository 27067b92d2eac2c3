package io.chatplatform.chat.domain;

import java.util.List;
import java.util.Set;

/** An account. Only its profile (id, username, display name, and roles for the owner) leaves the service. */
public record User(
    String userId, String username, String displayName, String passwordHash, List<String> roles, boolean disabled, long createdAt) {
  public static final String ROLE_USER = "user";
  public static final String ROLE_ADMIN = "admin";

  public User {
    roles = List.copyOf(roles);
  }

  /** How the user's username and display name look ({@link UnicodeText#lookalikeKey}): no one else's display name may look the same. */
  public Set<String> lookalikeKeys() {
    return java.util.stream.Stream.of(username, displayName).map(UnicodeText::lookalikeKey)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  public boolean isAdmin() {
    return roles.contains(ROLE_ADMIN);
  }

  @Override
  public String toString() {
    return "User[" + userId + ", " + username + "]";
  }
}

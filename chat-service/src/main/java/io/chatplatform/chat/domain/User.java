package io.chatplatform.chat.domain;

import java.util.List;

/** An account. Only its profile (id, username, display name, and roles for the owner) leaves the service. */
public record User(
    String userId, String username, String displayName, String passwordHash, List<String> roles, boolean disabled, long createdAt) {
  public static final String ROLE_USER = "user";
  public static final String ROLE_ADMIN = "admin";

  public User {
    roles = List.copyOf(roles);
  }

  public boolean isAdmin() {
    return roles.contains(ROLE_ADMIN);
  }

  @Override
  public String toString() {
    return "User[" + userId + ", " + username + "]";
  }
}

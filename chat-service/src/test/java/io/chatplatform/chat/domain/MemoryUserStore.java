package io.chatplatform.chat.domain;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link UserStore} in memory, with the same uniqueness of usernames as the MongoDB one. */
final class MemoryUserStore implements UserStore {
  final Map<String, User> byId = new LinkedHashMap<>();
  /** Profiles looked up by id so far: what a caller's read costs, per user. */
  final AtomicInteger profilesRead = new AtomicInteger();

  @Override
  public Future<Boolean> insert(User user) {
    if (byId.values().stream().anyMatch(u -> u.username().equals(user.username()))) {
      return Future.succeededFuture(false);
    }
    byId.put(user.userId(), user);
    return Future.succeededFuture(true);
  }

  @Override
  public Future<User> byId(String userId) {
    profilesRead.incrementAndGet();
    return Future.succeededFuture(byId.get(userId));
  }

  @Override
  public Future<User> byUsername(String username) {
    return Future.succeededFuture(byId.values().stream().filter(u -> u.username().equals(username)).findFirst().orElse(null));
  }

  @Override
  public Future<List<User>> byIds(Collection<String> userIds) {
    profilesRead.addAndGet(userIds.size());
    return Future.succeededFuture(userIds.stream().map(byId::get).filter(Objects::nonNull).toList());
  }

  @Override
  public Future<List<User>> byUsernames(Collection<String> usernames) {
    return Future.succeededFuture(byId.values().stream().filter(u -> usernames.contains(u.username())).toList());
  }

  @Override
  public Future<List<User>> page(List<String> wordPrefixes, String afterUsername, int limit) {
    return Future.succeededFuture(byId.values().stream()
        .filter(u -> wordPrefixes.stream().allMatch(w -> Rules.searchTerms(u.username(), u.displayName()).stream().anyMatch(t -> t.startsWith(w))))
        .filter(u -> afterUsername == null || u.username().compareTo(afterUsername) > 0)
        .sorted(Comparator.comparing(User::username))
        .limit(limit)
        .toList());
  }

  @Override
  public Future<Boolean> setDisabled(String userId, boolean disabled) {
    User user = byId.get(userId);
    if (user == null) {
      return Future.succeededFuture(false);
    }
    byId.put(userId, new User(user.userId(), user.username(), user.displayName(), user.passwordHash(), user.roles(), disabled, user.createdAt()));
    return Future.succeededFuture(true);
  }

  @Override
  public Future<Boolean> setAdmin(String userId, boolean admin) {
    User user = byId.get(userId);
    if (user == null) {
      return Future.succeededFuture(false);
    }
    java.util.List<String> roles = new java.util.ArrayList<>(user.roles());
    roles.remove(User.ROLE_ADMIN);
    if (admin) {
      roles.add(User.ROLE_ADMIN);
    }
    byId.put(userId, new User(user.userId(), user.username(), user.displayName(), user.passwordHash(), roles, user.disabled(), user.createdAt()));
    return Future.succeededFuture(true);
  }

  @Override
  public Future<List<String>> disabledIds() {
    return Future.succeededFuture(byId.values().stream().filter(User::disabled).map(User::userId).toList());
  }

  @Override
  public Future<Boolean> looksTaken(String lookalikeKey) {
    return Future.succeededFuture(byId.values().stream().anyMatch(u -> u.lookalikeKeys().contains(lookalikeKey)));
  }
}

package io.chatplatform.chat.domain;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;

/** Where accounts are kept. {@code username} is unique; lookups answer null or leave out what is missing. */
public interface UserStore {
  /** Stores a new account; false when its username is taken. */
  Future<Boolean> insert(User user);

  Future<User> byId(String userId);

  Future<User> byUsername(String username);

  Future<List<User>> byIds(Collection<String> userIds);

  Future<List<User>> byUsernames(Collection<String> usernames);

  /**
   * Users of whom each of {@code wordPrefixes} starts one of their {@link Rules#searchTerms}, by
   * username, at most {@code limit}.
   */
  default Future<List<User>> search(List<String> wordPrefixes, int limit) {
    return page(wordPrefixes, null, limit);
  }

  /**
   * Users of whom each of {@code wordPrefixes} starts one of their {@link Rules#searchTerms} (every
   * user when there are none), by username, after {@code afterUsername} (null: from the first),
   * at most {@code limit}.
   */
  Future<List<User>> page(List<String> wordPrefixes, String afterUsername, int limit);

  /** Adds or removes the {@code admin} role; false when there is no such user. */
  Future<Boolean> setAdmin(String userId, boolean admin);

  /** Sets or clears {@code disabled}; false when there is no such user. */
  Future<Boolean> setDisabled(String userId, boolean disabled);

  Future<List<String>> disabledIds();

  /** Whether some user's username or display name looks like {@code lookalikeKey} ({@link User#lookalikeKeys}). */
  Future<Boolean> looksTaken(String lookalikeKey);
}

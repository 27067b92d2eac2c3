package io.chatplatform.chat.store;

import io.chatplatform.chat.domain.Rules;
import io.chatplatform.chat.domain.User;
import io.chatplatform.chat.domain.UserStore;
import io.chatplatform.runtime.MongoErrors;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Accounts in MongoDB ({@code users}): {@code _id} is the user id, {@code username} is unique
 * (a unique index, so two registrations of one name cannot both succeed). {@code lookalikeKeys}
 * holds {@link User#lookalikeKeys}, indexed, to find a name that looks like another.
 */
public final class MongoUserStore implements UserStore {
  static final String USERS = "users";
  private static final String LOOKALIKE_KEYS = "lookalikeKeys";
  private static final String SEARCH_TERMS = "searchTerms";

  private final MongoClient mongo;

  public MongoUserStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  /** The indexes, and the lookalike keys of accounts stored before keys existed. */
  public Future<Void> createIndexes() {
    return mongo
        .createIndexWithOptions(USERS, new JsonObject().put("username", 1), new IndexOptions().unique(true).name("username_1"))
        .compose(x -> mongo.createIndex(USERS, new JsonObject().put(LOOKALIKE_KEYS, 1)))
        .compose(x -> mongo.createIndex(USERS, new JsonObject().put(SEARCH_TERMS, 1)))
        .compose(x -> mongo.find(USERS, new JsonObject().put("$or", new JsonArray()
            .add(new JsonObject().put(LOOKALIKE_KEYS, new JsonObject().put("$exists", false)))
            .add(new JsonObject().put(SEARCH_TERMS, new JsonObject().put("$exists", false))))))
        // One bulk write for them all, not one request each (once, for data stored before the fields).
        .compose(older -> older.isEmpty()
            ? Future.succeededFuture()
            : mongo.bulkWrite(USERS, older.stream()
                .map(MongoUserStore::fromDocument)
                .map(user -> BulkOperation.createUpdate(new JsonObject().put("_id", user.userId()),
                    new JsonObject().put("$set", derived(user))))
                .toList()))
        .mapEmpty();
  }

  /** The fields kept only to find users: how their names look, and the words they are found by. */
  private static JsonObject derived(User user) {
    return new JsonObject()
        .put(LOOKALIKE_KEYS, new JsonArray(List.copyOf(user.lookalikeKeys())))
        .put(SEARCH_TERMS, new JsonArray(Rules.searchTerms(user.username(), user.displayName())));
  }

  @Override
  public Future<Boolean> looksTaken(String lookalikeKey) {
    return mongo
        .findOne(USERS, new JsonObject().put(LOOKALIKE_KEYS, lookalikeKey), new JsonObject().put("_id", 1))
        .map(doc -> doc != null);
  }

  @Override
  public Future<Boolean> insert(User user) {
    return mongo
        .insert(USERS, toDocument(user))
        .map(id -> true)
        .recover(e -> MongoErrors.isDuplicateKey(e) ? Future.succeededFuture(false) : Future.failedFuture(e));
  }

  @Override
  public Future<Boolean> setDisabled(String userId, boolean disabled) {
    return mongo
        .updateCollection(USERS, new JsonObject().put("_id", userId), new JsonObject().put("$set", new JsonObject().put("disabled", disabled)))
        .map(result -> result.getDocMatched() > 0);
  }

  @Override
  public Future<Boolean> setAdmin(String userId, boolean admin) {
    JsonObject roles = new JsonObject().put("roles", User.ROLE_ADMIN);
    return mongo
        .updateCollection(USERS, new JsonObject().put("_id", userId), new JsonObject().put(admin ? "$addToSet" : "$pull", roles))
        .map(result -> result.getDocMatched() > 0);
  }

  @Override
  public Future<List<String>> disabledIds() {
    return mongo
        .findWithOptions(USERS, new JsonObject().put("disabled", true), new FindOptions().setFields(new JsonObject().put("_id", 1)))
        .map(docs -> docs.stream().map(d -> d.getString("_id")).toList());
  }

  @Override
  public Future<User> byUsername(String username) {
    return mongo.findOne(USERS, new JsonObject().put("username", username), null).map(MongoUserStore::fromDocument);
  }

  @Override
  public Future<User> byId(String userId) {
    return mongo.findOne(USERS, new JsonObject().put("_id", userId), null).map(MongoUserStore::fromDocument);
  }

  @Override
  public Future<List<User>> byIds(Collection<String> userIds) {
    return mongo
        .find(USERS, new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(List.copyOf(userIds)))))
        .map(MongoUserStore::fromDocuments);
  }

  @Override
  public Future<List<User>> byUsernames(Collection<String> usernames) {
    return mongo
        .find(USERS, new JsonObject().put("username", new JsonObject().put("$in", new JsonArray(List.copyOf(usernames)))))
        .map(MongoUserStore::fromDocuments);
  }

  /** Each word is quoted into an anchored regex: a prefix match that an index on the terms serves. */
  @Override
  public Future<List<User>> page(List<String> wordPrefixes, String afterUsername, int limit) {
    JsonArray all = new JsonArray();
    wordPrefixes.forEach(w -> all.add(new JsonObject().put(SEARCH_TERMS, new JsonObject().put("$regex", "^" + Pattern.quote(w)))));
    if (afterUsername != null) {
      all.add(new JsonObject().put("username", new JsonObject().put("$gt", afterUsername)));
    }
    // "$and" may not be empty: no condition at all is every user.
    JsonObject query = all.isEmpty() ? new JsonObject() : new JsonObject().put("$and", all);
    FindOptions options = new FindOptions().setSort(new JsonObject().put("username", 1)).setLimit(limit);
    return mongo.findWithOptions(USERS, query, options).map(MongoUserStore::fromDocuments);
  }

  static JsonObject toDocument(User user) {
    return new JsonObject()
        .put("_id", user.userId())
        .put("username", user.username())
        .put("displayName", user.displayName())
        .put("passwordHash", user.passwordHash())
        .put("roles", new JsonArray(user.roles()))
        .put("disabled", user.disabled())
        .put("createdAt", user.createdAt())
        .mergeIn(derived(user));
  }

  static User fromDocument(JsonObject doc) {
    if (doc == null) {
      return null;
    }
    List<String> roles = doc.getJsonArray("roles", new JsonArray().add(User.ROLE_USER)).stream().map(String::valueOf).toList();
    return new User(
        doc.getString("_id"), doc.getString("username"), doc.getString("displayName"), doc.getString("passwordHash"),
        roles, doc.getBoolean("disabled", false), doc.getLong("createdAt", 0L));
  }

  private static List<User> fromDocuments(List<JsonObject> docs) {
    return docs.stream().map(MongoUserStore::fromDocument).toList();
  }
}

package io.chatplatform.chat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * User accounts in MongoDB ({@code users}): {@code _id} is the user id, {@code username} is unique.
 * Documents hold the password hash; {@link #profile} is the only form that leaves the service.
 */
public final class UserStore {
  static final String USERS = "users";

  private final MongoClient mongo;

  public UserStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  public Future<Void> createIndexes() {
    return mongo.createIndexWithOptions(
        USERS, new JsonObject().put("username", 1), new IndexOptions().unique(true).name("username_1"));
  }

  /** Inserts the account; fails with a duplicate-key error when the username is taken. */
  public Future<Void> insert(JsonObject user) {
    return mongo.insert(USERS, user).mapEmpty();
  }

  /** Sets or clears {@code disabled}; false when there is no such user. */
  public Future<Boolean> setDisabled(String userId, boolean disabled) {
    return mongo
        .updateCollection(USERS, new JsonObject().put("_id", userId), new JsonObject().put("$set", new JsonObject().put("disabled", disabled)))
        .map(result -> result.getDocMatched() > 0);
  }

  /** The ids of disabled accounts (few; read when a gateway node starts). */
  public Future<List<String>> disabledIds() {
    return mongo
        .findWithOptions(USERS, new JsonObject().put("disabled", true), new io.vertx.ext.mongo.FindOptions().setFields(new JsonObject().put("_id", 1)))
        .map(docs -> docs.stream().map(d -> d.getString("_id")).toList());
  }

  public Future<JsonObject> byUsername(String username) {
    return mongo.findOne(USERS, new JsonObject().put("username", username), null);
  }

  public Future<JsonObject> byId(String userId) {
    return mongo.findOne(USERS, new JsonObject().put("_id", userId), null);
  }

  public Future<List<JsonObject>> byIds(Collection<String> userIds) {
    return mongo.find(USERS, new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(List.copyOf(userIds)))));
  }

  public Future<List<JsonObject>> byUsernames(Collection<String> usernames) {
    return mongo.find(
        USERS, new JsonObject().put("username", new JsonObject().put("$in", new JsonArray(List.copyOf(usernames)))));
  }

  /** Users whose username starts with {@code prefix} (already validated), by username. */
  public Future<List<JsonObject>> searchByPrefix(String prefix, int limit) {
    JsonObject query =
        new JsonObject().put("username", new JsonObject().put("$regex", "^" + Pattern.quote(prefix)));
    FindOptions options = new FindOptions().setSort(new JsonObject().put("username", 1)).setLimit(limit);
    return mongo.findWithOptions(USERS, query, options);
  }

  /** The public form of an account: {@code {userId, username, displayName}}. */
  public static JsonObject profile(JsonObject user) {
    return new JsonObject()
        .put("userId", user.getString("_id"))
        .put("username", user.getString("username"))
        .put("displayName", user.getString("displayName"));
  }
}

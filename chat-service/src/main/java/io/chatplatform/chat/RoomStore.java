package io.chatplatform.chat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;

/**
 * Rooms in MongoDB ({@code rooms}). A document is
 * {@code {_id, type, name, members:[{userId, role}], memberIds:[userId], createdAt}};
 * {@code memberIds} exists to be indexed and queried. A direct room's {@code _id} is derived from
 * its pair ({@link Room#directRoomId}), so the unique {@code _id} makes "one direct room per pair"
 * hold under any concurrency.
 */
public final class RoomStore {
  static final String ROOMS = "rooms";

  private final MongoClient mongo;
  private final RoomCache cache;

  RoomStore(MongoClient mongo, RoomCache cache) {
    this.mongo = mongo;
    this.cache = cache;
  }

  public Future<Void> createIndexes() {
    return mongo.createIndex(ROOMS, new JsonObject().put("memberIds", 1));
  }

  public Future<Void> insert(Room room) {
    return mongo.insert(ROOMS, room.toDocument()).mapEmpty();
  }

  /** The room, from the cache when it has it; null when there is no such room. */
  public Future<Room> get(String roomId) {
    Room cached = cache.get(roomId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    long token = cache.readToken();
    return mongo
        .findOne(ROOMS, new JsonObject().put("_id", roomId), null)
        .map(
            doc -> {
              if (doc == null) {
                return null;
              }
              Room room = Room.fromDocument(doc);
              cache.put(room, token);
              return room;
            });
  }

  public Future<List<Room>> ofMember(String userId) {
    FindOptions options = new FindOptions().setSort(new JsonObject().put("createdAt", 1));
    return mongo
        .findWithOptions(ROOMS, new JsonObject().put("memberIds", userId), options)
        .map(docs -> docs.stream().map(Room::fromDocument).toList());
  }

  public Future<List<String>> idsOfMember(String userId) {
    FindOptions options = new FindOptions().setFields(new JsonObject().put("_id", 1));
    return mongo
        .findWithOptions(ROOMS, new JsonObject().put("memberIds", userId), options)
        .map(docs -> docs.stream().map(d -> d.getString("_id")).toList());
  }

  /** Adds a member unless present; true when added. */
  public Future<Boolean> addMember(String roomId, String userId, String role) {
    JsonObject query = new JsonObject().put("_id", roomId).put("memberIds", new JsonObject().put("$ne", userId));
    JsonObject update =
        new JsonObject()
            .put("$push", new JsonObject().put("members", new JsonObject().put("userId", userId).put("role", role)))
            .put("$addToSet", new JsonObject().put("memberIds", userId));
    return mongo.updateCollection(ROOMS, query, update).map(r -> changed(roomId, r.getDocModified() > 0));
  }

  /** Removes a member if present; true when removed. */
  public Future<Boolean> removeMember(String roomId, String userId) {
    JsonObject query = new JsonObject().put("_id", roomId).put("memberIds", userId);
    JsonObject update =
        new JsonObject()
            .put("$pull", new JsonObject().put("members", new JsonObject().put("userId", userId)).put("memberIds", userId));
    return mongo.updateCollection(ROOMS, query, update).map(r -> changed(roomId, r.getDocModified() > 0));
  }

  /** Sets a member's role (used when ownership passes on). */
  public Future<Void> setRole(String roomId, String userId, String role) {
    JsonObject query = new JsonObject().put("_id", roomId).put("members.userId", userId);
    JsonObject update = new JsonObject().put("$set", new JsonObject().put("members.$.role", role));
    return mongo.updateCollection(ROOMS, query, update).map(r -> changed(roomId, true)).mapEmpty();
  }

  private boolean changed(String roomId, boolean modified) {
    if (modified) {
      cache.invalidate(roomId);
    }
    return modified;
  }

}

package io.chatplatform.notification.store;

import io.chatplatform.notification.domain.RoomModes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Modes in {@code push_room_modes}, {@code _id} = roomId + "|" + userId; {@code all} is the absence of a record. */
public final class MongoRoomModes implements RoomModes {
  static final String MODES = "push_room_modes";
  private final MongoClient mongo;

  public MongoRoomModes(MongoClient mongo) {
    this.mongo = mongo;
  }

  @Override
  public Future<Void> set(String userId, String roomId, String mode) {
    JsonObject id = new JsonObject().put("_id", roomId + "|" + userId);
    if (ALL.equals(mode)) {
      return mongo.removeDocument(MODES, id).mapEmpty();
    }
    return mongo.save(MODES, id.copy().put("roomId", roomId).put("userId", userId).put("mode", mode)).mapEmpty();
  }

  @Override
  public Future<Map<String, String>> of(String roomId, Collection<String> userIds) {
    JsonArray ids = new JsonArray(userIds.stream().map(u -> roomId + "|" + u).toList());
    return mongo.find(MODES, new JsonObject().put("_id", new JsonObject().put("$in", ids))).map(found -> {
      Map<String, String> modes = new HashMap<>();
      found.forEach(doc -> modes.put(doc.getString("userId"), doc.getString("mode")));
      return modes;
    });
  }
}

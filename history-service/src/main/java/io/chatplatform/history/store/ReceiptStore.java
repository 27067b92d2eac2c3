package io.chatplatform.history.store;

import io.chatplatform.contracts.history.HistoryApi.MemberMarks;
import io.chatplatform.contracts.history.HistoryApi.RoomState;
import io.chatplatform.contracts.history.HistoryApi.RoomStates;

import io.chatplatform.contracts.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each member's {@code delivered} and {@code read} watermarks per room, and the unread counts
 * derived from them.
 *
 * <p>One document per (room, member), {@code _id = <roomId>|<userId>}, so every read is a point
 * look-up (the embedded MongoDB-wire server ignores secondary indexes). Watermarks move only
 * forward ({@code $max}, atomic per document); {@code read} raises {@code delivered} with it.
 */
public final class ReceiptStore {
  static final String RECEIPTS = "receipts";
  public static final String DELIVERED = "delivered";
  public static final String READ = "read";

  private final MongoClient mongo;
  private final MessageStore messages;
  private final int unreadScanMax;

  public ReceiptStore(MongoClient mongo, MessageStore messages, int unreadScanMax) {
    this.mongo = mongo;
    this.messages = messages;
    this.unreadScanMax = unreadScanMax;
  }

  /** A member's watermarks in a room. */
  public record Watermarks(long delivered, long read) {
    MemberMarks of(String userId) {
      return new MemberMarks(userId, delivered, read);
    }
  }

  /**
   * The result of a mark: the watermarks after it, and which moved: {@code read} when read moved
   * (delivered may have moved with it), {@code delivered} when only delivered did, null when none.
   */
  public record Marked(Watermarks now, String moved) {}

  /** Moves a watermark to {@code seq} unless it is already there or beyond. */
  public Future<Marked> mark(String roomId, String userId, long seq, String kind) {
    return messages
        .lastSeqs(List.of(roomId))
        .compose(last -> {
          if (seq > last.getOrDefault(roomId, 0L)) {
            return Future.failedFuture(ServiceException.badRequest("seq is beyond the room's last message"));
          }
          JsonObject raise = new JsonObject().put(DELIVERED, seq);
          if (READ.equals(kind)) {
            raise.put(READ, seq);
          }
          JsonObject update =
              new JsonObject()
                  .put("$max", raise)
                  .put("$set", new JsonObject().put("roomId", roomId).put("userId", userId));
          return mongo.findOneAndUpdateWithOptions(
              RECEIPTS,
              new JsonObject().put("_id", key(roomId, userId)),
              update,
              new FindOptions(),
              new UpdateOptions().setUpsert(true).setReturningNewDocument(false));
        })
        .map(before -> {
          Watermarks was = watermarks(before);
          long delivered = Math.max(was.delivered(), seq);
          long read = READ.equals(kind) ? Math.max(was.read(), seq) : was.read();
          String moved = read > was.read() ? READ : delivered > was.delivered() ? DELIVERED : null;
          return new Marked(new Watermarks(delivered, read), moved);
        });
  }

  /** The watermarks of each user in the room, in the order asked (0 when none yet). */
  public Future<List<MemberMarks>> list(String roomId, List<String> userIds) {
    return byKey(userIds.stream().map(u -> key(roomId, u)).toList())
        .map(found -> userIds.stream().map(u -> found.getOrDefault(key(roomId, u), new Watermarks(0, 0)).of(u)).toList());
  }

  /**
   * Per room: {@code lastSeq}, and for {@code userId} (when not null) the {@code unread} count:
   * messages after their read watermark that others sent. The newest {@code unreadScanMax}
   * of those are checked for their sender; any older ones are counted as unread unchecked,
   * which keeps a room list cheap however far behind its reader is.
   */
  public Future<RoomStates> roomStates(String userId, List<String> roomIds) {
    Future<Map<String, Long>> lastSeqs = messages.lastSeqs(roomIds);
    Future<Map<String, Watermarks>> marks =
        userId == null ? Future.succeededFuture(Map.of()) : byKey(roomIds.stream().map(r -> key(r, userId)).toList());
    return Future.all(lastSeqs, marks)
        .compose(x -> {
          List<Future<Long>> unread = new ArrayList<>();
          for (String roomId : roomIds) {
            long last = lastSeqs.result().getOrDefault(roomId, 0L);
            long read = marks.result().getOrDefault(key(roomId, userId), new Watermarks(0, 0)).read();
            unread.add(userId == null ? Future.succeededFuture(0L) : unread(roomId, userId, read, last));
          }
          return Future.all(unread).map(y -> {
            Map<String, RoomState> rooms = new HashMap<>();
            for (int i = 0; i < roomIds.size(); i++) {
              String roomId = roomIds.get(i);
              rooms.put(roomId, new RoomState(lastSeqs.result().getOrDefault(roomId, 0L), unread.get(i).result()));
            }
            return new RoomStates(rooms);
          });
        });
  }

  private Future<Long> unread(String roomId, String userId, long read, long last) {
    if (last <= read) {
      return Future.succeededFuture(0L);
    }
    long lower = Math.max(read + 1, last - unreadScanMax + 1);
    long unchecked = lower - read - 1;
    JsonArray ids = new JsonArray();
    for (long seq = lower; seq <= last; seq++) {
      ids.add(MessageStore.messageKey(roomId, seq));
    }
    FindOptions senderOnly = new FindOptions().setFields(new JsonObject().put("senderId", 1));
    return mongo
        .findWithOptions(MessageStore.MESSAGES, new JsonObject().put("_id", new JsonObject().put("$in", ids)), senderOnly)
        .map(docs -> unchecked + docs.stream().filter(d -> !userId.equals(d.getString("senderId"))).count());
  }

  private Future<Map<String, Watermarks>> byKey(List<String> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return mongo
        .find(RECEIPTS, new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(keys))))
        .map(docs -> {
          Map<String, Watermarks> found = new HashMap<>();
          docs.forEach(doc -> found.put(doc.getString("_id"), watermarks(doc)));
          return found;
        });
  }

  private static Watermarks watermarks(JsonObject doc) {
    return doc == null ? new Watermarks(0, 0) : new Watermarks(doc.getLong(DELIVERED, 0L), doc.getLong(READ, 0L));
  }

  static String key(String roomId, String userId) {
    return roomId + "|" + userId;
  }
}

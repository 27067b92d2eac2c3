package io.chatplatform.contracts;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;

/**
 * The server events a client receives on its inbox (protocol v1, section 2), and the envelope
 * that carries per-user events to the gateway nodes.
 */
public final class ClientEvents {
  private ClientEvents() {}

  public static final String TYPE = "type";
  public static final String MESSAGE = "message";
  public static final String MESSAGE_UPDATED = "message.updated";
  public static final String ROOM = "room";
  public static final String TYPING = "typing";
  public static final String RECEIPT = "receipt";
  public static final String PRESENCE = "presence";
  public static final String RECONNECT = "reconnect";
  public static final String MODERATION = "moderation";

  /** Why a {@link #RECONNECT} event was sent: the gateway is shutting down. */
  public static final String RECONNECT_DRAINING = "draining";

  public static final String ROOM_JOINED = "joined";
  public static final String ROOM_LEFT = "left";
  public static final String ROOM_UPDATED = "updated";

  /** {@code {"type":"message","message":…}}: a new message of one of the user's rooms. */
  public static JsonObject message(JsonObject message) {
    return new JsonObject().put(TYPE, MESSAGE).put(MESSAGE, message);
  }

  private static final Buffer MESSAGE_PREFIX = Buffer.buffer("{\"" + TYPE + "\":\"" + MESSAGE + "\",\"" + MESSAGE + "\":");
  private static final Buffer MESSAGE_SUFFIX = Buffer.buffer("}");

  /**
   * {@link #message} around a message's client JSON already encoded: the same bytes as encoding
   * {@code message(json)}, without parsing or encoding the message again.
   */
  public static Buffer message(Buffer messageJson) {
    return Buffer.buffer(MESSAGE_PREFIX.length() + messageJson.length() + 1)
        .appendBuffer(MESSAGE_PREFIX).appendBuffer(messageJson).appendBuffer(MESSAGE_SUFFIX);
  }

  /** {@code {"type":"message.updated","message":…}}: a message was edited or deleted; the message as it now is. */
  public static JsonObject messageUpdated(JsonObject message) {
    return new JsonObject().put(TYPE, MESSAGE_UPDATED).put(MESSAGE, message);
  }

  /** {@code {"type":"room","event":…,"room":…}}: a membership or room change. */
  public static JsonObject room(String event, JsonObject room) {
    return new JsonObject().put(TYPE, ROOM).put("event", event).put(ROOM, room);
  }

  /**
   * {@code {"type":"moderation","roomId","action","userId","actorId","at","mutedUntil"?,"reason"?}}:
   * a moderation act in a room, to the room and to the user it was done to.
   */
  public static JsonObject moderation(JsonObject act) {
    return act.copy().put(TYPE, MODERATION);
  }

  /** {@code {"type":"typing","roomId","userId","typing"}}: a room-mate started or stopped typing. */
  public static JsonObject typing(String roomId, String userId, boolean typing) {
    return new JsonObject().put(TYPE, TYPING).put("roomId", roomId).put("userId", userId).put("typing", typing);
  }

  /** {@code {"type":"receipt","roomId","userId","kind","seq"}}: a member's watermark moved forward. */
  public static JsonObject receipt(String roomId, String userId, String kind, long seq) {
    return new JsonObject().put(TYPE, RECEIPT).put("roomId", roomId).put("userId", userId).put("kind", kind).put("seq", seq);
  }

  /** {@code {"type":"presence","userId","status","lastSeen"}}: a room-mate's status changed. */
  public static JsonObject presence(String userId, String status, Long lastSeen) {
    return new JsonObject().put(TYPE, PRESENCE).put("userId", userId).put("status", status).put("lastSeen", lastSeen);
  }

  /**
   * {@code {"type":"reconnect","reason"}}: this gateway is going away (reason {@code draining});
   * reconnect at once (after a random 0–1 s) to another one and catch up with {@code chat.sync}.
   * Not an error. Sent by the gateway itself, not through the event bus.
   */
  public static JsonObject reconnect(String reason) {
    return new JsonObject().put(TYPE, RECONNECT).put("reason", reason);
  }

  /** The body published on {@link Addresses.Fanout#USERS}: one client event for the named users. */
  public record ForUsers(List<String> userIds, JsonObject event) {
    public ForUsers {
      userIds = List.copyOf(userIds);
    }

    public static final Shape<ForUsers> SHAPE = Shape.of(ForUsers.class,
        json -> new ForUsers(Fields.strings(json, "userIds", "userIds must be a list"), json.getJsonObject("event")),
        f -> new JsonObject().put("userIds", new JsonArray(f.userIds)).put("event", f.event));
  }

  public static ForUsers forUsers(Collection<String> userIds, JsonObject event) {
    return new ForUsers(List.copyOf(userIds), event);
  }
}

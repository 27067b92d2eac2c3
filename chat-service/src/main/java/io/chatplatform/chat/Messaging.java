package io.chatplatform.chat;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ClientEvents;
import io.chatplatform.contracts.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Sending and reading messages. Membership is checked here; history-service stores and assigns
 * {@code seq}. A message is fanned out only after it is stored, and only the first time: a retry
 * with the same {@code clientMsgId} gets the stored message back and delivers nothing.
 */
public final class Messaging {
  private final Rooms rooms;
  private final UserStore users;
  private final Fanout fanout;
  private final EventBus eventBus;
  private final ChatConfig config;
  private final DeliveryOptions historyCalls;

  /** Page size when the client gives no {@code limit} (protocol v1). */
  static final int DEFAULT_PAGE_SIZE = 50;

  public Messaging(Rooms rooms, UserStore users, Fanout fanout, EventBus eventBus, ChatConfig config) {
    this.rooms = rooms;
    this.users = users;
    this.fanout = fanout;
    this.eventBus = eventBus;
    this.config = config;
    this.historyCalls = new DeliveryOptions().setSendTimeout(config.historyTimeoutMs());
  }

  /** {@code {callerId, roomId, clientMsgId, text?, attachments?, replyTo?}} → the stored message. */
  public Future<JsonObject> send(JsonObject body) {
    String caller = Rooms.caller(body);
    String roomId = Rules.requiredString(body, "roomId");
    String clientMsgId = Rules.clientMsgId(body);
    String text = Rules.text(body, config.maxTextLength());
    JsonArray attachments = Rules.attachments(body);
    Long replyTo = Rules.replyTo(body);
    if (text.isBlank() && attachments.isEmpty()) {
      throw ServiceException.badRequest("a message needs text or attachments");
    }
    if (!attachments.isEmpty()) {
      // File uploads are not part of the platform yet, so no file id can be valid.
      throw ServiceException.badRequest("unknown file in attachments");
    }
    return rooms
        .memberRoom(roomId, caller)
        .compose(room -> mentions(room, text))
        .compose(
            mentions -> {
              JsonObject append =
                  new JsonObject()
                      .put("roomId", roomId)
                      .put("senderId", caller)
                      .put("clientMsgId", clientMsgId)
                      .put("text", text)
                      .put("attachments", attachments)
                      .put("replyTo", replyTo)
                      .put("mentions", mentions)
                      .put("ts", System.currentTimeMillis());
              return eventBus.<JsonObject>request(Addresses.History.APPEND, append, historyCalls);
            })
        .map(
            reply -> {
              JsonObject message = reply.body().getJsonObject("message");
              if (!reply.body().getBoolean("duplicate", false)) {
                fanout.toRoom(roomId, ClientEvents.message(message));
              }
              return message;
            });
  }

  /** {@code {callerId, roomId, before?|after?, limit?}} → {@code {messages, hasMore}}. */
  public Future<JsonObject> page(JsonObject body) {
    String caller = Rooms.caller(body);
    String roomId = Rules.requiredString(body, "roomId");
    Long before = Rules.optionalSeq(body, "before");
    Long after = Rules.optionalSeq(body, "after");
    Long limit = Rules.optionalSeq(body, "limit");
    if (before != null && after != null) {
      throw ServiceException.badRequest("give before or after, not both");
    }
    if (limit != null && (limit < 1 || limit > config.maxPageSize())) {
      throw ServiceException.badRequest("limit must be 1-" + config.maxPageSize());
    }
    JsonObject request =
        new JsonObject()
            .put("roomId", roomId)
            .put("before", before)
            .put("after", after)
            .put("limit", limit == null ? Math.min(DEFAULT_PAGE_SIZE, config.maxPageSize()) : limit.intValue());
    return rooms
        .memberRoom(roomId, caller)
        .compose(room -> eventBus.<JsonObject>request(Addresses.History.PAGE, request, historyCalls))
        .map(reply -> reply.body());
  }

  /**
   * {@code {callerId, rooms:{roomId: lastSeen}}} → what the caller missed in each room it is a
   * member of. Rooms it is not (or no longer) in are left out of the answer.
   */
  public Future<JsonObject> sync(JsonObject body) {
    String caller = Rooms.caller(body);
    Object raw = body.getValue("rooms");
    if (!(raw instanceof JsonObject wanted)) {
      throw ServiceException.badRequest("rooms must be an object of roomId: lastSeq");
    }
    if (wanted.size() > config.syncMaxRooms()) {
      throw ServiceException.badRequest("at most " + config.syncMaxRooms() + " rooms per sync");
    }
    JsonObject checked = new JsonObject();
    for (String roomId : wanted.fieldNames()) {
      Long seen = Rules.optionalSeq(wanted, roomId);
      checked.put(roomId, seen == null ? 0L : seen);
    }
    return rooms
        .roomIdsOf(caller)
        .compose(
            mine -> {
              Set<String> memberOf = Set.copyOf(mine);
              JsonObject allowed = new JsonObject();
              checked.forEach(e -> {
                if (memberOf.contains(e.getKey())) {
                  allowed.put(e.getKey(), e.getValue());
                }
              });
              if (allowed.isEmpty()) {
                return Future.succeededFuture(new JsonObject().put("rooms", new JsonObject()));
              }
              return eventBus
                  .<JsonObject>request(Addresses.History.SYNC, new JsonObject().put("rooms", allowed), historyCalls)
                  .map(reply -> reply.body());
            });
  }

  /** The ids of the room's members that the text names as {@code @username}. */
  private Future<JsonArray> mentions(Room room, String text) {
    Set<String> names = Rules.mentionedUsernames(text);
    if (names.isEmpty()) {
      return Future.succeededFuture(new JsonArray());
    }
    return users
        .byUsernames(names)
        .map(
            found ->
                new JsonArray(
                    found.stream().map(u -> u.getString("_id")).filter(room::hasMember).toList()));
  }
}

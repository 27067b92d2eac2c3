package io.chatplatform.chat;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ClientEvents;
import io.chatplatform.contracts.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Delivery and read receipts: members move their watermarks (history-service stores them, only
 * forward), and the room hears of each move. Membership is checked here, as for messages.
 */
public final class Receipts {
  private final Rooms rooms;
  private final Fanout fanout;
  private final EventBus eventBus;
  private final ChatConfig config;
  private final DeliveryOptions historyCalls;

  public Receipts(Rooms rooms, Fanout fanout, EventBus eventBus, ChatConfig config) {
    this.rooms = rooms;
    this.fanout = fanout;
    this.eventBus = eventBus;
    this.config = config;
    this.historyCalls = new DeliveryOptions().setSendTimeout(config.historyTimeoutMs());
  }

  /** {@code {callerId, roomId, seq, kind}} → the caller's watermarks {@code {delivered, read}}. */
  public Future<JsonObject> mark(JsonObject body) {
    String caller = Rooms.caller(body);
    String roomId = Rules.requiredString(body, "roomId");
    Long seq = Rules.optionalSeq(body, "seq");
    if (seq == null || seq < 1) {
      throw ServiceException.badRequest("seq must be a message's seq (1 or more)");
    }
    Object kind = body.getValue("kind");
    if (!"delivered".equals(kind) && !"read".equals(kind)) {
      throw ServiceException.badRequest("kind must be delivered or read");
    }
    JsonObject request =
        new JsonObject().put("roomId", roomId).put("userId", caller).put("seq", seq).put("kind", kind);
    return rooms
        .memberRoom(roomId, caller)
        .compose(room -> eventBus.<JsonObject>request(Addresses.History.RECEIPT_MARK, request, historyCalls)
            .map(reply -> {
              JsonObject marked = reply.body();
              String moved = marked.getString("moved");
              if (moved != null) {
                announce(room, caller, moved, marked.getLong(moved));
              }
              return new JsonObject().put("delivered", marked.getLong("delivered")).put("read", marked.getLong("read"));
            }));
  }

  /** {@code {callerId, roomId}} → {@code {members:[{userId, delivered, read}]}}, every member. */
  public Future<JsonObject> list(JsonObject body) {
    String caller = Rooms.caller(body);
    String roomId = Rules.requiredString(body, "roomId");
    return rooms
        .memberRoom(roomId, caller)
        .compose(room -> eventBus.<JsonObject>request(
            Addresses.History.RECEIPT_LIST,
            new JsonObject().put("roomId", roomId).put("userIds", new JsonArray(room.memberIds())),
            historyCalls))
        .map(reply -> reply.body());
  }

  /**
   * The whole room hears of a moved watermark while it is small; in a larger room only the
   * reader's own devices do (to clear their unread badges), since every member reading every
   * message would otherwise cost members² deliveries.
   */
  private void announce(Room room, String userId, String kind, long seq) {
    JsonObject event = ClientEvents.receipt(room.roomId(), userId, kind, seq);
    if (room.members().size() <= config.receiptEventsMaxMembers()) {
      fanout.toRoom(room.roomId(), event);
    } else {
      fanout.toUsers(List.of(userId), event);
    }
  }
}

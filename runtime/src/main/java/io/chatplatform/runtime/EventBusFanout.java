package io.chatplatform.runtime;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ClientEvents;
import io.chatplatform.contracts.Codecs;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.Collection;

/**
 * {@link Fanout} over the event bus. A room event is published once on the room's fan-out
 * address, already encoded: each gateway node with members of the room gets it once and writes
 * the same bytes to every local member socket. Per-user events go to every gateway node, which
 * delivers them to the named users' local sockets.
 */
public final class EventBusFanout implements Fanout {
  private final EventBus eventBus;

  public EventBusFanout(EventBus eventBus) {
    this.eventBus = Codecs.register(eventBus);
  }

  @Override
  public void toRoom(String roomId, JsonObject event) {
    eventBus.publish(Addresses.Fanout.room(roomId), event.toBuffer(), stamped(event));
  }

  @Override
  public void toRoom(String roomId, String type, Buffer encodedEvent) {
    eventBus.publish(Addresses.Fanout.room(roomId), encodedEvent, stamped(type));
  }

  @Override
  public void toRoomExcept(String roomId, JsonObject event, String excludedUserId) {
    eventBus.publish(
        Addresses.Fanout.room(roomId),
        event.toBuffer(),
        stamped(event).addHeader(Addresses.Fanout.EXCLUDE_USER_HEADER, excludedUserId));
  }

  /** When and what: the gateways time the fan-out and count deliveries by type without parsing the event. */
  private static DeliveryOptions stamped(JsonObject event) {
    return stamped(String.valueOf(event.getValue(ClientEvents.TYPE)));
  }

  private static DeliveryOptions stamped(String type) {
    return new DeliveryOptions()
        .addHeader(Addresses.Fanout.PUBLISHED_AT_HEADER, Long.toString(System.currentTimeMillis()))
        .addHeader(Addresses.Fanout.EVENT_TYPE_HEADER, type);
  }

  @Override
  public void toUsers(Collection<String> userIds, JsonObject event) {
    if (!userIds.isEmpty()) {
      eventBus.publish(Addresses.Fanout.USERS, ClientEvents.forUsers(userIds, event));
    }
  }
}

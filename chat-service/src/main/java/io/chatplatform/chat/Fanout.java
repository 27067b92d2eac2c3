package io.chatplatform.chat;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ClientEvents;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.Collection;

/**
 * Hands events to the gateway nodes. A room event is published once on the room's fan-out
 * address, already encoded: each gateway node with members of the room gets it once and writes
 * the same bytes to every local member socket. Per-user events (rare: membership changes) go to
 * every gateway node, which delivers them to the named users' local sockets.
 */
public final class Fanout {
  private final EventBus eventBus;

  public Fanout(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  public void toRoom(String roomId, JsonObject event) {
    eventBus.publish(Addresses.Fanout.room(roomId), event.toBuffer());
  }

  public void toUsers(Collection<String> userIds, JsonObject event) {
    if (!userIds.isEmpty()) {
      eventBus.publish(Addresses.Fanout.USERS, ClientEvents.forUsers(userIds, event));
    }
  }
}

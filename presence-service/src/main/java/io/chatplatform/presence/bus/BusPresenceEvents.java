package io.chatplatform.presence.bus;

import io.chatplatform.contracts.ClientEvents;
import io.chatplatform.presence.domain.Presence;
import io.chatplatform.presence.domain.PresenceEvents;
import io.chatplatform.runtime.Fanout;
import java.util.Collection;

/** {@link PresenceEvents} as client events through the {@link Fanout}. */
final class BusPresenceEvents implements PresenceEvents {
  private final Fanout fanout;

  BusPresenceEvents(Fanout fanout) {
    this.fanout = fanout;
  }

  @Override
  public void presence(Collection<String> to, Presence presence) {
    fanout.toUsers(to, ClientEvents.presence(presence.userId(), presence.status(), presence.lastSeen()));
  }

  @Override
  public void typing(String roomId, String userId, boolean typing) {
    fanout.toRoomExcept(roomId, ClientEvents.typing(roomId, userId, typing), userId);
  }
}

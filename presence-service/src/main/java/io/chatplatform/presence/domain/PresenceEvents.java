package io.chatplatform.presence.domain;

import java.util.Collection;

/** What presence tells clients; the implementation decides how (client JSON, fan-out addresses). */
public interface PresenceEvents {
  /** A user's shown status changed: to the named users (the user's contacts). */
  void presence(Collection<String> to, Presence presence);

  /** A user started or stopped typing: to the room, except the typer's own sockets. */
  void typing(String roomId, String userId, boolean typing);
}

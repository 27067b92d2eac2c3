package io.chatplatform.runtime;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Collection;

/**
 * Hands client events to the gateway nodes. Ordering: events published by one publisher on one
 * room arrive at each gateway node in the order they were published; delivery is at most once,
 * and clients fill gaps with {@code chat.sync} (a message's {@code seq}, not the transport,
 * carries the guarantee).
 */
public interface Fanout {
  /** To every member socket of the room. */
  void toRoom(String roomId, JsonObject event);

  /** To every member socket of the room: an event of {@code type} already encoded. */
  void toRoom(String roomId, String type, Buffer encodedEvent);

  /** To every member socket of the room except the sockets of {@code excludedUserId}. */
  void toRoomExcept(String roomId, JsonObject event, String excludedUserId);

  /** To every socket of the named users (nothing when there are none). */
  void toUsers(Collection<String> userIds, JsonObject event);
}

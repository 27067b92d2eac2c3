package io.chatplatform.gateway;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ClientEvents;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This gateway node's index of local sockets by room and by user, and its subscriptions.
 *
 * <p>The node subscribes once per room that has at least one local member socket (the
 * subscription is reference-counted by the sockets), so a room message crosses the cluster once
 * per interested node whatever the number of members. Each event arrives encoded; it is wrapped
 * into a bridge frame per recipient inbox without being parsed or re-encoded.
 *
 * <p>Runs on the gateway verticle's event loop only.
 */
final class LocalFanout {
  private static final Logger LOG = LoggerFactory.getLogger(LocalFanout.class);

  private final EventBus eventBus;
  private final Map<String, RoomSubscription> rooms = new HashMap<>();
  private final Map<String, Set<ClientSession>> users = new HashMap<>();
  private MessageConsumer<JsonObject> userEvents;

  private static final class RoomSubscription {
    final Set<ClientSession> sessions = new LinkedHashSet<>();
    MessageConsumer<Buffer> consumer;
  }

  LocalFanout(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  /** Subscribes to the per-user events every node receives. */
  Future<Void> start() {
    userEvents = eventBus.consumer(Addresses.Fanout.USERS, message -> deliverToUsers(message.body()));
    return userEvents.completion();
  }

  int localRoomSubscriptions() {
    return rooms.size();
  }

  void attach(ClientSession session, Iterable<String> roomIds) {
    users.computeIfAbsent(session.userId(), k -> new HashSet<>()).add(session);
    roomIds.forEach(roomId -> join(session, roomId));
  }

  void detach(ClientSession session) {
    Set<ClientSession> sessions = users.get(session.userId());
    if (sessions != null) {
      sessions.remove(session);
      if (sessions.isEmpty()) {
        users.remove(session.userId());
      }
    }
    for (String roomId : Set.copyOf(session.rooms)) {
      leave(session, roomId);
    }
  }

  private void join(ClientSession session, String roomId) {
    if (!session.rooms.add(roomId)) {
      return;
    }
    RoomSubscription subscription = rooms.get(roomId);
    if (subscription == null) {
      subscription = new RoomSubscription();
      subscription.consumer =
          eventBus.consumer(Addresses.Fanout.room(roomId), message -> deliverToRoom(roomId, message.body()));
      subscription.consumer.completion().onFailure(e -> LOG.warn("could not subscribe to room {}", roomId, e));
      rooms.put(roomId, subscription);
    }
    subscription.sessions.add(session);
  }

  private void leave(ClientSession session, String roomId) {
    session.rooms.remove(roomId);
    RoomSubscription subscription = rooms.get(roomId);
    if (subscription == null) {
      return;
    }
    subscription.sessions.remove(session);
    if (subscription.sessions.isEmpty()) {
      rooms.remove(roomId);
      subscription.consumer.unregister().onFailure(e -> LOG.warn("could not unsubscribe from room {}", roomId, e));
    }
  }

  private void deliverToRoom(String roomId, Buffer event) {
    RoomSubscription subscription = rooms.get(roomId);
    if (subscription == null) {
      return;
    }
    for (ClientSession session : subscription.sessions) {
      if (session.inboxRegistered) {
        session.write(BridgeFrames.recEncoded(session.inbox, event));
      }
    }
  }

  /** {@code {userIds, event}}: deliver to those users' local sockets and follow membership changes. */
  private void deliverToUsers(JsonObject envelope) {
    JsonObject event = envelope.getJsonObject("event");
    Buffer encoded = event.toBuffer();
    String roomId = null;
    boolean joined = false;
    boolean left = false;
    if (ClientEvents.ROOM.equals(event.getString(ClientEvents.TYPE))) {
      roomId = event.getJsonObject(ClientEvents.ROOM).getString("roomId");
      joined = ClientEvents.ROOM_JOINED.equals(event.getString("event"));
      left = ClientEvents.ROOM_LEFT.equals(event.getString("event"));
    }
    for (Object id : envelope.getJsonArray("userIds")) {
      Set<ClientSession> sessions = users.get(String.valueOf(id));
      if (sessions == null) {
        continue;
      }
      for (ClientSession session : Set.copyOf(sessions)) {
        if (joined) {
          join(session, roomId);
        } else if (left) {
          leave(session, roomId);
        }
        if (session.inboxRegistered) {
          session.write(BridgeFrames.recEncoded(session.inbox, encoded));
        }
      }
    }
  }
}

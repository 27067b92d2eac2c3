package io.chatplatform.gateway.socket;

import io.chatplatform.contracts.Codecs;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ClientEvents;
import io.chatplatform.gateway.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway event loop's index of its sockets by room and by user, and its subscriptions (a
 * node runs one per loop, {@code GATEWAY_EVENT_LOOPS}).
 *
 * <p>The loop subscribes once per room that has at least one of its sockets as member (the
 * subscription is reference-counted by the sockets), so a room message crosses the cluster once
 * per interested node (Vert.x sends a publication once to each node) and is handed to each
 * interested loop there, whatever the number of members. Each event arrives encoded; it is wrapped
 * into a bridge frame per recipient inbox without being parsed or re-encoded, and escaped for
 * SockJS's websocket transport at most once per loop ({@link FanoutEvent}).
 *
 * <p>Runs on its loop only.
 */
public final class LocalFanout {
  private static final Logger LOG = LoggerFactory.getLogger(LocalFanout.class);

  private final EventBus eventBus;
  private final Map<String, RoomSubscription> rooms = new HashMap<>();
  private final Map<String, Set<ClientSession>> users = new HashMap<>();
  private MessageConsumer<ClientEvents.ForUsers> userEvents;
  /** When a room subscription counts as active: its consumer's completion, or later (tests hold it). */
  private final UnaryOperator<Future<Void>> activation;
  private final GatewayMetrics metrics;

  private static final class RoomSubscription {
    final Set<ClientSession> sessions = new LinkedHashSet<>();
    MessageConsumer<Buffer> consumer;
    /** Completes once the consumer is registered (cluster-wide when clustered). */
    Future<Void> active;
  }

  public LocalFanout(EventBus eventBus, GatewayMetrics metrics) {
    this(eventBus, UnaryOperator.identity(), metrics);
  }

  /** With {@code activation} deciding when a new room subscription counts as active (a test may hold it back). */
  LocalFanout(EventBus eventBus, UnaryOperator<Future<Void>> activation, GatewayMetrics metrics) {
    this.eventBus = eventBus;
    this.activation = activation;
    this.metrics = metrics;
  }

  /** Subscribes to the per-user events every node receives. */
  public Future<Void> start() {
    userEvents = Codecs.register(eventBus).<ClientEvents.ForUsers>consumer(Addresses.Fanout.USERS, message -> deliverToUsers(message.body()));
    return userEvents.completion();
  }

  public int localRoomSubscriptions() {
    return rooms.size();
  }

  /** Starts delivering per-user events (membership changes) to the session. */
  void track(ClientSession session) {
    users.computeIfAbsent(session.userId(), k -> new HashSet<>()).add(session);
  }

  /** Indexes the session under these rooms; completes when every room subscription is active. */
  Future<Void> join(ClientSession session, Iterable<String> roomIds) {
    List<Future<Void>> subscriptions = new ArrayList<>();
    roomIds.forEach(roomId -> subscriptions.add(join(session, roomId)));
    return Future.all(subscriptions).mapEmpty();
  }

  void detach(ClientSession session) {
    Set<ClientSession> sessions = users.get(session.userId());
    if (sessions != null) {
      sessions.remove(session);
      if (sessions.isEmpty()) {
        users.remove(session.userId());
      }
    }
    for (String roomId : session.rooms()) {
      leave(session, roomId);
    }
  }

  private Future<Void> join(ClientSession session, String roomId) {
    if (!session.recordSubscribed(roomId)) {
      RoomSubscription existing = rooms.get(roomId);
      return existing == null ? Future.succeededFuture() : existing.active;
    }
    RoomSubscription subscription = rooms.get(roomId);
    if (subscription == null) {
      subscription = new RoomSubscription();
      subscription.consumer =
          eventBus.consumer(
              Addresses.Fanout.room(roomId),
              message -> deliverToRoom(roomId, message));
      subscription.active = activation.apply(subscription.consumer.completion());
      rooms.put(roomId, subscription);
    }
    subscription.sessions.add(session);
    return subscription.active;
  }

  private void leave(ClientSession session, String roomId) {
    session.recordUnsubscribed(roomId);
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

  /**
   * Writes the event to the room's local member sockets, except those of the user its
   * {@link Addresses.Fanout#EXCLUDE_USER_HEADER} names; counts them, and times the fan-out from
   * the event's publication ({@link Addresses.Fanout#PUBLISHED_AT_HEADER}) to the last write here.
   */
  private void deliverToRoom(String roomId, Message<Buffer> message) {
    RoomSubscription subscription = rooms.get(roomId);
    if (subscription == null) {
      return;
    }
    FanoutEvent event = new FanoutEvent(message.body());
    String excludedUser = message.headers().get(Addresses.Fanout.EXCLUDE_USER_HEADER);
    int delivered = 0;
    for (ClientSession session : subscription.sessions) {
      if ((excludedUser == null || !excludedUser.equals(session.userId())) && session.deliver(event)) {
        delivered++;
      }
    }
    String type = message.headers().get(Addresses.Fanout.EVENT_TYPE_HEADER);
    metrics.delivered(type, delivered);
    String publishedAt = message.headers().get(Addresses.Fanout.PUBLISHED_AT_HEADER);
    if (delivered > 0 && publishedAt != null) {
      try {
        metrics.fannedOut(type, Long.parseLong(publishedAt));
      } catch (NumberFormatException e) {
        LOG.debug("a room event with an unreadable {} header", Addresses.Fanout.PUBLISHED_AT_HEADER);
      }
    }
  }

  /** {@code {userIds, event}}: deliver to those users' local sockets and follow membership changes. */
  private void deliverToUsers(ClientEvents.ForUsers envelope) {
    JsonObject event = envelope.event();
    FanoutEvent encoded = new FanoutEvent(event.toBuffer());
    boolean roomEvent = ClientEvents.ROOM.equals(event.getString(ClientEvents.TYPE));
    String roomId = roomEvent ? event.getJsonObject(ClientEvents.ROOM).getString("roomId") : null;
    boolean joined = roomEvent && ClientEvents.ROOM_JOINED.equals(event.getString("event"));
    boolean left = roomEvent && ClientEvents.ROOM_LEFT.equals(event.getString("event"));
    long version = roomEvent ? event.getJsonObject(ClientEvents.ROOM).getLong("version", 0L) : 0L;
    int delivered = 0;
    for (String id : envelope.userIds()) {
      Set<ClientSession> sessions = users.get(id);
      if (sessions == null) {
        continue;
      }
      for (ClientSession session : Set.copyOf(sessions)) {
        if (roomEvent && !session.acceptMembership(roomId, version)) {
          // Older than a change already applied (two chat-service instances, events crossing).
          continue;
        }
        if (joined) {
          // Written once the subscription is active (cluster-wide), so no message of the room sent
          // after the client hears of it is missed; later frames to the socket wait behind it.
          Future<Void> active = join(session, roomId).onFailure(e -> LOG.warn("could not subscribe to room {}", roomId, e));
          if (session.deliverWhen(active, encoded)) {
            delivered++;
          }
          continue;
        }
        if (left) {
          leave(session, roomId);
        }
        if (session.deliver(encoded)) {
          delivered++;
        }
      }
    }
    metrics.delivered(event.getString(ClientEvents.TYPE), delivered);
  }
}

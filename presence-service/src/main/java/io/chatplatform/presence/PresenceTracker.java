package io.chatplatform.presence;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ClientEvents;
import io.chatplatform.contracts.ServiceException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence and typing: turns session and typing requests into store operations, keeps the timers
 * (offline grace, typing expiry, the dead-node reaper), and announces what changed.
 *
 * <p>A {@code presence} event goes to everyone who shares a room with the user (one request to
 * chat-service for them, one publish to the gateway nodes); a {@code typing} event goes to the
 * room's fan-out address, minus the typer's own sockets. Timers live in the instance that set
 * them, and every one of them re-checks the shared store when it fires, so several instances
 * never announce the same change twice nor undo each other's work.
 */
public final class PresenceTracker {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceTracker.class);
  /** Ids we issue (users, rooms, sessions, nodes) are short and never contain spaces. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

  private final Vertx vertx;
  private final PresenceStore store;
  private final PresenceConfig config;
  private final MeterRegistry metrics;
  private final DeliveryOptions chatCalls;
  /** "userId roomId" → the timer that clears that typing when it is not refreshed. */
  private final Map<String, Long> typingTimers = new HashMap<>();
  private long reaper = -1;

  public PresenceTracker(Vertx vertx, PresenceStore store, PresenceConfig config, MeterRegistry metrics) {
    this.vertx = vertx;
    this.store = store;
    this.config = config;
    this.metrics = metrics;
    this.chatCalls = new DeliveryOptions().setSendTimeout(config.chatTimeoutMs());
  }

  public void start() {
    reaper = vertx.setPeriodic(config.reapIntervalMs(), id -> reapDeadNodes());
  }

  public void stop() {
    vertx.cancelTimer(reaper);
    typingTimers.values().forEach(vertx::cancelTimer);
  }

  /** {@code {userId, sessionId, nodeId, device}} from a gateway node: a socket opened. */
  public Future<JsonObject> connect(JsonObject body) {
    PresenceStore.Session session = session(body);
    return store.connect(session, now()).map(change -> {
      announceIfChanged(change);
      return new JsonObject();
    });
  }

  /** {@code {userId, sessionId, nodeId}} from a gateway node: a socket closed. */
  public Future<JsonObject> disconnect(JsonObject body) {
    PresenceStore.Session session = session(body);
    return store.disconnect(session, now()).map(gone -> {
      gone.typingRooms().forEach(roomId -> stopTypingTimer(session.userId(), roomId));
      gone.typingRooms().forEach(roomId -> relayTyping(roomId, session.userId(), false));
      if (gone.known() && gone.sessionsLeft() == 0) {
        // Shown offline only if no socket came back meanwhile: a quick reconnect does not flicker.
        vertx.setTimer(config.offlineGraceMs(), id -> settle(session.userId()));
      }
      return new JsonObject();
    });
  }

  /** {@code {nodeId}}: a gateway node is alive. Answers {@code known:false} when its sessions were dropped. */
  public Future<JsonObject> heartbeat(JsonObject body) {
    String nodeId = id(body, "nodeId");
    return store.heartbeat(nodeId, now()).map(known -> new JsonObject().put("known", known));
  }

  /** {@code {callerId, status}}: the user chooses online, away or dnd. */
  public Future<JsonObject> setStatus(JsonObject body) {
    String userId = id(body, "callerId");
    Object status = body.getValue("status");
    if (!(status instanceof String s) || !Presence.choosable(s)) {
      throw ServiceException.badRequest("status must be online, away or dnd");
    }
    return store.setStatus(userId, (String) status).map(change -> {
      announceIfChanged(change);
      return new JsonObject();
    });
  }

  /** {@code {callerId, callerSessionId, callerNodeId, roomId, typing}} from a socket. */
  public Future<JsonObject> typing(JsonObject body) {
    String userId = id(body, "callerId");
    String roomId = id(body, "roomId");
    if (!(body.getValue("typing") instanceof Boolean typing)) {
      throw ServiceException.badRequest("typing must be true or false");
    }
    PresenceStore.Session session =
        new PresenceStore.Session(userId, id(body, "callerSessionId"), id(body, "callerNodeId"), "");
    return vertx
        .eventBus()
        .request(Addresses.Chat.ROOM_CHECK_MEMBER, new JsonObject().put("callerId", userId).put("roomId", roomId), chatCalls)
        .compose(member -> typing ? startTyping(session, roomId) : stopTyping(userId, roomId))
        .map(x -> new JsonObject());
  }

  /** {@code {callerId, userIds:[…]}} → {@code {presence:[{userId, status, lastSeen}]}}. */
  public Future<JsonObject> query(JsonObject body) {
    id(body, "callerId");
    Object raw = body.getValue("userIds");
    if (!(raw instanceof JsonArray list) || list.isEmpty()) {
      throw ServiceException.badRequest("userIds must name at least one user");
    }
    Set<String> ids = new LinkedHashSet<>();
    for (Object id : list) {
      if (!(id instanceof String s) || !ID.matcher(s).matches()) {
        throw ServiceException.badRequest("userIds must be user ids");
      }
      ids.add(s);
    }
    if (ids.size() > config.queryMaxUsers()) {
      throw ServiceException.badRequest("at most " + config.queryMaxUsers() + " userIds per query");
    }
    return store.get(List.copyOf(ids))
        .map(found -> new JsonObject().put("presence", new JsonArray(found.stream().map(Presence::toJson).toList())));
  }

  private Future<Void> startTyping(PresenceStore.Session session, String roomId) {
    long now = now();
    return store
        .typingStarted(session, roomId, now, config.typingThrottleMs(), config.typingTimeoutMs())
        .map(forward -> {
          String key = typingKey(session.userId(), roomId);
          stopTypingTimer(session.userId(), roomId);
          // A little past the deadline, so the store sees it expired.
          typingTimers.put(key, vertx.setTimer(config.typingTimeoutMs() + 10, id -> expireTyping(key, session.userId(), roomId)));
          if (forward) {
            relayTyping(roomId, session.userId(), true);
          }
          metrics.counter("chat.typing.started", "forwarded", String.valueOf(forward)).increment();
          return null;
        });
  }

  private Future<Void> stopTyping(String userId, String roomId) {
    stopTypingTimer(userId, roomId);
    return store.typingStopped(userId, roomId).map(wasTyping -> {
      if (wasTyping) {
        relayTyping(roomId, userId, false);
      }
      return null;
    });
  }

  private void expireTyping(String key, String userId, String roomId) {
    typingTimers.remove(key);
    store
        .typingExpired(userId, roomId, now())
        .onSuccess(expired -> {
          if (expired) {
            relayTyping(roomId, userId, false);
          }
        })
        .onFailure(e -> LOG.warn("could not expire typing of {} in {}", userId, roomId, e));
  }

  private void stopTypingTimer(String userId, String roomId) {
    Long timer = typingTimers.remove(typingKey(userId, roomId));
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  private static String typingKey(String userId, String roomId) {
    return userId + " " + roomId;
  }

  private void relayTyping(String roomId, String userId, boolean typing) {
    vertx.eventBus().publish(
        Addresses.Fanout.room(roomId),
        ClientEvents.typing(roomId, userId, typing).toBuffer(),
        new DeliveryOptions().addHeader(Addresses.Fanout.EXCLUDE_USER_HEADER, userId));
  }

  private void settle(String userId) {
    store
        .settle(userId)
        .onSuccess(change -> {
          metrics.counter("chat.presence.settled", "result", change.changed() ? "offline" : "unchanged").increment();
          announceIfChanged(change);
        })
        .onFailure(e -> LOG.warn("could not settle presence of {}", userId, e));
  }

  private void reapDeadNodes() {
    store
        .reap(now())
        .onSuccess(users -> {
          if (!users.isEmpty()) {
            LOG.info("dropped the sessions of dead gateway nodes: {} users left without a socket", users.size());
            metrics.counter("chat.presence.reaped.users").increment(users.size());
          }
          users.forEach(this::settle);
        })
        .onFailure(e -> LOG.warn("could not look for dead gateway nodes", e));
  }

  /** Tells everyone who shares a room with the user; nothing when the shown status did not move. */
  private void announceIfChanged(PresenceStore.Change change) {
    if (!change.changed()) {
      return;
    }
    Presence presence = change.presence();
    metrics.counter("chat.presence.announced", "status", presence.status()).increment();
    vertx
        .eventBus()
        .<JsonObject>request(Addresses.Chat.USER_CONTACTS, new JsonObject().put("userId", presence.userId()), chatCalls)
        .onSuccess(reply -> {
          List<String> contacts = new ArrayList<>();
          reply.body().getJsonArray("userIds", new JsonArray()).forEach(id -> contacts.add(String.valueOf(id)));
          if (!contacts.isEmpty()) {
            vertx.eventBus().publish(
                Addresses.Fanout.USERS,
                ClientEvents.forUsers(contacts, ClientEvents.presence(presence.userId(), presence.status(), presence.lastSeen())));
          }
        })
        .onFailure(e -> LOG.warn("could not announce the presence of {}", presence.userId(), e));
  }

  private static PresenceStore.Session session(JsonObject body) {
    String device = body.getString("device", "");
    return new PresenceStore.Session(id(body, "userId"), id(body, "sessionId"), id(body, "nodeId"), device);
  }

  private static String id(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (!(value instanceof String s) || !ID.matcher(s).matches()) {
      throw ServiceException.badRequest(field + " must be an id");
    }
    return s;
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}

package io.chatplatform.presence.domain;

import io.chatplatform.contracts.Ack;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.presence.PresenceApi.DoNotDisturb;
import io.chatplatform.contracts.presence.PresenceApi.Heartbeat;
import io.chatplatform.contracts.presence.PresenceApi.HeartbeatReply;
import io.chatplatform.contracts.presence.PresenceApi.Query;
import io.chatplatform.contracts.presence.PresenceApi.SetStatus;
import io.chatplatform.contracts.presence.PresenceApi.Typing;
import io.chatplatform.presence.PresenceConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence and typing: turns session and typing requests into store operations, keeps the timers
 * (offline grace, typing expiry), reaps dead gateway nodes when asked, and announces what changed.
 *
 * <p>A {@code presence} event goes to everyone who shares a room with the user; a {@code typing}
 * event goes to the room, minus the typer's own sockets. A user's presence changes are coalesced
 * ({@code PRESENCE_COALESCE_MS}): the first goes out at once and opens a window; changes within it
 * wait, and when it ends what the store shows then goes out (opening the next window) unless
 * others already see it. So however fast a user flips their status, on however many sockets,
 * each contact hears of it at most once per window (per presence-service instance), the latest
 * status last. A query answers only about the caller and their contacts; anyone else reads
 * {@code unknown}, as a user that does not exist does. Timers live in the instance that set
 * them, and every one of them re-checks the shared store when it fires, so several instances
 * never undo each other's work (a window's end may repeat what another instance announced
 * meanwhile, never an older status). Not thread-safe: used on one event loop.
 *
 * <p>The store may lose its data (Redis restarted without persistence). So the tracker remembers
 * what it announced (users shown other than offline) and the statuses users chose through it.
 * When the store reports the loss (checked at every heartbeat and every reaper run), the tracker
 * writes that back ({@link PresenceStore#restore}) before it answers the heartbeat, which then
 * says {@code known:false}: every gateway reports its sockets again. One node TTL later, when
 * every live gateway has done so, each user it had shown online without a socket now is settled
 * (shown offline); users who were shown offline and were reported again were announced online
 * by their connect. Store failures reach callers as {@code unavailable}; a settle that failed is
 * tried again after another grace period.
 */
public final class PresenceTracker {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceTracker.class);
  /** Ids we issue (users, rooms, sessions, nodes) are short and never contain spaces. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

  private final PresenceStore store;
  private final ChatDirectory chat;
  private final PresenceEvents events;
  private final Timers timers;
  private final LongSupplier clock;
  private final PresenceConfig config;
  private final MeterRegistry metrics;
  /** "userId roomId" → the timer that clears that typing when it is not refreshed. */
  private final Map<String, Long> typingTimers = new HashMap<>();
  /** userId → what this instance last announced of them, when not offline. */
  private final Map<String, String> announced = new HashMap<>();
  /** userId → the status they last chose through this instance, and when. */
  private final Map<String, Chosen> chosen = new HashMap<>();
  /** userId → their open coalescing window: what went out when it opened, and its timer. */
  private final Map<String, Window> windows = new HashMap<>();

  private record Chosen(String status, long at) {}

  /** {@code changed}: a change came within the window, so its end must look again. */
  private static final class Window {
    final Presence fannedOut;
    final long timer;
    boolean changed;

    Window(Presence fannedOut, long timer, boolean changed) {
      this.fannedOut = fannedOut;
      this.timer = timer;
      this.changed = changed;
    }
  }

  public PresenceTracker(
      PresenceStore store, ChatDirectory chat, PresenceEvents events, Timers timers, LongSupplier clock,
      PresenceConfig config, MeterRegistry metrics) {
    this.store = store;
    this.chat = chat;
    this.events = events;
    this.timers = timers;
    this.clock = clock;
    this.config = config;
    this.metrics = metrics;
  }

  /** Cancels this instance's timers; what they would have done is left to the store's expiry. */
  public void stop() {
    typingTimers.values().forEach(timers::cancel);
    typingTimers.clear();
    windows.values().forEach(window -> timers.cancel(window.timer));
    windows.clear();
  }

  /** A gateway node reports that a socket opened. */
  public Future<Ack> connect(io.chatplatform.contracts.presence.PresenceApi.Session request) {
    PresenceStore.Session session = session(request);
    return store.connect(session, clock.getAsLong()).map(change -> {
      announceIfChanged(change);
      return Ack.DONE;
    });
  }

  /** A gateway node reports that a socket closed. */
  public Future<Ack> disconnect(io.chatplatform.contracts.presence.PresenceApi.Session request) {
    PresenceStore.Session session = session(request);
    return store.disconnect(session, clock.getAsLong()).map(gone -> {
      gone.typingRooms().forEach(roomId -> stopTypingTimer(session.userId(), roomId));
      gone.typingRooms().forEach(roomId -> events.typing(roomId, session.userId(), false));
      if (gone.known() && gone.sessionsLeft() == 0) {
        // Shown offline only if no socket came back meanwhile: a quick reconnect does not flicker.
        timers.schedule(config.offlineGraceMs(), () -> settle(session.userId()));
      }
      return Ack.DONE;
    });
  }

  /** A gateway node is alive; {@code known:false} when its sessions were dropped and must be reported again. */
  public Future<HeartbeatReply> heartbeat(Heartbeat heartbeat) {
    String nodeId = id(heartbeat.nodeId(), "nodeId");
    // After a loss, what this instance remembers is written back before the node hears known:false
    // and reports its sockets again.
    return rebuildIfLost().compose(x -> store.heartbeat(nodeId, clock.getAsLong())).map(HeartbeatReply::new);
  }

  /** The user chooses online, away or dnd. */
  public Future<Ack> setStatus(SetStatus request) {
    String userId = id(request.callerId(), "callerId");
    String status = request.status();
    if (status == null || !Presence.choosable(status)) {
      throw ServiceException.badRequest("status must be online, away or dnd");
    }
    long now = clock.getAsLong();
    return store.setStatus(userId, status, now).map(change -> {
      chosen.put(userId, new Chosen(status, now));
      announceIfChanged(change);
      return Ack.DONE;
    });
  }

  /** A socket's user started or stopped typing in a room they are a member of. */
  public Future<Ack> typing(Typing request) {
    String userId = id(request.callerId(), "callerId");
    String roomId = id(request.roomId(), "roomId");
    PresenceStore.Session session = new PresenceStore.Session(
        userId, id(request.callerSessionId(), "callerSessionId"), id(request.callerNodeId(), "callerNodeId"), "");
    return chat
        .checkMember(userId, roomId)
        .compose(member -> request.typing() ? startTyping(session, roomId) : stopTyping(userId, roomId))
        .map(Ack.DONE);
  }

  /**
   * The presence of the named users, in the order asked: the caller's own and their contacts'
   * (one directory look-up per query, none when the caller asks only about themself); anyone
   * else reads {@link Presence#UNKNOWN}, the same whether they share no room with the caller or
   * do not exist, so a query reveals nothing about strangers.
   */
  public Future<List<Presence>> query(Query query) {
    String callerId = id(query.callerId(), "callerId");
    if (query.userIds().isEmpty()) {
      throw ServiceException.badRequest("userIds must name at least one user");
    }
    Set<String> ids = new LinkedHashSet<>();
    for (String id : query.userIds()) {
      ids.add(id(id, "userIds"));
    }
    if (ids.size() > config.queryMaxUsers()) {
      throw ServiceException.badRequest("at most " + config.queryMaxUsers() + " userIds per query");
    }
    Future<Set<String>> visible = ids.size() == 1 && ids.contains(callerId)
        ? Future.succeededFuture(Set.of(callerId))
        : chat.contacts(callerId).map(contacts -> {
          Set<String> allowed = new HashSet<>(contacts);
          allowed.add(callerId);
          return allowed;
        });
    return visible.compose(allowed -> {
      List<String> answered = ids.stream().filter(allowed::contains).toList();
      return store.get(answered).map(found -> {
        Map<String, Presence> byId = new HashMap<>();
        found.forEach(p -> byId.put(p.userId(), p));
        return ids.stream().map(id -> byId.getOrDefault(id, new Presence(id, Presence.UNKNOWN, null))).toList();
      });
    });
  }

  /** Which of the users chose dnd, connected or not; for services (notification-service), so no contact check. */
  public Future<DoNotDisturb> doNotDisturb(DoNotDisturb request) {
    Set<String> ids = new LinkedHashSet<>();
    for (String id : request.userIds()) {
      ids.add(id(id, "userIds"));
    }
    if (ids.size() > config.queryMaxUsers()) {
      throw ServiceException.badRequest("at most " + config.queryMaxUsers() + " userIds per query");
    }
    return store.inDoNotDisturb(List.copyOf(ids)).map(dnd -> new DoNotDisturb(ids.stream().filter(dnd::contains).toList()));
  }

  /** Drops the sessions of gateway nodes that stopped sending heartbeats, and settles their users. */
  public void reapDeadNodes() {
    rebuildIfLost()
        .compose(x -> store.reap(clock.getAsLong()))
        .onSuccess(users -> {
          if (!users.isEmpty()) {
            LOG.info("dropped the sessions of dead gateway nodes: {} users left without a socket", users.size());
            metrics.counter("chat.presence.reaped.users").increment(users.size());
          }
          users.forEach(this::settle);
        })
        .onFailure(e -> LOG.warn("could not look for dead gateway nodes", e));
  }

  /** When the store lost its data: writes back what this instance remembers, and plans the corrections. */
  private Future<Void> rebuildIfLost() {
    return store.registryLost().compose(lost -> lost ? rebuild() : Future.succeededFuture());
  }

  private Future<Void> rebuild() {
    Map<String, PresenceStore.Remembered> remembered = new HashMap<>();
    announced.forEach((userId, status) -> remembered.put(userId, new PresenceStore.Remembered(userId, null, 0, status)));
    chosen.forEach((userId, choice) -> remembered.merge(
        userId,
        new PresenceStore.Remembered(userId, choice.status(), choice.at(), null),
        (shown, choice2) -> new PresenceStore.Remembered(userId, choice2.chosen(), choice2.chosenAt(), shown.shown())));
    List<String> wereShown = List.copyOf(announced.keySet());
    LOG.warn("the presence store lost its data: writing back {} users this instance remembers;"
        + " gateways report their sockets again, and in {} ms who has none is shown offline", remembered.size(), config.nodeTtlMs());
    metrics.counter("chat.presence.store.rebuilds").increment();
    return store.restore(List.copyOf(remembered.values())).map(changes -> {
      changes.forEach(this::announceIfChanged);
      // By then every live gateway has reported its sockets again (it heartbeats well within the TTL).
      timers.schedule(config.nodeTtlMs(), () -> wereShown.forEach(this::settle));
      return null;
    });
  }

  private Future<Void> startTyping(PresenceStore.Session session, String roomId) {
    return store
        .typingStarted(session, roomId, clock.getAsLong(), config.typingThrottleMs(), config.typingTimeoutMs())
        .map(forward -> {
          String key = typingKey(session.userId(), roomId);
          stopTypingTimer(session.userId(), roomId);
          // A little past the deadline, so the store sees it expired.
          typingTimers.put(key, timers.schedule(config.typingTimeoutMs() + 10, () -> expireTyping(key, session.userId(), roomId)));
          if (forward) {
            events.typing(roomId, session.userId(), true);
          }
          metrics.counter("chat.typing.started", "forwarded", String.valueOf(forward)).increment();
          return null;
        });
  }

  private Future<Void> stopTyping(String userId, String roomId) {
    stopTypingTimer(userId, roomId);
    return store.typingStopped(userId, roomId).map(wasTyping -> {
      if (wasTyping) {
        events.typing(roomId, userId, false);
      }
      return null;
    });
  }

  private void expireTyping(String key, String userId, String roomId) {
    typingTimers.remove(key);
    store
        .typingExpired(userId, roomId, clock.getAsLong())
        .onSuccess(expired -> {
          if (expired) {
            events.typing(roomId, userId, false);
          }
        })
        .onFailure(e -> LOG.warn("could not expire typing of {} in {}", userId, roomId, e));
  }

  private void stopTypingTimer(String userId, String roomId) {
    Long timer = typingTimers.remove(typingKey(userId, roomId));
    if (timer != null) {
      timers.cancel(timer);
    }
  }

  private static String typingKey(String userId, String roomId) {
    return userId + " " + roomId;
  }

  private void settle(String userId) {
    store
        .settle(userId)
        .onSuccess(change -> {
          metrics.counter("chat.presence.settled", "result", change.changed() ? "offline" : "unchanged").increment();
          announceIfChanged(change);
        })
        .onFailure(e -> {
          // Left unsettled, the user would stay shown online: try again after another grace period.
          LOG.debug("could not settle presence of {}, trying again in {} ms", userId, config.offlineGraceMs(), e);
          timers.schedule(config.offlineGraceMs(), () -> settle(userId));
        });
  }

  /**
   * Tells everyone who shares a room with the user, at once or when the user's coalescing window
   * ends; nothing when the shown status did not move.
   */
  private void announceIfChanged(PresenceStore.Change change) {
    if (!change.changed()) {
      return;
    }
    Presence presence = change.presence();
    if (Presence.OFFLINE.equals(presence.status())) {
      announced.remove(presence.userId());
    } else {
      announced.put(presence.userId(), presence.status());
    }
    Window window = windows.get(presence.userId());
    if (window != null) {
      window.changed = true;
      metrics.counter("chat.presence.coalesced").increment();
      return;
    }
    fanOut(presence);
  }

  /** Sends the presence to the user's contacts, and opens the user's window. */
  private void fanOut(Presence presence) {
    String userId = presence.userId();
    if (config.coalesceMs() > 0) {
      openWindow(presence, false);
    }
    metrics.counter("chat.presence.announced", "status", presence.status()).increment();
    chat.contacts(userId)
        .onSuccess(contacts -> {
          if (!contacts.isEmpty()) {
            events.presence(contacts, presence);
          }
        })
        .onFailure(e -> LOG.warn("could not announce the presence of {}", userId, e));
  }

  /**
   * The user's window ended: when anything changed within it, sends what the store shows now (not
   * what this instance last saw: another instance may have announced a newer change meanwhile),
   * unless that is what went out when the window opened.
   */
  private void closeWindow(String userId) {
    Window window = windows.remove(userId);
    if (window == null || !window.changed) {
      return;
    }
    store
        .shown(userId)
        .onSuccess(now -> {
          // A change that came while the store was read opened a window of its own, and went out.
          if (!windows.containsKey(userId) && !looksTheSame(now, window.fannedOut)) {
            fanOut(now);
          }
        })
        .onFailure(e -> {
          // Left unsent, the last change would never reach the contacts: look again after another window.
          LOG.debug("could not read the shown presence of {}, looking again in {} ms", userId, config.coalesceMs(), e);
          if (!windows.containsKey(userId)) {
            openWindow(window.fannedOut, true);
          }
        });
  }

  private void openWindow(Presence fannedOut, boolean changed) {
    String userId = fannedOut.userId();
    windows.put(userId, new Window(fannedOut, timers.schedule(config.coalesceMs(), () -> closeWindow(userId)), changed));
  }

  /** The same to others: the same status, and for offline the same last seen. */
  private static boolean looksTheSame(Presence a, Presence b) {
    return a.status().equals(b.status()) && (!Presence.OFFLINE.equals(a.status()) || Objects.equals(a.lastSeen(), b.lastSeen()));
  }

  private static PresenceStore.Session session(io.chatplatform.contracts.presence.PresenceApi.Session request) {
    return new PresenceStore.Session(
        id(request.userId(), "userId"), id(request.sessionId(), "sessionId"), id(request.nodeId(), "nodeId"), request.device());
  }

  private static String id(String value, String field) {
    if (value == null || !ID.matcher(value).matches()) {
      throw ServiceException.badRequest(field + " must be " + ("userIds".equals(field) ? "user ids" : "an id"));
    }
    return value;
  }
}

package io.chatplatform.presence.store;

import io.chatplatform.presence.domain.Presence;
import io.chatplatform.presence.domain.PresenceStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The registry in this process's memory: for the embedded default, where one presence-service
 * instance runs. Not thread-safe: used from its verticle's event loop only.
 */
public final class MemoryPresenceStore implements PresenceStore {
  private final long nodeTtlMs;
  private final Map<String, User> users = new HashMap<>();
  /** nodeId → alive until (epoch ms). */
  private final Map<String, Long> nodeDeadlines = new HashMap<>();
  private final Map<String, Set<Session>> sessionsByNode = new HashMap<>();

  private static final class User {
    /** sessionId → session. */
    final Map<String, Session> sessions = new HashMap<>();
    String chosen = Presence.ONLINE;
    long chosenAt = Long.MIN_VALUE;
    String shown;
    Long lastSeen;
    /** roomId → typing state. */
    final Map<String, Typing> typing = new HashMap<>();
  }

  private record Typing(long deadline, long lastForwarded, String sessionId) {}

  public MemoryPresenceStore(long nodeTtlMs) {
    this.nodeTtlMs = nodeTtlMs;
  }

  @Override
  public Future<Change> connect(Session session, long now) {
    User user = users.computeIfAbsent(session.userId(), k -> new User());
    user.sessions.put(session.sessionId(), session);
    sessionsByNode.computeIfAbsent(session.nodeId(), k -> new HashSet<>()).add(session);
    // A connect comes from a live node: it counts as a heartbeat, so a new node's first sessions
    // are not reaped before its first heartbeat arrives.
    nodeDeadlines.merge(session.nodeId(), now + nodeTtlMs, Math::max);
    return Future.succeededFuture(show(user, session.userId(), user.chosen));
  }

  @Override
  public Future<Disconnected> disconnect(Session session, long now) {
    User user = users.get(session.userId());
    if (user == null) {
      return Future.succeededFuture(new Disconnected(false, 0, List.of()));
    }
    boolean known = user.sessions.remove(session.sessionId()) != null;
    Set<Session> onNode = sessionsByNode.get(session.nodeId());
    if (onNode != null) {
      onNode.remove(session);
    }
    if (known && user.sessions.isEmpty()) {
      user.lastSeen = now;
    }
    List<String> rooms = new ArrayList<>();
    for (Iterator<Map.Entry<String, Typing>> it = user.typing.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Typing> entry = it.next();
      if (entry.getValue().sessionId().equals(session.sessionId())) {
        rooms.add(entry.getKey());
        it.remove();
      }
    }
    return Future.succeededFuture(new Disconnected(known, user.sessions.size(), rooms));
  }

  @Override
  public Future<Change> settle(String userId) {
    User user = users.get(userId);
    if (user == null || !user.sessions.isEmpty() || user.shown == null || Presence.OFFLINE.equals(user.shown)) {
      return Future.succeededFuture(new Change(presenceOf(userId, user), false));
    }
    return Future.succeededFuture(show(user, userId, Presence.OFFLINE));
  }

  @Override
  public Future<Change> setStatus(String userId, String status, long now) {
    User user = users.computeIfAbsent(userId, k -> new User());
    user.chosen = status;
    user.chosenAt = now;
    if (user.sessions.isEmpty()) {
      return Future.succeededFuture(new Change(presenceOf(userId, user), false));
    }
    return Future.succeededFuture(show(user, userId, status));
  }

  @Override
  public Future<Boolean> heartbeat(String nodeId, long now) {
    Long deadline = nodeDeadlines.put(nodeId, now + nodeTtlMs);
    return Future.succeededFuture(deadline != null && deadline > now);
  }

  @Override
  public Future<List<String>> reap(long now) {
    List<String> offline = new ArrayList<>();
    for (Iterator<Map.Entry<String, Long>> it = nodeDeadlines.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Long> node = it.next();
      if (node.getValue() > now) {
        continue;
      }
      it.remove();
      for (Session session : sessionsByNode.getOrDefault(node.getKey(), Set.of())) {
        User user = users.get(session.userId());
        if (user != null && user.sessions.remove(session.sessionId()) != null && user.sessions.isEmpty()) {
          user.lastSeen = now;
          offline.add(session.userId());
        }
      }
      sessionsByNode.remove(node.getKey());
    }
    return Future.succeededFuture(offline);
  }

  @Override
  public Future<Set<String>> inDoNotDisturb(List<String> userIds) {
    Set<String> dnd = new HashSet<>();
    userIds.stream().filter(id -> users.containsKey(id) && Presence.DND.equals(users.get(id).chosen)).forEach(dnd::add);
    return Future.succeededFuture(dnd);
  }

  @Override
  public Future<List<Presence>> get(List<String> userIds) {
    return Future.succeededFuture(userIds.stream().map(id -> presenceOf(id, users.get(id))).toList());
  }

  @Override
  public Future<Presence> shown(String userId) {
    User user = users.get(userId);
    String status = user == null || user.shown == null ? Presence.OFFLINE : user.shown;
    return Future.succeededFuture(new Presence(userId, status, user == null ? null : user.lastSeen));
  }

  @Override
  public Future<Boolean> typingStarted(Session session, String roomId, long now, long throttleMs, long timeoutMs) {
    User user = users.computeIfAbsent(session.userId(), k -> new User());
    Typing before = user.typing.get(roomId);
    boolean forward = before == null || now - before.lastForwarded() >= throttleMs;
    long lastForwarded = forward ? now : before.lastForwarded();
    user.typing.put(roomId, new Typing(now + timeoutMs, lastForwarded, session.sessionId()));
    return Future.succeededFuture(forward);
  }

  @Override
  public Future<Boolean> typingStopped(String userId, String roomId) {
    User user = users.get(userId);
    return Future.succeededFuture(user != null && user.typing.remove(roomId) != null);
  }

  @Override
  public Future<Boolean> typingExpired(String userId, String roomId, long now) {
    User user = users.get(userId);
    Typing typing = user == null ? null : user.typing.get(roomId);
    if (typing == null || typing.deadline() > now) {
      return Future.succeededFuture(false);
    }
    user.typing.remove(roomId);
    return Future.succeededFuture(true);
  }

  /** Memory is lost only with the process, and this store with it. */
  @Override
  public Future<Boolean> registryLost() {
    return Future.succeededFuture(false);
  }

  @Override
  public Future<List<Change>> restore(List<Remembered> remembered) {
    List<Change> changes = new ArrayList<>();
    for (Remembered r : remembered) {
      User user = users.computeIfAbsent(r.userId(), k -> new User());
      if (r.chosen() != null && user.chosenAt < r.chosenAt()) {
        user.chosen = r.chosen();
        user.chosenAt = r.chosenAt();
      }
      if (r.shown() != null && user.shown == null) {
        user.shown = r.shown();
      }
      changes.add(user.sessions.isEmpty()
          ? new Change(presenceOf(r.userId(), user), false)
          : show(user, r.userId(), user.chosen));
    }
    return Future.succeededFuture(changes);
  }

  @Override
  public Future<Long> sessionsOnline() {
    return Future.succeededFuture(sessionsByNode.values().stream().mapToLong(Set::size).sum());
  }

  @Override
  public Future<Void> ping() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private static Change show(User user, String userId, String status) {
    boolean changed = !status.equals(user.shown);
    user.shown = status;
    return new Change(presenceOf(userId, user), changed);
  }

  private static Presence presenceOf(String userId, User user) {
    if (user == null) {
      return new Presence(userId, Presence.OFFLINE, null);
    }
    return new Presence(userId, user.sessions.isEmpty() ? Presence.OFFLINE : user.chosen, user.lastSeen);
  }
}

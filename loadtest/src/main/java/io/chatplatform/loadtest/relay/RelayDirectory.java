package io.chatplatform.loadtest.relay;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline relay's whole state, in memory: users, opaque tokens, rooms with their
 * membership and per-room seq counter, and the sockets listening on each user's inbox. Shared by
 * the relay's event loops, hence concurrent maps; nothing is ever stored beyond this.
 */
final class RelayDirectory {
  private static final long TOKEN_LIFETIME_S = 3600;

  record User(String userId, String username) {}

  /** A room: fixed membership (the relay has no member changes) and its seq counter. */
  static final class Room {
    final String roomId;
    final String type;
    final String name;
    final List<String> members;
    final long createdAt = System.currentTimeMillis();
    final AtomicLong lastSeq = new AtomicLong();

    Room(String roomId, String type, String name, List<String> members) {
      this.roomId = roomId;
      this.type = type;
      this.name = name;
      this.members = List.copyOf(members);
    }

    JsonObject toJson() {
      JsonArray list = new JsonArray();
      for (int i = 0; i < members.size(); i++) {
        list.add(new JsonObject().put("userId", members.get(i)).put("role", i == 0 && "group".equals(type) ? "owner" : "member"));
      }
      return new JsonObject().put("roomId", roomId).put("type", type).put("name", name).put("members", list)
          .put("createdAt", createdAt).put("lastSeq", lastSeq.get()).put("unread", 0);
    }
  }

  private final Map<String, User> usersByName = new ConcurrentHashMap<>();
  private final Map<String, User> usersById = new ConcurrentHashMap<>();
  private final Map<String, String> userIdByToken = new ConcurrentHashMap<>();
  private final Map<String, Room> rooms = new ConcurrentHashMap<>();
  private final Map<String, Set<RelaySocket>> inboxes = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong socketsOpen = new AtomicLong();

  /** @return the new user, or null when the name is taken */
  User register(String username) {
    User user = new User("u_" + nextId(), username);
    if (usersByName.putIfAbsent(username, user) != null) {
      return null;
    }
    usersById.put(user.userId(), user);
    return user;
  }

  /** No real authentication: any password of a known user is accepted. @return a token, or null */
  String login(String username) {
    User user = usersByName.get(username);
    if (user == null) {
      return null;
    }
    String token = UUID.randomUUID().toString();
    userIdByToken.put(token, user.userId());
    return token;
  }

  long tokenLifetimeSeconds() {
    return TOKEN_LIFETIME_S;
  }

  String userIdOf(String token) {
    return token == null ? null : userIdByToken.get(token);
  }

  boolean userExists(String userId) {
    return usersById.containsKey(userId);
  }

  /** @param members the owner first */
  Room createGroup(String name, List<String> members) {
    Room room = new Room("r_" + nextId(), "group", name, members);
    rooms.put(room.roomId, room);
    return room;
  }

  /** The same pair always gets the same room. */
  Room direct(String a, String b) {
    String first = a.compareTo(b) < 0 ? a : b;
    String second = first.equals(a) ? b : a;
    return rooms.computeIfAbsent("dm_" + first + "_" + second, id -> new Room(id, "direct", "", List.of(first, second)));
  }

  Room room(String roomId) {
    return roomId == null ? null : rooms.get(roomId);
  }

  void listen(String userId, RelaySocket socket) {
    inboxes.computeIfAbsent(userId, k -> ConcurrentHashMap.newKeySet()).add(socket);
  }

  void unlisten(String userId, RelaySocket socket) {
    Set<RelaySocket> sockets = inboxes.get(userId);
    if (sockets != null) {
      sockets.remove(socket);
    }
  }

  Set<RelaySocket> listeners(String userId) {
    return inboxes.getOrDefault(userId, Set.of());
  }

  /** An authenticated socket was accepted ({@link RelaySocket} counts each once, and its close once). */
  void socketOpened() {
    socketsOpen.incrementAndGet();
  }

  void socketClosed() {
    socketsOpen.decrementAndGet();
  }

  /** Authenticated sockets open now: what the platform's {@code chat_gateway_sockets_open} gauge counts. */
  long socketsOpen() {
    return socketsOpen.get();
  }

  String nextMessageId() {
    return nextId();
  }

  private String nextId() {
    return String.format("%032x", ids.incrementAndGet());
  }
}

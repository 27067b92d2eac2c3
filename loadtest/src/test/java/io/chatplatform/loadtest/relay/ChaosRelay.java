package io.chatplatform.loadtest.relay;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A test server that stores messages and closes sockets mid-run: the relay's REST (users, rooms),
 * and a socket speaking the bridge frames of protocol v1 with what reconnecting clients need:
 * every message stored with its per-room seq, a resend of a clientMsgId answered with the stored
 * message (and announced again), {@code chat.sync} in pages of {@link #PAGE} with {@code hasMore}
 * and an epoch. Chaos, bounded in count: the sender's socket of every {@code closeSenderEvery}-th
 * new message is closed with 1012 (service restart) after storing and announcing it but before
 * acknowledging it; and for every {@code closeMemberEvery}-th one, another member's socket is
 * closed with 4429 before the message is announced to it. And, with {@code refuseEvery} above 0,
 * every {@code refuseEvery}-th new clientMsgId is answered {@code unavailable} (as history-service
 * answers an append that waited too long) on its first {@link #REFUSALS_PER_SEND} attempts, and
 * stored on the next.
 *
 * <p>One verticle instance: all state lives on one event loop.
 */
final class ChaosRelay {
  static final int PAGE = 3;
  static final String EPOCH = "epoch-1";
  private static final short SERVICE_RESTART = 1012;
  private static final short TOO_SLOW = 4429;
  static final int REFUSALS_PER_SEND = 2;

  private final RelayDirectory directory = new RelayDirectory();
  private final Map<String, List<JsonObject>> messagesByRoom = new HashMap<>();
  private final Map<String, JsonObject> byClientMsgId = new HashMap<>();
  private final Map<String, Set<ServerWebSocket>> inboxes = new HashMap<>();
  private final int closeSenderEvery;
  private final int closeMemberEvery;
  private final int refuseEvery;
  /** Refusals so far of each clientMsgId chosen to be refused. */
  private final Map<String, Integer> refusalsOf = new HashMap<>();
  private long newSends;
  private int closesLeft;
  private long stored;
  /** What the server did, for the test to check: written on the relay's event loop, read by the test's thread. */
  volatile int senderCloses;
  volatile int memberCloses;
  volatile int resendsAnswered;
  /** Sends answered unavailable, and the distinct clientMsgIds among them. */
  volatile int refusals;
  volatile int refusedSends;

  ChaosRelay(int closeSenderEvery, int closeMemberEvery, int maxCloses) {
    this(closeSenderEvery, closeMemberEvery, maxCloses, 0);
  }

  /** @param refuseEvery 0: refuse nothing */
  ChaosRelay(int closeSenderEvery, int closeMemberEvery, int maxCloses, int refuseEvery) {
    this.closeSenderEvery = closeSenderEvery;
    this.closeMemberEvery = closeMemberEvery;
    this.closesLeft = maxCloses;
    this.refuseEvery = refuseEvery;
  }

  /** Starts on a free port of 127.0.0.1. @return the base URL, {@code http://127.0.0.1:<port>} */
  Future<String> startOnLoopback(Vertx vertx) throws java.io.IOException {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    return start(vertx, port).map(id -> url);
  }

  Future<String> start(Vertx vertx, int port) {
    RelayRest rest = new RelayRest(directory);
    return vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1")).requestHandler(rest::handle)
            .webSocketHandler(ChaosRelay.this::accept).listen(port);
      }
    });
  }

  /** Messages stored per room, in seq order (for the test's own check). */
  Map<String, List<JsonObject>> stored() {
    return messagesByRoom;
  }

  private void accept(ServerWebSocket ws) {
    String userId = directory.userIdOf(RelaySocket.queryParam(ws.query(), "access_token"));
    if (userId == null) {
      ws.close(RelaySocket.CLOSE_UNAUTHORIZED, "unauthorized: invalid token");
      return;
    }
    ws.handler(data -> onFrame(ws, userId, data));
    ws.closeHandler(v -> unlisten(userId, ws));
  }

  private void unlisten(String userId, ServerWebSocket ws) {
    Set<ServerWebSocket> sockets = inboxes.get(userId);
    if (sockets != null) {
      sockets.remove(ws);
    }
  }

  private void onFrame(ServerWebSocket ws, String userId, Buffer data) {
    JsonObject frame = data.toJsonObject();
    String type = frame.getString("type", "");
    String replyAddress = frame.getString("replyAddress");
    JsonObject body = frame.getJsonObject("body");
    switch (type) {
      case "ping" -> {}
      case "register" -> inboxes.computeIfAbsent(userId, k -> new HashSet<>()).add(ws);
      case "send" -> {
        switch (frame.getString("address", "")) {
          case "chat.send" -> send(ws, userId, replyAddress, body);
          case "chat.sync" -> write(ws, RelaySocket.rec(replyAddress, sync(userId, body).toBuffer()));
          default -> write(ws, RelaySocket.err(replyAddress, 403, "access_denied", "address not allowed"));
        }
      }
      default -> write(ws, RelaySocket.err(null, 400, "bad_request", "unknown frame type"));
    }
  }

  private void send(ServerWebSocket ws, String userId, String replyAddress, JsonObject body) {
    RelayDirectory.Room room = directory.room(body.getString("roomId"));
    if (room == null || !room.members.contains(userId)) {
      write(ws, RelaySocket.err(replyAddress, 404, "not_found", "room not found"));
      return;
    }
    String key = room.roomId + "/" + userId + "/" + body.getString("clientMsgId");
    JsonObject existing = byClientMsgId.get(key);
    if (existing != null) {
      // A resend: the stored message, unchanged, and announced again.
      resendsAnswered++;
      write(ws, RelaySocket.rec(replyAddress, existing.toBuffer()));
      announce(room, existing, null);
      return;
    }
    if (refuseEvery > 0) {
      Integer refused = refusalsOf.get(key);
      if (refused == null && ++newSends % refuseEvery == 0) {
        refused = 0;
        refusedSends++;
      }
      if (refused != null && refused < REFUSALS_PER_SEND) {
        refusalsOf.put(key, refused + 1);
        refusals++;
        write(ws, RelaySocket.err(replyAddress, 503, "unavailable", "history is overloaded, try again"));
        return;
      }
    }
    List<JsonObject> messages = messagesByRoom.computeIfAbsent(room.roomId, k -> new ArrayList<>());
    JsonObject message = new JsonObject().put("roomId", room.roomId).put("seq", messages.size() + 1L)
        .put("messageId", directory.nextMessageId()).put("senderId", userId).put("clientMsgId", body.getString("clientMsgId"))
        .put("text", body.getString("text", "")).put("ts", System.currentTimeMillis());
    messages.add(message);
    byClientMsgId.put(key, message);
    stored++;
    ServerWebSocket victim = null;
    if (closesLeft > 0 && stored % closeMemberEvery == 0) {
      victim = otherMembersSocket(room, userId);
      if (victim != null) {
        closesLeft--;
        memberCloses++;
        unlistenEverywhere(victim);
        victim.close(TOO_SLOW, "too slow: reconnect and sync");
      }
    }
    announce(room, message, victim);
    if (closesLeft > 0 && stored % closeSenderEvery == 0) {
      closesLeft--;
      senderCloses++;
      unlistenEverywhere(ws);
      ws.close(SERVICE_RESTART, "service restart");
      return; // stored and announced, never acknowledged on this socket
    }
    write(ws, RelaySocket.rec(replyAddress, message.toBuffer()));
  }

  private ServerWebSocket otherMembersSocket(RelayDirectory.Room room, String senderId) {
    for (String member : room.members) {
      if (!member.equals(senderId) && !inboxes.getOrDefault(member, Set.of()).isEmpty()) {
        return inboxes.get(member).iterator().next();
      }
    }
    return null;
  }

  private void unlistenEverywhere(ServerWebSocket ws) {
    inboxes.values().forEach(sockets -> sockets.remove(ws));
  }

  private void announce(RelayDirectory.Room room, JsonObject message, ServerWebSocket skip) {
    Buffer event = new JsonObject().put("type", "message").put("message", message).toBuffer();
    for (String member : room.members) {
      for (ServerWebSocket socket : new ArrayList<>(inboxes.getOrDefault(member, Set.of()))) {
        if (socket != skip) {
          write(socket, RelaySocket.rec("user." + member, event));
        }
      }
    }
  }

  private JsonObject sync(String userId, JsonObject body) {
    JsonObject answer = new JsonObject();
    JsonObject asked = body.getJsonObject("rooms");
    for (String roomId : asked.fieldNames()) {
      RelayDirectory.Room room = directory.room(roomId);
      if (room == null || !room.members.contains(userId)) {
        continue;
      }
      long after = asked.getLong(roomId);
      List<JsonObject> messages = messagesByRoom.getOrDefault(roomId, List.of());
      JsonArray page = new JsonArray();
      for (int i = (int) after; i < messages.size() && page.size() < PAGE; i++) {
        page.add(messages.get(i));
      }
      boolean hasMore = after + page.size() < messages.size();
      answer.put(roomId, new JsonObject().put("messages", page).put("hasMore", hasMore).put("epoch", messages.isEmpty() ? null : EPOCH));
    }
    return new JsonObject().put("rooms", answer);
  }

  private static void write(ServerWebSocket ws, Buffer frame) {
    if (!ws.isClosed()) {
      ws.writeBinaryMessage(frame);
    }
  }
}

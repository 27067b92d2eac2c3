package io.chatplatform.loadtest.relay;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client socket of a relay: the bridge frames of protocol v1 reduced to what a chat needs
 * ({@code register}, {@code ping}, {@code chat.send}, {@code chat.sync} answered empty). A
 * {@code chat.send} is acknowledged with the next seq of its room, then fanned out. The
 * connection itself is the subclass's: a Vert.x {@link ServerWebSocket} ({@link #accept}) or a
 * Netty channel ({@link LeanRelay}).
 */
abstract class RelaySocket {
  private static final Logger LOG = LoggerFactory.getLogger(RelaySocket.class);
  static final short CLOSE_UNAUTHORIZED = 4401;
  static final short CLOSE_TOO_SLOW = 4429;
  static final short CLOSE_NOT_FOUND = 4404;
  private static final String EMPTY_SYNC = "{\"rooms\":{}}";
  /** Room for the frame's own fields around the body. */
  private static final int FRAME_OVERHEAD = 96;

  private final String userId;
  private final String inbox;
  private final RelayDirectory directory;
  private volatile boolean closed;
  /** Set by the first {@link #onClosed}: a socket may be reported closed twice (a failed write, then its close handler). */
  private final AtomicBoolean uncounted = new AtomicBoolean();

  /** An authenticated socket: counted open until {@link #onClosed}. */
  RelaySocket(String userId, RelayDirectory directory) {
    this.userId = userId;
    this.inbox = "user." + userId;
    this.directory = directory;
    directory.socketOpened();
  }

  /** The event loop this socket belongs to: its frames are read there, and written there only. */
  abstract Object loop();

  /** Runs {@code task} on {@link #loop()}, from another thread. */
  abstract void runOnLoop(Runnable task);

  /** True when the client has not read what was written so far (a slow reader). */
  abstract boolean writeQueueFull();

  /** Writes a binary message, on {@link #loop()}. */
  abstract void writeBinary(Buffer frame);

  abstract void close(short code, String reason);

  /** Authenticates by {@code access_token} (an opaque relay token) and starts reading frames. */
  static void accept(ServerWebSocket socket, RelayDirectory directory, String path) {
    if (!path.equals(socket.path())) {
      reject(socket, CLOSE_NOT_FOUND, "not_found: no such endpoint");
      return;
    }
    String userId = directory.userIdOf(queryParam(socket.query(), "access_token"));
    if (userId == null) {
      reject(socket, CLOSE_UNAUTHORIZED, "unauthorized: invalid token");
      return;
    }
    RelaySocket relay = new VertxSocket(socket, userId, directory, Vertx.currentContext());
    socket.handler(relay::onFrame);
    socket.closeHandler(v -> relay.onClosed());
    socket.exceptionHandler(e -> LOG.debug("socket error: {}", e.toString()));
  }

  /** A socket of Vert.x's HttpServer: the baseline relay's. */
  private static final class VertxSocket extends RelaySocket {
    private final ServerWebSocket socket;
    private final Context context;

    VertxSocket(ServerWebSocket socket, String userId, RelayDirectory directory, Context context) {
      super(userId, directory);
      this.socket = socket;
      this.context = context;
    }

    @Override
    Object loop() {
      return context;
    }

    @Override
    void runOnLoop(Runnable task) {
      context.runOnContext(v -> task.run());
    }

    @Override
    boolean writeQueueFull() {
      return socket.writeQueueFull();
    }

    @Override
    void writeBinary(Buffer frame) {
      socket.writeBinaryMessage(frame).onFailure(e -> onClosed());
    }

    @Override
    void close(short code, String reason) {
      reject(socket, code, reason);
    }
  }

  private static void reject(ServerWebSocket socket, short code, String reason) {
    socket.close(code, reason).onFailure(e -> LOG.debug("close failed: {}", e.toString()));
  }

  static String queryParam(String query, String name) {
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** One data frame from the client, on {@link #loop()}. */
  final void onFrame(Buffer data) {
    JsonObject frame;
    try {
      frame = data.toJsonObject();
    } catch (RuntimeException e) {
      write(err(null, 400, "bad_request", "a frame must be a JSON object"));
      return;
    }
    String type = frame.getString("type", "");
    String address = frame.getString("address");
    switch (type) {
      case "ping" -> {}
      case "register" -> {
        if (inbox.equals(address)) {
          directory.listen(userId, this);
        } else {
          write(err(address, 403, "access_denied", "you may register only your own inbox " + inbox));
        }
      }
      case "unregister" -> directory.unlisten(userId, this);
      case "send" -> onSend(address, frame.getString("replyAddress"), frame.getJsonObject("body"));
      default -> write(err(null, 400, "bad_request", "unknown frame type"));
    }
  }

  private void onSend(String address, String replyAddress, JsonObject body) {
    if ("chat.sync".equals(address)) {
      write(rec(replyAddress, Buffer.buffer(EMPTY_SYNC)));
    } else if ("chat.send".equals(address) && body != null) {
      chatSend(replyAddress, body);
    } else {
      write(err(replyAddress != null ? replyAddress : address, 403, "access_denied", "address not allowed: " + address));
    }
  }

  private void chatSend(String replyAddress, JsonObject body) {
    RelayDirectory.Room room = directory.room(body.getString("roomId"));
    if (room == null || !room.members.contains(userId)) {
      write(err(replyAddress, 404, "not_found", "room not found"));
      return;
    }
    JsonObject message = new JsonObject()
        .put("roomId", room.roomId)
        .put("seq", room.lastSeq.incrementAndGet())
        .put("messageId", directory.nextMessageId())
        .put("senderId", userId)
        .put("clientMsgId", body.getString("clientMsgId"))
        .put("text", body.getString("text", ""))
        .put("attachments", List.of())
        .putNull("replyTo")
        .put("mentions", List.of())
        .put("ts", System.currentTimeMillis())
        .putNull("editedAt")
        .put("deleted", false);
    if (replyAddress != null) {
      write(rec(replyAddress, message.toBuffer()));
    }
    fanOut(room, new JsonObject().put("type", "message").put("message", message).toBuffer());
  }

  /** A frame for one socket. */
  private record Delivery(RelaySocket socket, Buffer frame) {
    void write() {
      socket.write(frame);
    }
  }

  /**
   * The event is encoded once per message; each member's frame only wraps it with that member's
   * inbox address (a bridge frame names its recipient), and is written to all its sockets.
   *
   * <p>Each socket is written from its own event loop: the sockets of this loop directly, those
   * of every other loop in one task handed to that loop. Writing to another loop's socket
   * directly would go through Vert.x's cross-thread write queue, which reports itself full after
   * 16 queued messages, and {@link #write} would then close a client that is not slow at all.
   */
  private void fanOut(RelayDirectory.Room room, Buffer event) {
    Map<Object, List<Delivery>> byLoop = new HashMap<>();
    for (String member : room.members) {
      Set<RelaySocket> sockets = directory.listeners(member);
      if (sockets.isEmpty()) {
        continue;
      }
      Buffer frame = rec("user." + member, event);
      for (RelaySocket socket : sockets) {
        byLoop.computeIfAbsent(socket.loop(), c -> new ArrayList<>()).add(new Delivery(socket, frame));
      }
    }
    byLoop.forEach((loop, deliveries) -> {
      if (loop == loop()) {
        deliveries.forEach(Delivery::write);
      } else {
        deliveries.get(0).socket().runOnLoop(() -> deliveries.forEach(Delivery::write));
      }
    });
  }

  /** A {@code rec} frame around an already encoded body (no re-encoding of the body). */
  static Buffer rec(String address, Buffer body) {
    return Buffer.buffer(body.length() + FRAME_OVERHEAD).appendString("{\"type\":\"rec\",\"address\":")
        .appendString(Json.encode(address)).appendString(",\"body\":").appendBuffer(body).appendString("}");
  }

  static Buffer err(String address, int code, String word, String text) {
    JsonObject frame = new JsonObject().put("type", "err");
    if (address != null) {
      frame.put("address", address);
    }
    return frame.put("failureCode", code).put("failureType", "RECIPIENT_FAILURE").put("message", word + ": " + text)
        .put("body", word).toBuffer();
  }

  /** Binary messages, as the platform's gateway sends. A client too slow to read is dropped. */
  private void write(Buffer frame) {
    if (closed) {
      return;
    }
    if (writeQueueFull()) {
      closed = true;
      directory.unlisten(userId, this);
      close(CLOSE_TOO_SLOW, "too slow: reconnect and sync");
      return;
    }
    writeBinary(frame);
  }

  /** The connection is closed, by either side. */
  final void onClosed() {
    closed = true;
    directory.unlisten(userId, this);
    if (uncounted.compareAndSet(false, true)) {
      directory.socketClosed();
    }
  }
}

package io.chatplatform.loadtest.generator;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One user's socket, speaking protocol v1 like a real client on the raw WebSocket
 * ({@code /eventbus/websocket?access_token=…}): it registers its inbox, pings, sends requests
 * with a fresh {@code replyAddress} each and matches the {@code rec}/{@code err} replies, and hands
 * inbox events to its listener.
 *
 * <p>Confined to its {@link Lane}: every method runs on that lane's event loop, so no field needs
 * synchronisation.
 */
final class ClientConnection {
  /** The server closes sockets silent for 60 s; the brief asks for a ping at least every 20 s. */
  static final long PING_INTERVAL_MS = 15_000;
  static final long REQUEST_TIMEOUT_MS = 30_000;
  static final long HANDSHAKE_TIMEOUT_MS = 30_000;
  private static final String PING = new JsonObject().put("type", "ping").encode();
  private static final JsonObject EMPTY_SYNC = new JsonObject().put("rooms", new JsonObject());

  final int id;
  final TestUser user;
  final Lane lane;
  private final ConnectionListener listener;
  private final Map<String, PendingSend> pendingSends = new HashMap<>();
  private final Map<String, Promise<JsonObject>> pendingRequests = new HashMap<>();
  private WebSocket socket;
  private long requestCounter;
  private long messageCounter;
  private long pingTimer = -1;
  private boolean closing;
  private boolean closed;

  ClientConnection(int id, TestUser user, Lane lane, ConnectionListener listener) {
    this.id = id;
    this.user = user;
    this.lane = lane;
    this.listener = listener;
  }

  /**
   * Opens the socket, registers the inbox, starts pinging, and completes once the first
   * {@code chat.sync} answer arrives: the server reads frames only after it has set the session
   * up (room subscriptions included), so from then on every room message reaches this socket.
   */
  Future<Void> open(WebSocketClient client, Endpoint endpoint) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(endpoint.host()).setPort(endpoint.port())
        .setTimeout(HANDSHAKE_TIMEOUT_MS)
        .setURI(Endpoint.SOCKET_PATH + "?access_token=" + URLEncoder.encode(user.accessToken(), StandardCharsets.UTF_8));
    return client.connect(options).compose(ws -> {
      socket = ws;
      // The server sends binary messages today; a client must take text ones as well.
      ws.binaryMessageHandler(this::onFrame);
      ws.textMessageHandler(text -> onFrame(Buffer.buffer(text)));
      ws.closeHandler(v -> onClosed());
      ws.exceptionHandler(e -> listener.onError("socket." + ErrorCounter.kindOf(e)));
      write(new JsonObject().put("type", "register").put("address", user.inbox()).encode());
      pingTimer = lane.vertx().setPeriodic(PING_INTERVAL_MS, t -> write(PING));
      return request("chat.sync", EMPTY_SYNC);
    }).mapEmpty();
  }

  boolean isOpen() {
    return socket != null && !closed;
  }

  /** Sends a {@code chat.send}; the reply goes to the listener. */
  void send(String roomId, String clientMsgId, String text, PendingSend pending) {
    if (!isOpen()) {
      listener.onError("send.socket_closed");
      return;
    }
    String replyAddress = nextReplyAddress();
    pendingSends.put(replyAddress, pending);
    JsonObject body = new JsonObject().put("roomId", roomId).put("clientMsgId", clientMsgId).put("text", text);
    write(frame("chat.send", replyAddress, body));
  }

  /** A unique-per-connection number for client message ids. */
  long nextMessageNumber() {
    return ++messageCounter;
  }

  /** Sends a request and completes with the reply body ({@code err} → failed). */
  Future<JsonObject> request(String address, JsonObject body) {
    if (!isOpen()) {
      return Future.failedFuture(new Failure("socket_closed"));
    }
    String replyAddress = nextReplyAddress();
    Promise<JsonObject> reply = Promise.promise();
    pendingRequests.put(replyAddress, reply);
    write(frame(address, replyAddress, body));
    return reply.future().timeout(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onFailure(e -> pendingRequests.remove(replyAddress));
  }

  /** Closes the socket on our side (not counted as an error). */
  Future<Void> close() {
    closing = true;
    cancelPing();
    if (socket == null || closed) {
      return Future.succeededFuture();
    }
    return socket.close();
  }

  /** Closes without waiting, e.g. after a failed open; a failure to close changes nothing. */
  void abort() {
    close().onFailure(e -> listener.onError("close_failed." + ErrorCounter.kindOf(e)));
  }

  private String nextReplyAddress() {
    return "r" + id + "." + (++requestCounter);
  }

  private static String frame(String address, String replyAddress, JsonObject body) {
    return new JsonObject().put("type", "send").put("address", address).put("replyAddress", replyAddress).put("body", body).encode();
  }

  /** Text frames, as the browsers' bridge client sends them. */
  private void write(String frame) {
    socket.writeTextMessage(frame).onFailure(e -> listener.onError("write." + ErrorCounter.kindOf(e)));
  }

  private void onFrame(Buffer data) {
    long now = System.nanoTime();
    JsonObject frame;
    String type;
    String address;
    try {
      frame = data.toJsonObject();
      type = frame.getString("type");
      address = frame.getString("address");
    } catch (RuntimeException e) {
      // Not a JSON object, or type/address not strings: the server broke the protocol.
      listener.onError("frame.invalid");
      return;
    }
    boolean rec = "rec".equals(type);
    if (!rec && !"err".equals(type)) {
      listener.onError("frame.type." + type);
      return;
    }
    if (address == null) {
      // Frame-level errors carry no address.
      listener.onError("err." + errorCode(frame));
      return;
    }
    if (address.equals(user.inbox())) {
      if (rec) {
        listener.onEvent(this, body(frame), now);
      } else {
        listener.onError("err." + errorCode(frame));
      }
      return;
    }
    PendingSend send = pendingSends.remove(address);
    if (send != null) {
      if (rec) {
        listener.onAck(this, send, body(frame), now);
      } else {
        listener.onSendFailed(this, send, errorCode(frame), now);
      }
      return;
    }
    Promise<JsonObject> reply = pendingRequests.remove(address);
    if (reply != null) {
      if (rec) {
        reply.tryComplete(body(frame));
      } else {
        listener.onError("err." + errorCode(frame));
        reply.tryFail(new Failure("err_" + errorCode(frame)));
      }
      return;
    }
    listener.onError(rec ? "frame.unexpected_reply" : "err." + errorCode(frame));
  }

  /** A request that failed on the socket; the message is its error kind. */
  static final class Failure extends RuntimeException {
    Failure(String kind) {
      super(kind, null, false, false);
    }
  }

  /** A rec frame's body, or null when it is not an object (the listener counts it as malformed). */
  private static JsonObject body(JsonObject frame) {
    return frame.getValue("body") instanceof JsonObject body ? body : null;
  }

  /** The code word of an err frame: {@code "<word>: <text>"}, or the bridge's word in {@code body}. */
  static String errorCode(JsonObject frame) {
    Object message = frame.getValue("message");
    if (message instanceof String text && !text.isEmpty()) {
      int colon = text.indexOf(':');
      return colon > 0 ? text.substring(0, colon) : text;
    }
    Object body = frame.getValue("body");
    return body instanceof String word && !word.isEmpty() ? word : "unknown";
  }

  private void onClosed() {
    closed = true;
    cancelPing();
    if (!closing) {
      Short code = socket.closeStatusCode();
      listener.onError("close." + (code == null ? "no_code" : code.toString()));
    }
    // Failing a request runs its callbacks at once, and they remove it from the map: fail a copy.
    List<Promise<JsonObject>> pending = new ArrayList<>(pendingRequests.values());
    pendingRequests.clear();
    pending.forEach(p -> p.tryFail(new Failure("socket_closed")));
  }

  private void cancelPing() {
    if (pingTimer >= 0) {
      lane.vertx().cancelTimer(pingTimer);
      pingTimer = -1;
    }
  }
}

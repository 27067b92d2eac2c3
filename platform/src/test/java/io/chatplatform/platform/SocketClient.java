package io.chatplatform.platform;

import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A protocol v1 client over the raw WebSocket endpoint, for tests: it speaks the bridge frames,
 * reads both text and binary messages, and queues everything the server sends with its size.
 */
public final class SocketClient implements AutoCloseable {
  private static final AtomicInteger REPLY_IDS = new AtomicInteger();
  /**
   * A browser takes a server message of any size; Vert.x's client stops at 256 KiB (64 KiB a
   * frame). Tests must see what the server really sends, oversized replies included.
   */
  static final int MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

  /** A frame as received, and its size on the wire in bytes. */
  public record Received(JsonObject frame, int bytes) {}

  private final WebSocketClient client;
  private volatile WebSocket socket;
  private final LinkedBlockingQueue<Received> frames = new LinkedBlockingQueue<>();
  final CompletableFuture<Short> closed = new CompletableFuture<>();
  private volatile String closeReason;

  private SocketClient(WebSocketClient client) {
    this.client = client;
  }

  /** Installs the handlers; runs on the socket's event loop as the connection completes, so nothing is missed. */
  private void listen(ClientWebSocket ws) {
    ws.textMessageHandler(text -> frames.add(new Received(new JsonObject(text), Buffer.buffer(text).length())));
    ws.binaryMessageHandler(bytes -> frames.add(new Received(bytes.toJsonObject(), bytes.length())));
    ws.closeHandler(v -> {
      closeReason = ws.closeReason();
      closed.complete(ws.closeStatusCode());
    });
  }

  /** Connects to {@code /eventbus/websocket?<query>}. */
  public static SocketClient connect(Vertx vertx, int port, String query) {
    return connect(vertx, port, query, Map.of());
  }

  /**
   * Connects to {@code /eventbus/websocket?<query>} with extra handshake headers, e.g. the
   * {@code Origin} a browser page would send (Vert.x otherwise sends its own, the gateway's origin).
   */
  public static SocketClient connect(Vertx vertx, int port, String query, Map<String, String> headers) {
    WebSocketClient client = vertx.createWebSocketClient(
        new WebSocketClientOptions().setMaxMessageSize(MAX_MESSAGE_BYTES).setMaxFrameSize(MAX_MESSAGE_BYTES));
    WebSocketConnectOptions options =
        new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/eventbus/websocket?" + query);
    headers.forEach(options::addHeader);
    // Handlers go on before connecting: a refused socket may be closed before connect() returns.
    // Vert.x's client installs them only once the handshake is done; when the server's refusal
    // (err frame and close) has already been read by then, connect fails with "WebSocket is
    // closed" and the close code is lost. Only then is the connection tried again: a refusal is
    // repeatable (a used ticket stays used), so the test still sees the code it asserts.
    for (int attempt = 1; ; attempt++) {
      SocketClient c = new SocketClient(client);
      ClientWebSocket ws = client.webSocket();
      c.listen(ws);
      try {
        Await.result(ws.connect(options));
        c.socket = ws;
        return c;
      } catch (IllegalStateException e) {
        if (attempt == 5 || !"WebSocket is closed".equals(e.getMessage())) {
          throw e;
        }
      }
    }
  }

  public static SocketClient withToken(Vertx vertx, int port, Api.User user) {
    SocketClient c = connect(vertx, port, "access_token=" + user.token());
    c.register("user." + user.userId());
    return c;
  }

  public void write(String text) {
    Await.result(socket.writeTextMessage(text));
  }

  public void write(JsonObject frame) {
    write(frame.encode());
  }

  /** Writes unless the server has closed the socket meanwhile; false then. For flood tests. */
  public boolean tryWrite(String text) {
    try {
      write(text);
      return true;
    } catch (RuntimeException e) {
      if (socket.isClosed()) {
        return false;
      }
      throw e;
    }
  }

  public void writeBinary(Buffer data) {
    Await.result(socket.writeBinaryMessage(data));
  }

  public void register(String address) {
    write(new JsonObject().put("type", "register").put("address", address));
  }

  /** Sends a request and waits for its {@code rec} or {@code err} frame. */
  public JsonObject request(String address, JsonObject body) {
    return requestMeasured(address, body).frame();
  }

  /** Sends a request and waits for its {@code rec} or {@code err} frame, with the frame's size. */
  public Received requestMeasured(String address, JsonObject body) {
    String replyAddress = send(address, body);
    return awaitReceived(f -> replyAddress.equals(f.getString("address")), Await.TIMEOUT);
  }

  /** Writes a request without waiting; the reply comes to the returned address ({@link #awaitReply}). */
  public String send(String address, JsonObject body) {
    String replyAddress = "reply." + REPLY_IDS.incrementAndGet();
    write(new JsonObject().put("type", "send").put("address", address).put("body", body).put("replyAddress", replyAddress));
    return replyAddress;
  }

  /** The {@code rec} or {@code err} frame answering a request written by {@link #send}, with its size. */
  public Received awaitReply(String replyAddress) {
    return awaitReceived(f -> replyAddress.equals(f.getString("address")), Await.TIMEOUT);
  }

  /** The body of a successful reply; fails the test on an {@code err}. */
  public JsonObject ask(String address, JsonObject body) {
    JsonObject frame = request(address, body);
    if (!"rec".equals(frame.getString("type"))) {
      throw new AssertionError("request to " + address + " failed: " + frame);
    }
    return frame.getJsonObject("body");
  }

  /** The first queued frame matching, removing it and the non-matching ones before it are kept. */
  public JsonObject awaitFrame(Predicate<JsonObject> match, Duration timeout) {
    return awaitReceived(match, timeout).frame();
  }

  /** Like {@link #awaitFrame}, with the frame's size. */
  public Received awaitReceived(Predicate<JsonObject> match, Duration timeout) {
    List<Received> skipped = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        Received frame = left > 0 ? frames.poll(left, TimeUnit.NANOSECONDS) : null;
        if (frame == null) {
          throw new AssertionError("no matching frame within " + timeout + "; got " + skipped.stream().map(Received::frame).toList());
        }
        if (match.test(frame.frame())) {
          return frame;
        }
        skipped.add(frame);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      // Put back what did not match, in order, ahead of anything newer.
      List<Received> rest = new ArrayList<>();
      frames.drainTo(rest);
      frames.addAll(skipped);
      frames.addAll(rest);
    }
  }

  /** The next {@code err} frame. */
  public JsonObject awaitErr() {
    return awaitFrame(f -> "err".equals(f.getString("type")), Await.TIMEOUT);
  }

  /** The next server event ({@code rec} on the inbox) of the given type. */
  public JsonObject awaitEvent(String type) {
    return awaitFrame(
            f -> "rec".equals(f.getString("type"))
                && f.getString("address", "").startsWith("user.")
                && type.equals(f.getJsonObject("body").getString("type")),
            Await.TIMEOUT)
        .getJsonObject("body");
  }

  /** Every frame received so far and not yet taken. */
  public List<JsonObject> drain() {
    List<Received> all = new ArrayList<>();
    frames.drainTo(all);
    return frames(all);
  }

  /** Like {@link #drain()}, but when nothing is there yet, waits up to {@code wait} for the next frame. */
  public List<JsonObject> drain(Duration wait) throws InterruptedException {
    List<Received> all = new ArrayList<>();
    Received first = frames.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    if (first != null) {
      all.add(first);
      frames.drainTo(all);
    }
    return frames(all);
  }

  private static List<JsonObject> frames(List<Received> received) {
    List<JsonObject> all = new ArrayList<>(received.size());
    received.forEach(r -> all.add(r.frame()));
    return all;
  }

  public short awaitClose() {
    try {
      return closed.get(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("socket not closed within " + Await.TIMEOUT, e);
    }
  }

  public String closeReason() {
    return closeReason;
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      socket.close().onComplete(x -> client.close());
    } else {
      client.close();
    }
  }
}

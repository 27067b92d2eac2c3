package io.chatplatform.platform.chaos;

import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A socket client that can stop reading (scenario g): a raw WebSocket ({@code /eventbus/websocket})
 * or SockJS's websocket transport ({@code /eventbus/<server>/<session>/websocket}), with a small
 * receive buffer so the kernel holds little for it. {@link #pause()} pauses the Vert.x WebSocket:
 * nothing more is read from the connection and TCP back-pressure builds up to the gateway. It keeps
 * no frames, only counts and what closed it: the close frame's code (raw) or SockJS's close
 * ({@code c[code,"reason"]}).
 */
final class SlowReader implements AutoCloseable {
  final boolean sockJs;
  final WebSocketClient client;
  final ClientWebSocket ws;
  /** Room message events received (raw frames, or messages inside SockJS's {@code a[...]}). */
  final AtomicLong messages = new AtomicLong();
  final AtomicLong bytes = new AtomicLong();
  /** SockJS's close frame, as received. */
  volatile String sockJsClose;
  final CompletableFuture<Short> closed = new CompletableFuture<>();
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final String probeReply = "reply.g." + UUID.randomUUID();

  private SlowReader(Vertx vertx, boolean sockJs) {
    this.sockJs = sockJs;
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(8 * 1024)
        .setMaxFrameSize(1024 * 1024).setMaxMessageSize(4 * 1024 * 1024));
    this.ws = client.webSocket();
    ws.textMessageHandler(this::onText);
    // The gateway writes room events as binary messages on the raw WebSocket (pre-encoded JSON).
    ws.binaryMessageHandler(b -> onText(b.toString()));
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
  }

  /** Connected, its inbox registered and its session set up (a {@code chat.sync} answered). */
  static SlowReader connect(Vertx vertx, int port, String userId, String token, boolean sockJs) {
    SlowReader c = new SlowReader(vertx, sockJs);
    String session = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    String uri = sockJs ? "/eventbus/000/" + session + "/websocket?access_token=" + token : "/eventbus/websocket?access_token=" + token;
    Await.result(c.ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri)));
    String register = new JsonObject().put("type", "register").put("address", "user." + userId).encode();
    String sync = new JsonObject().put("type", "send").put("address", "chat.sync")
        .put("body", new JsonObject().put("rooms", new JsonObject())).put("replyAddress", c.probeReply).encode();
    if (sockJs) {
      Await.result(c.ws.writeTextMessage(new JsonArray().add(register).add(sync).encode()));
    } else {
      Await.result(c.ws.writeTextMessage(register));
      Await.result(c.ws.writeTextMessage(sync));
    }
    try {
      c.started.get(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      c.close();
      throw new AssertionError((sockJs ? "SockJS" : "raw") + " client: no chat.sync answer", e);
    }
    return c;
  }

  private void onText(String text) {
    bytes.addAndGet(text.length());
    if (!sockJs) {
      frame(text);
    } else if (text.startsWith("a")) {
      for (Object m : new JsonArray(text.substring(1))) {
        frame((String) m);
      }
    } else if (text.startsWith("c")) {
      sockJsClose = text;
    }
  }

  private void frame(String text) {
    if (text.contains(probeReply)) {
      started.complete(null);
    } else if (text.contains("\"type\":\"message\"")) {
      messages.incrementAndGet();
    }
  }

  void pause() {
    ws.pause();
  }

  void resume() {
    ws.resume();
  }

  /** The raw close code, once closed; null when not closed within {@code max}. */
  Short awaitClosed(Duration max) {
    try {
      return closed.get(max.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return null;
    }
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      ws.close().onComplete(x -> client.close());
    } else {
      client.close();
    }
  }
}

package io.chatplatform.gateway.socket;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

/**
 * A server WebSocket as the gateway's transports use it (the raw socket through
 * {@link ClientChannel#of(WebSocketConnection)}, SockJS's websocket transport through
 * {@link SockJsWebSocket}): whole messages in, frames out, back-pressure in bytes. Two kinds serve
 * it: {@link LeanWebSocket}, Netty's frame codec on the upgraded connection (the default), and
 * Vert.x's own {@link ServerWebSocket} ({@link #of(ServerWebSocket)}), which the gateway uses when
 * {@code WEBSOCKET_COMPRESSION} is on, since the lean socket does not speak permessage-deflate.
 */
interface WebSocketConnection {
  /** The URI the client connected with, query string included (never to be logged). */
  String uri();

  Future<Void> writeBinary(Buffer message);

  /** One binary message of {@code head}, {@code body} and {@code tail}, as if they were joined. */
  default Future<Void> writeBinary(byte[] head, Buffer body, byte[] tail) {
    return writeBinary(Buffer.buffer(head.length + body.length() + tail.length).appendBytes(head).appendBuffer(body).appendBytes(tail));
  }

  Future<Void> writeText(String message);

  /** Whether more than the write queue's size ({@link #writeQueueMaxSize}) waits to be sent. */
  boolean writeQueueFull();

  void writeQueueMaxSize(int bytes);

  /** Closed by either side, or closing: nothing written now reaches the client. */
  boolean isClosed();

  /** Sends a close frame with {@code code} and {@code reason}, then closes the connection. */
  void close(short code, String reason);

  void pause();

  void resume();

  /** Every text or binary message, whole (fragments joined), as its bytes. */
  void messageHandler(Handler<Buffer> handler);

  /** Every text message, whole; binary messages are not given to it. */
  void textMessageHandler(Handler<String> handler);

  void closeHandler(Handler<Void> handler);

  void exceptionHandler(Handler<Throwable> handler);

  static WebSocketConnection of(ServerWebSocket ws) {
    return new WebSocketConnection() {
      @Override public String uri() { return ws.uri(); }
      @Override public Future<Void> writeBinary(Buffer message) { return ws.writeBinaryMessage(message); }
      @Override public Future<Void> writeText(String message) { return ws.writeTextMessage(message); }
      @Override public boolean writeQueueFull() { return ws.writeQueueFull(); }
      @Override public void writeQueueMaxSize(int bytes) { ws.setWriteQueueMaxSize(bytes); }
      @Override public boolean isClosed() { return ws.isClosed(); }
      @Override public void close(short code, String reason) { ws.close(code, reason); }
      @Override public void pause() { ws.pause(); }
      @Override public void resume() { ws.resume(); }

      @Override
      public void messageHandler(Handler<Buffer> handler) {
        ws.binaryMessageHandler(handler);
        ws.textMessageHandler(text -> handler.handle(Buffer.buffer(text)));
      }

      @Override public void textMessageHandler(Handler<String> handler) { ws.textMessageHandler(handler); }
      @Override public void closeHandler(Handler<Void> handler) { ws.closeHandler(handler); }
      @Override public void exceptionHandler(Handler<Throwable> handler) { ws.exceptionHandler(handler); }
    };
  }
}

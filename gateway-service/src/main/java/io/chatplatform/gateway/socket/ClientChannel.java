package io.chatplatform.gateway.socket;

import io.chatplatform.contracts.ServiceException;
import io.chatplatform.gateway.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/**
 * What the socket needs of a client connection, whether a SockJS session (browsers, at
 * {@code /eventbus}) or a plain WebSocket (other clients, at {@code /eventbus/websocket}).
 *
 * <p>The plain WebSocket is served directly rather than through SockJS's raw transport, which
 * keeps each connection's whole upgrade request (routing context, headers) for its lifetime:
 * most long-lived connections are plain WebSockets, so that memory is paid per connection.
 */
interface ClientChannel {
  /** The URI the client connected with, query string included (never to be logged). */
  String uri();

  /** {@link GatewayMetrics#WEBSOCKET} or {@link GatewayMetrics#SOCKJS}: the meters' transport tag. */
  String transport();

  /** Sends one frame; server frames go out as binary WebSocket messages, as the stock bridge does. */
  Future<Void> write(Buffer frame);

  /**
   * Sends the {@code rec} frame of a fanned-out event to {@code inbox}: the event's bytes as they
   * are, whatever the number of sockets. A transport that frames each message again
   * ({@link SockJsWebSocket}) does that part once per event, not once per socket.
   */
  default Future<Void> writeEvent(String inbox, FanoutEvent event) {
    return write(BridgeFrames.recEncoded(inbox, event.json()));
  }

  boolean writeQueueFull();

  /**
   * Whether the connection is closed already, by either side: Vert.x's WebSocket throws on
   * {@link #writeQueueFull} once closed, which a client that hangs up can make happen before its
   * close handler ran (during a drain, say). A SockJS session of the HTTP transports takes writes
   * after its close without throwing.
   */
  default boolean isClosed() {
    return false;
  }

  void close(int code, String reason);

  /**
   * Closes with a reason. SockJS transports other than the raw WebSocket cannot carry a close
   * code (clients see SockJS's own 3000), so the reason is first sent as an {@code err} frame
   * that every client can read.
   */
  default void closeWith(int code, ServiceException reason) {
    write(BridgeFrames.err(null, reason)).onComplete(x -> close(code, reason.wireMessage()));
  }

  void pause();

  void resume();

  /** Every message the client sends, text or binary, whole. */
  void messageHandler(Handler<Buffer> handler);

  void closeHandler(Handler<Void> handler);

  void exceptionHandler(Handler<Throwable> handler);

  /** Bytes that may wait to be sent before {@link #writeQueueFull} says so. */
  void writeQueueMaxSize(int bytes);

  /**
   * A session of SockJS's HTTP transports (XHR streaming and polling, EventSource); its websocket
   * transport is {@link SockJsWebSocket}. The session's {@code writeQueueFull()} counts what waits
   * between two of the client's requests; a request carries at most one streaming response's
   * worth (vertx-web's {@code maxBytesStreaming}) before it ends (docs/protocol.md, Close codes).
   * {@code beforeClose} runs before each close the server makes.
   */
  static ClientChannel of(SockJSSocket socket, Runnable beforeClose) {
    return new ClientChannel() {
      @Override public String uri() { return socket.uri(); }
      @Override public String transport() { return GatewayMetrics.SOCKJS; }
      @Override public Future<Void> write(Buffer frame) { return socket.write(frame); }
      @Override public boolean writeQueueFull() { return socket.writeQueueFull(); }
      @Override public void close(int code, String reason) {
        beforeClose.run();
        socket.close(code, reason);
      }
      @Override public void pause() { socket.pause(); }
      @Override public void resume() { socket.resume(); }
      @Override public void messageHandler(Handler<Buffer> handler) { socket.handler(handler); }
      @Override public void closeHandler(Handler<Void> handler) { socket.closeHandler(handler); }
      @Override public void exceptionHandler(Handler<Throwable> handler) { socket.exceptionHandler(handler); }
      @Override public void writeQueueMaxSize(int bytes) { socket.setWriteQueueMaxSize(bytes); }
    };
  }

  /**
   * The raw WebSocket ({@code /eventbus/websocket}): the bridge's frames as binary messages. An
   * event's frame is written in three parts, the inbox's head (kept while the inbox stays the
   * same), the event's shared JSON and the tail, so the lean socket copies the event once, into
   * the pooled buffer it sends, instead of building a frame per socket first.
   */
  static ClientChannel of(WebSocketConnection socket) {
    return new ClientChannel() {
      private String headInbox;
      private byte[] head;

      @Override public String uri() { return socket.uri(); }
      @Override public String transport() { return GatewayMetrics.WEBSOCKET; }
      @Override public Future<Void> write(Buffer frame) { return socket.writeBinary(frame); }

      @Override
      public Future<Void> writeEvent(String inbox, FanoutEvent event) {
        if (!inbox.equals(headInbox)) {
          head = BridgeFrames.recHead(inbox);
          headInbox = inbox;
        }
        return socket.writeBinary(head, event.json(), BridgeFrames.REC_TAIL);
      }

      @Override public boolean writeQueueFull() { return socket.writeQueueFull(); }
      @Override public boolean isClosed() { return socket.isClosed(); }
      @Override public void close(int code, String reason) { socket.close((short) code, reason); }

      /** The socket keeps its writes in order: the close frame follows the err frame without waiting for it to be sent. */
      @Override
      public void closeWith(int code, ServiceException reason) {
        write(BridgeFrames.err(null, reason));
        close(code, reason.wireMessage());
      }

      @Override public void pause() { socket.pause(); }
      @Override public void resume() { socket.resume(); }
      @Override public void messageHandler(Handler<Buffer> handler) { socket.messageHandler(handler); }
      @Override public void closeHandler(Handler<Void> handler) { socket.closeHandler(handler); }
      @Override public void exceptionHandler(Handler<Throwable> handler) { socket.exceptionHandler(handler); }
      @Override public void writeQueueMaxSize(int bytes) { socket.writeQueueMaxSize(bytes); }
    };
  }
}

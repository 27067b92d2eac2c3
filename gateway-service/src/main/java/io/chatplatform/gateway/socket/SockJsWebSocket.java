package io.chatplatform.gateway.socket;

import io.chatplatform.contracts.ServiceException;
import io.chatplatform.gateway.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;

/**
 * SockJS's websocket transport ({@code /eventbus/<server>/<session>/websocket}), served by the
 * gateway on the WebSocket itself rather than by vertx-web's SockJS handler, so that it is bound in
 * bytes as the raw WebSocket is: {@link #writeQueueFull} is the WebSocket's own.
 *
 * <p>vertx-web's session cannot be bound: its {@code writeQueueFull()} counts only the messages
 * not yet handed to the transport and drops to zero on every hand-over, though the WebSocket may
 * not have sent a byte of them, and its underlying WebSocket is not reachable. A client that
 * stopped reading would grow the gateway's memory without limit.
 *
 * <p>The framing is SockJS's (as vertx-web 5 speaks it, {@link SockJsFraming}): {@code o} on open,
 * {@code h} every heartbeat interval, {@code a["…"]} around each server frame, and
 * {@code c[3000,"Go away!"]} then the WebSocket's close when the server closes the session
 * (vertx-web's sessions send no other code, and clients are documented to see 3000). The client
 * sends {@code ["…",…]} or {@code "…"}; anything else closes the WebSocket, as vertx-web does.
 *
 * <p>A fanned-out event is not escaped per socket as vertx-web's transport does: its escaped form
 * is made once per message ({@link FanoutEvent}) and only this socket's inbox is added here.
 */
final class SockJsWebSocket implements ClientChannel {
  /** What Vert.x's {@code ServerWebSocket.close()} sends, as vertx-web's transport did. */
  private static final short NORMAL_CLOSURE = 1000;

  private final WebSocketConnection ws;
  private final Vertx vertx;
  private final long heartbeatTimer;
  private boolean closed;

  /** Writes SockJS's open frame and starts its heartbeat. */
  SockJsWebSocket(Vertx vertx, WebSocketConnection ws, long heartbeatIntervalMs) {
    this.vertx = vertx;
    this.ws = ws;
    ws.writeText(SockJsFraming.OPEN);
    this.heartbeatTimer = vertx.setPeriodic(heartbeatIntervalMs, id -> {
      if (!closed) {
        ws.writeText(SockJsFraming.HEARTBEAT);
      }
    });
  }

  @Override public String uri() { return ws.uri(); }

  @Override public String transport() { return GatewayMetrics.SOCKJS; }

  @Override
  public Future<Void> write(Buffer frame) {
    return ws.writeText(SockJsFraming.message(frame));
  }

  @Override
  public Future<Void> writeEvent(String inbox, FanoutEvent event) {
    return ws.writeText(SockJsFraming.rec(inbox, event));
  }

  /** The WebSocket keeps its writes in order: the close follows the err frame without waiting for it to be sent. */
  @Override
  public void closeWith(int code, ServiceException reason) {
    write(BridgeFrames.err(null, reason));
    close(code, reason.wireMessage());
  }

  @Override public boolean writeQueueFull() { return ws.writeQueueFull(); }
  @Override public boolean isClosed() { return ws.isClosed(); }

  @Override
  public void close(int code, String reason) {
    if (closed) {
      return;
    }
    closed = true;
    vertx.cancelTimer(heartbeatTimer);
    ws.writeText(SockJsFraming.CLOSE);
    ws.close(NORMAL_CLOSURE, null);
  }

  @Override public void pause() { ws.pause(); }
  @Override public void resume() { ws.resume(); }

  @Override
  public void messageHandler(Handler<Buffer> handler) {
    ws.textMessageHandler(text -> {
      if (closed || text.isEmpty() || text.equals("[]")) {
        return;
      }
      Object messages;
      try {
        messages = Json.decodeValue(text);
      } catch (DecodeException e) {
        messages = null;
      }
      if (messages instanceof String message) {
        handler.handle(Buffer.buffer(message));
      } else if (messages instanceof JsonArray array && array.stream().allMatch(m -> m instanceof String)) {
        for (Object message : array) {
          handler.handle(Buffer.buffer((String) message));
        }
      } else {
        // Not SockJS framing: vertx-web closes the WebSocket without a close frame.
        closed = true;
        vertx.cancelTimer(heartbeatTimer);
        ws.close(NORMAL_CLOSURE, null);
      }
    });
  }

  @Override
  public void closeHandler(Handler<Void> handler) {
    ws.closeHandler(v -> {
      closed = true;
      vertx.cancelTimer(heartbeatTimer);
      handler.handle(v);
    });
  }

  @Override public void exceptionHandler(Handler<Throwable> handler) { ws.exceptionHandler(handler); }
  @Override public void writeQueueMaxSize(int bytes) { ws.writeQueueMaxSize(bytes); }
}

package io.chatplatform.gateway.socket;

import io.chatplatform.gateway.web.ConnectionGuard;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpResponse;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A server WebSocket served by Netty's own frame codec on the upgraded HTTP connection, instead of
 * Vert.x's {@code ServerWebSocket} (docs/benchmarks.md, "A leaner edge"). Vert.x keeps per
 * WebSocket the HTTP connection and request under it, an inbound message queue, and two 1,024-slot
 * cross-thread write queues (~9.4 KiB of an idle socket's ~15 KiB); this one holds Netty's channel
 * and pipeline and itself. Every write is made on the socket's event loop by the gateway, so the
 * channel's own outbound buffer is the only queue needed, and its high-water mark is the socket's
 * {@code SOCKET_WRITE_QUEUE_MAX_BYTES}.
 *
 * <p>The handshake is Vert.x's HTTP server's up to the request: the router's origin, draining and
 * address checks run first. {@link #upgrade} then checks the RFC 6455 handshake headers, answers
 * {@code 101} through {@code HttpServerRequest.toNetSocket()} (which also takes Vert.x's HTTP
 * codec off the channel, TLS staying in front), and puts the frame codec and this handler in the
 * place of the connection's Vert.x handler. Vert.x's metrics are told what it would have told them
 * (the request ended with 101, a WebSocket opened, then closed with the connection), so
 * {@code vertx_http_server_active_connections} and {@code ..._active_ws_connections} stay right;
 * bytes read and written on the socket are not counted there.
 *
 * <p>What it speaks: text and binary messages, fragmented or not, up to the frame and message
 * limits (a larger frame closes with 1009, as does a larger message); text checked as UTF-8 (1007);
 * pings answered with pongs; the close handshake both ways, the server's close waiting at most
 * {@code SOCKET_CLOSE_TIMEOUT_MS} for the client's close frame (a client that stopped reading
 * never sends it) before the connection is cut. No extensions: a client's permessage-deflate offer
 * is declined by leaving it out of the answer, as RFC 6455 allows.
 *
 * <p>Everything runs on the channel's event loop, which is the Vert.x context's that took the
 * request; handlers are called on that context ({@link ContextInternal#emit}), so the session's
 * futures, timers and event bus requests stay on it.
 */
final class LeanWebSocket extends ChannelInboundHandlerAdapter implements WebSocketConnection {
  /** RFC 6455, 1.3: what the client's key is hashed with. */
  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final HttpResponse SWITCHED = new HttpResponse() {
    @Override public int statusCode() { return 101; }
    @Override public MultiMap headers() { return HttpHeaders.headers(); }
  };

  /** The limits of a lean socket: those of Vert.x's server options for the same socket. */
  record Limits(int maxFrameBytes, int maxMessageBytes, long closeTimeoutMs) {}

  private final ContextInternal context;
  private final String uri;
  private final long closeTimeoutMs;
  private SocketMetrics metrics;
  private Channel channel;
  private Handler<Buffer> messageHandler;
  private Handler<String> textHandler;
  private Handler<Void> closeHandler;
  private Handler<Throwable> exceptionHandler;
  /** Messages read while paused; null while none waits (most of a socket's life). */
  private ArrayDeque<WebSocketFrame> pending;
  private boolean paused;
  /** A close frame was sent or received: nothing more is written. */
  private boolean closing;
  private boolean closed;
  private ScheduledFuture<?> closeTimer;

  private LeanWebSocket(ContextInternal context, String uri, long closeTimeoutMs) {
    this.context = context;
    this.uri = uri;
    this.closeTimeoutMs = closeTimeoutMs;
  }

  /**
   * Upgrades {@code request} (a GET asking for a WebSocket, on its connection's context) to a lean
   * socket. Fails, having answered nothing, when it is not a valid RFC 6455 handshake; a version
   * other than 13 is answered 426 with the version this server speaks, as RFC 6455 4.4 says.
   */
  static Future<WebSocketConnection> upgrade(HttpServerRequest request, Limits limits) {
    String key = request.getHeader(HttpHeaderNames.SEC_WEBSOCKET_KEY);
    if (!headerHasToken(request, HttpHeaders.UPGRADE, "websocket") || !headerHasToken(request, HttpHeaders.CONNECTION, "upgrade")
        || !validKey(key)) {
      return Future.failedFuture("not a WebSocket handshake");
    }
    if (!"13".equals(request.getHeader(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
      request.response().setStatusCode(426).putHeader(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13").end();
      return Future.failedFuture("unsupported WebSocket version");
    }
    HttpServerRequestInternal internal = (HttpServerRequestInternal) request;
    Http1xServerConnection connection = (Http1xServerConnection) request.connection();
    HttpServerMetrics<?, ?, ?> serverMetrics = connection.metrics();
    Object connectionMetric = connection.metric();
    Object requestMetric = internal.metric();
    LeanWebSocket socket = new LeanWebSocket(internal.context(), request.uri(), limits.closeTimeoutMs());
    request.response()
        .putHeader(HttpHeaders.UPGRADE, "websocket")
        .putHeader(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE)
        .putHeader(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, accept(key.trim()));
    return request.toNetSocket().map(netSocket -> {
      socket.takeOver(((NetSocketInternal) netSocket).channelHandlerContext().pipeline(), limits);
      socket.metrics = serverMetrics == null ? null : SocketMetrics.opened(serverMetrics, connectionMetric, requestMetric);
      return socket;
    });
  }

  /**
   * Puts the frame codec and this handler where Vert.x's socket handler was: Vert.x's
   * {@code toNetSocket} has written the 101 and taken the HTTP codec off, and its net socket,
   * dropped here, never sees a byte (the client sends frames only once it has the 101, and this
   * runs in the same event-loop turn as the codec's removal).
   */
  private void takeOver(ChannelPipeline pipeline, Limits limits) {
    channel = pipeline.channel();
    WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(limits.maxFrameBytes())
        .expectMaskedFrames(true)
        .allowExtensions(false)
        // A violation is answered by this handler's own close (exceptionCaught), which reads on
        // until the client has stopped sending: the decoder's would close at once, and a client
        // still sending would get a TCP reset instead of the close frame.
        .closeOnProtocolViolation(false)
        .build();
    // Frames are decoded where the HTTP codec was, then checked as UTF-8 (1007) by a validator that
    // leaves the close to this handler, as the decoder does (ConnectionGuard's, put on every public
    // connection for Vert.x's WebSockets, closes by itself, so it is replaced).
    Utf8FrameValidator utf8 = new Utf8FrameValidator(false);
    if (pipeline.get(Utf8FrameValidator.class) != null) {
      pipeline.replace(Utf8FrameValidator.class, "utf8FrameValidator", utf8);
    } else {
      pipeline.addBefore("handler", "utf8FrameValidator", utf8);
    }
    pipeline.addBefore("utf8FrameValidator", "wsDecoder", new WebSocket13FrameDecoder(decoder));
    pipeline.addBefore("utf8FrameValidator", "wsEncoder", new WebSocket13FrameEncoder(false));
    pipeline.addBefore("handler", "wsAggregator", new WebSocketFrameAggregator(limits.maxMessageBytes()));
    pipeline.replace("handler", "handler", this);
    ConnectionGuard.upgraded(channel);
  }

  private static boolean headerHasToken(HttpServerRequest request, CharSequence name, String token) {
    for (String value : request.headers().getAll(name)) {
      for (String part : value.split(",")) {
        if (part.trim().toLowerCase(Locale.ROOT).equals(token)) {
          return true;
        }
      }
    }
    return false;
  }

  /** RFC 6455 4.1: the key is 16 random bytes, base64-encoded. */
  private static boolean validKey(String key) {
    if (key == null) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(key.trim()).length == 16;
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
  }

  /** RFC 6455 4.2.2: base64 of the SHA-1 of the key and the protocol's GUID. */
  static String accept(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return Base64.getEncoder().encodeToString(sha1.digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }

  @Override public String uri() { return uri; }

  @Override
  public Future<Void> writeBinary(Buffer message) {
    return write(new BinaryWebSocketFrame(((BufferInternal) message).getByteBuf()));
  }

  @Override
  public Future<Void> writeText(String message) {
    return write(new TextWebSocketFrame(message));
  }

  private Future<Void> write(WebSocketFrame frame) {
    if (closing || closed) {
      frame.release();
      return context.failedFuture("WebSocket is closed");
    }
    PromiseInternal<Void> written = context.promise();
    channel.writeAndFlush(frame).addListener(written);
    return written.future();
  }

  @Override public boolean writeQueueFull() { return !channel.isWritable(); }

  @Override
  public void writeQueueMaxSize(int bytes) {
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(bytes / 2, bytes));
  }

  @Override public boolean isClosed() { return closing || closed; }

  @Override
  public void close(short code, String reason) {
    if (closing || closed) {
      return;
    }
    closing = true;
    channel.writeAndFlush(new CloseWebSocketFrame(code, reason));
    // The client's close frame must be read even if the socket was paused; what else it sent is dropped.
    releasePending();
    channel.config().setAutoRead(true);
    // The client answers with its own close frame, and then the connection is closed; one that
    // stopped reading never does (its socket is closed as too slow, say), so it is cut after this.
    if (channel.isActive()) {
      closeTimer = channel.eventLoop().schedule(() -> channel.close(), closeTimeoutMs, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void pause() {
    paused = true;
    if (!closing) {
      channel.config().setAutoRead(false);
    }
  }

  @Override
  public void resume() {
    paused = false;
    while (!paused && pending != null && !pending.isEmpty()) {
      deliver(pending.poll());
    }
    if (!paused) {
      pending = null;
      channel.config().setAutoRead(true);
    }
  }

  @Override public void messageHandler(Handler<Buffer> handler) { this.messageHandler = handler; }
  @Override public void textMessageHandler(Handler<String> handler) { this.textHandler = handler; }
  @Override public void closeHandler(Handler<Void> handler) { this.closeHandler = handler; }
  @Override public void exceptionHandler(Handler<Throwable> handler) { this.exceptionHandler = handler; }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
      WebSocketFrame frame = (WebSocketFrame) msg;
      if (closing) {
        frame.release();
      } else if (paused) {
        // What one read had decoded already: autoRead is off, so no more comes until resume.
        if (pending == null) {
          pending = new ArrayDeque<>(4);
        }
        pending.add(frame);
      } else {
        deliver(frame);
      }
    } else if (msg instanceof PingWebSocketFrame ping) {
      if (closing) {
        ping.release();
      } else {
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
      }
    } else if (msg instanceof CloseWebSocketFrame close) {
      closeReceived(ctx, close);
    } else {
      // A pong, or the end of the upgrade request's content that Vert.x's decoder had read.
      ReferenceCountUtil.release(msg);
    }
  }

  private void deliver(WebSocketFrame frame) {
    try {
      ByteBuf content = frame.content();
      if (frame instanceof TextWebSocketFrame && textHandler != null) {
        context.emit(content.toString(StandardCharsets.UTF_8), textHandler);
      } else if (messageHandler != null) {
        // Copied: the frame's buffer goes back to Netty's pool once released.
        context.emit(BufferInternal.buffer(ByteBufUtil.getBytes(content)), messageHandler);
      }
    } finally {
      frame.release();
    }
  }

  private void releasePending() {
    if (pending != null) {
      pending.forEach(ReferenceCountUtil::release);
      pending = null;
    }
  }

  /** RFC 6455 5.5.1: a close frame is answered with one (its status code echoed), then the connection closes. */
  private void closeReceived(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
    try {
      if (closing) {
        ctx.close();
        return;
      }
      closing = true;
      int code = close.statusCode();
      CloseWebSocketFrame answer = code == -1 ? new CloseWebSocketFrame(true, 0) : new CloseWebSocketFrame(code, null);
      ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    } finally {
      close.release();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException violation) {
      // The decoder's (1009 for a frame over the limit, 1002 for a protocol error); it discards
      // what follows, so the client's close frame is not seen and the close timeout ends it.
      close((short) violation.closeStatus().code(), violation.closeStatus().reasonText());
      return;
    }
    if (cause instanceof TooLongFrameException) {
      // The aggregator's: a message over the limit, in fragments.
      close((short) WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message too big");
      return;
    }
    if (exceptionHandler != null) {
      context.emit(cause, exceptionHandler);
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    if (closeTimer != null) {
      closeTimer.cancel(false);
    }
    releasePending();
    if (metrics != null) {
      metrics.closed(ctx.channel().remoteAddress());
    }
    if (closeHandler != null) {
      context.emit(null, closeHandler);
    }
  }

  /**
   * What Vert.x's HTTP server metrics would have been told of this socket: its upgrade request
   * ended (101) and a WebSocket opened, then closed with its connection.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private record SocketMetrics(HttpServerMetrics metrics, Object connectionMetric, Object webSocketMetric) {
    static SocketMetrics opened(HttpServerMetrics metrics, Object connectionMetric, Object requestMetric) {
      metrics.responseEnd(requestMetric, SWITCHED, 0);
      return new SocketMetrics(metrics, connectionMetric, metrics.connected(connectionMetric, requestMetric, null));
    }

    void closed(java.net.SocketAddress remote) {
      metrics.disconnected(webSocketMetric);
      metrics.disconnected(connectionMetric, remote instanceof InetSocketAddress inet ? SocketAddress.inetSocketAddress(inet) : null);
    }
  }
}

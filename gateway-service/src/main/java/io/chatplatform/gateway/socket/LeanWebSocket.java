package io.chatplatform.gateway.socket;

import io.chatplatform.gateway.web.ConnectionGuard;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.vertx.core.spi.observability.HttpRequest;
import java.util.List;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandler;
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
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.http.HttpServerRequestInternal;
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
import java.util.concurrent.RejectedExecutionException;
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
 * {@code 101} itself, and puts the frame codec where Vert.x's HTTP codec was and this handler
 * where the connection's Vert.x handler was (TLS stays in front; {@link #takeOver}). Vert.x's
 * metrics are told what it would have told them (the request ended with 101, a WebSocket opened,
 * then closed with the connection), so {@code vertx_http_server_active_connections},
 * {@code ..._active_ws_connections} and {@code ..._active_requests} stay right; bytes read and
 * written on the socket are not counted there.
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

  /**
   * The limits of a lean socket: those of Vert.x's server options for the same socket. The
   * decoder's configuration is made once here and shared by every socket.
   */
  record Limits(WebSocketDecoderConfig decoder, int maxMessageBytes, long closeTimeoutMs) {
    static Limits of(int maxFrameBytes, int maxMessageBytes, long closeTimeoutMs) {
      WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
          .maxFramePayloadLength(maxFrameBytes)
          .expectMaskedFrames(true)
          .allowExtensions(false)
          // A violation is answered by this handler's own close (exceptionCaught), which reads on
          // until the client has stopped sending: the decoder's would close at once, and a client
          // still sending would get a TCP reset instead of the close frame.
          .closeOnProtocolViolation(false)
          .build();
      return new Limits(decoder, maxMessageBytes, closeTimeoutMs);
    }
  }

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
  /** Paused from the start: frames the client sent right away wait until the gateway has set its handlers and resumes. */
  private boolean paused = true;
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
   * Upgrades {@code request} (a GET asking for a WebSocket, on its connection's event loop) to a
   * lean socket. Fails, having answered nothing, when it is not a valid RFC 6455 handshake (or
   * carries a body); a version other than 13 is answered 426 with the version this server speaks,
   * as RFC 6455 4.4 says. An upgrade that cannot take the connection over in the turn that read it
   * (pipelined behind another request, or a pipeline Vert.x built differently) fails too.
   */
  static Future<WebSocketConnection> upgrade(HttpServerRequest request, Limits limits) {
    String key = request.getHeader(HttpHeaderNames.SEC_WEBSOCKET_KEY);
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    boolean body = request.headers().contains(HttpHeaders.TRANSFER_ENCODING) || (length != null && !length.trim().equals("0"));
    if (!headerHasToken(request, HttpHeaders.UPGRADE, "websocket") || !headerHasToken(request, HttpHeaders.CONNECTION, "upgrade")
        || !validKey(key) || body) {
      return Future.failedFuture("not a WebSocket handshake");
    }
    if (!"13".equals(request.getHeader(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
      request.response().setStatusCode(426).putHeader(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13").end();
      return Future.failedFuture("unsupported WebSocket version");
    }
    if (!(request.connection() instanceof Http1xServerConnection connection) || !takeable(connection.channelHandlerContext())) {
      // An upgrade pipelined behind an unfinished answer on the same connection: what followed it
      // has been read as HTTP already. No browser sends one; it is refused (400) rather than served
      // by Vert.x's own WebSocket, which would cost the node three times the memory per socket.
      return Future.failedFuture("a WebSocket upgrade must not be pipelined behind another request");
    }
    HttpServerRequestInternal internal = (HttpServerRequestInternal) request;
    LeanWebSocket socket = new LeanWebSocket(internal.context(), request.uri(), limits.closeTimeoutMs());
    try {
      socket.takeOver(connection.channelHandlerContext().pipeline(), limits, accept(key.trim()));
    } catch (RuntimeException e) {
      // Half taken over, the connection can serve neither HTTP nor WebSocket any more.
      connection.channelHandlerContext().channel().close();
      return Future.failedFuture(e);
    }
    HttpServerMetrics<?, ?, ?> metrics = connection.metrics();
    if (metrics != null) {
      socket.metrics = SocketMetrics.opened(metrics, connection.metric(), internal.metric(), request);
    }
    return Future.succeededFuture(socket);
  }

  /**
   * Vert.x's HTTP/1.1 codec and connection handler on the channel, this thread its event loop, and
   * the request handed on by the guarded decoder in this very call. A request Vert.x queued behind
   * an earlier response on the same connection (pipelining) is handled later, when what followed
   * it has been read as HTTP already and Vert.x still holds the request's end: it is refused.
   */
  private static boolean takeable(ChannelHandlerContext chctx) {
    ChannelPipeline pipeline = chctx.pipeline();
    return chctx.executor().inEventLoop() && pipeline.get("httpEncoder") != null && pipeline.get("handler") != null
        && ConnectionGuard.takeoverReady(pipeline);
  }

  /**
   * Takes the connection over from Vert.x, in the turn that read the upgrade request: the frame
   * codec goes where the HTTP codec was and this handler where Vert.x's connection was, the 101 is
   * written, and the HTTP decoder is removed last, so that whatever the client sent after its
   * request (the request's end, frames it did not wait to send) flows on into the frame decoder
   * and to this handler, which holds frames while the socket is paused. Vert.x's connection object
   * then hears nothing more and is left to the garbage collector.
   */
  private void takeOver(ChannelPipeline pipeline, Limits limits, String acceptValue) {
    channel = pipeline.channel();
    pipeline.addAfter("httpDecoder", "wsDecoder", new WebSocket13FrameDecoder(limits.decoder()));
    pipeline.addAfter("wsDecoder", "wsEncoder", new WebSocket13FrameEncoder(false));
    // Frames are checked as UTF-8 (1007) by a validator that leaves the close to this handler, as
    // the decoder does (ConnectionGuard's, put on every public connection for Vert.x's WebSockets,
    // closes by itself, so it is replaced).
    Utf8FrameValidator utf8 = new Utf8FrameValidator(false);
    if (pipeline.get(Utf8FrameValidator.class) != null) {
      pipeline.replace(Utf8FrameValidator.class, "utf8FrameValidator", utf8);
    } else {
      pipeline.addBefore("handler", "utf8FrameValidator", utf8);
    }
    pipeline.addBefore("handler", "wsAggregator", new WebSocketFrameAggregator(limits.maxMessageBytes()));
    for (Class<? extends ChannelHandler> http : List.of(HttpContentCompressor.class, HttpContentDecompressor.class, ChunkedWriteHandler.class)) {
      if (pipeline.get(http) != null) {
        pipeline.remove(http);
      }
    }
    pipeline.remove("httpEncoder");
    pipeline.replace("handler", "handler", this);
    channel.config().setAutoRead(false);
    channel.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + acceptValue + "\r\n\r\n", StandardCharsets.US_ASCII), channel.voidPromise());
    pipeline.remove("httpDecoder");
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

  /**
   * Written as one whole frame, header included, into one buffer of Netty's pool, which goes
   * straight to the socket: no heap copy per socket, and no second copy and allocation in the
   * frame encoder (a server's frames are not masked, so the header is the frame's first byte and its
   * length, RFC 6455 5.2).
   */
  @Override
  public Future<Void> writeBinary(byte[] head, Buffer body, byte[] tail) {
    if (!channel.eventLoop().inEventLoop()) {
      try {
        channel.eventLoop().execute(() -> writeBinary(head, body, tail));
      } catch (RejectedExecutionException shuttingDown) {
        return context.failedFuture("WebSocket is closed");
      }
      return Future.succeededFuture();
    }
    if (closing || closed) {
      return context.failedFuture("WebSocket is closed");
    }
    int length = head.length + body.length() + tail.length;
    ByteBuf frame = channel.alloc().buffer(frameHeaderLength(length) + length);
    try {
      writeFrameHeader(frame, BINARY_FINAL, length);
      frame.writeBytes(head).writeBytes(((BufferInternal) body).getByteBuf()).writeBytes(tail);
    } catch (RuntimeException e) {
      frame.release();
      throw e;
    }
    channel.writeAndFlush(frame, channel.voidPromise());
    return Future.succeededFuture();
  }

  /** FIN and the binary opcode: a whole binary message in one frame. */
  private static final int BINARY_FINAL = 0x82;

  static int frameHeaderLength(int payloadLength) {
    return payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
  }

  /** RFC 6455 5.2: the first byte, then the payload's length in 7 bits, or 126 and 16 bits, or 127 and 64 bits; no mask. */
  static void writeFrameHeader(ByteBuf frame, int firstByte, int payloadLength) {
    frame.writeByte(firstByte);
    if (payloadLength < 126) {
      frame.writeByte(payloadLength);
    } else if (payloadLength <= 0xFFFF) {
      frame.writeByte(126).writeShort(payloadLength);
    } else {
      frame.writeByte(127).writeLong(payloadLength);
    }
  }

  @Override
  public Future<Void> writeText(String message) {
    return write(new TextWebSocketFrame(message));
  }

  /**
   * Queues {@code frame} on the channel; the future says only that it was queued. A write that
   * fails later (the connection broke) reaches {@link #exceptionCaught}, which closes the
   * connection, so the close handler hears of it. No promise per write: at a fan-out's rate they
   * were a good part of a delivery's cost (each completed from Netty's side, a task on the loop),
   * and the socket's order of writes already does what they were awaited for: a close frame
   * queued after them is sent after them.
   */
  private Future<Void> write(WebSocketFrame frame) {
    if (!channel.eventLoop().inEventLoop()) {
      // Every write of the gateway is made on the socket's loop; one from elsewhere keeps its order
      // behind close and pause, and its future says only that it was queued.
      try {
        channel.eventLoop().execute(() -> write(frame));
      } catch (RejectedExecutionException shuttingDown) {
        frame.release();
        return context.failedFuture("WebSocket is closed");
      }
      return Future.succeededFuture();
    }
    if (closing || closed) {
      frame.release();
      return context.failedFuture("WebSocket is closed");
    }
    channel.writeAndFlush(frame, channel.voidPromise());
    return Future.succeededFuture();
  }

  @Override public boolean writeQueueFull() { return !channel.isWritable(); }

  @Override
  public void writeQueueMaxSize(int bytes) {
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(bytes / 2, bytes));
  }

  @Override public boolean isClosed() { return closing || closed; }

  @Override
  public void close(short code, String reason) {
    if (!channel.eventLoop().inEventLoop()) {
      channel.eventLoop().execute(() -> close(code, reason));
      return;
    }
    if (closing || closed) {
      return;
    }
    closing = true;
    channel.writeAndFlush(new CloseWebSocketFrame(code, reason));
    closeHandshakeStarted();
  }

  /**
   * A close frame was sent (or answered): the client's frames are read on, even while the socket
   * was paused, and dropped, until its close frame or the connection's end. A client that stops
   * reading never sends one (its socket closed as too slow, say; or the answer to its own close
   * waits behind what it never read), so the connection is cut {@code SOCKET_CLOSE_TIMEOUT_MS}
   * after this, whatever it does.
   */
  private void closeHandshakeStarted() {
    releasePending();
    channel.config().setAutoRead(true);
    if (channel.isActive() && closeTimer == null) {
      closeTimer = channel.eventLoop().schedule(() -> channel.close(), closeTimeoutMs, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void pause() {
    if (!channel.eventLoop().inEventLoop()) {
      channel.eventLoop().execute(this::pause);
      return;
    }
    paused = true;
    if (!closing) {
      channel.config().setAutoRead(false);
    }
  }

  @Override
  public void resume() {
    if (!channel.eventLoop().inEventLoop()) {
      channel.eventLoop().execute(this::resume);
      return;
    }
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
        // (On the epoll transport a client's FIN still makes Netty read to the end and close:
        // frames of a client that closed before its session started are then dropped with it.)
        if (pending == null) {
          pending = new ArrayDeque<>(4);
        }
        pending.add(frame);
      } else {
        deliver(frame);
      }
    } else if (msg instanceof PingWebSocketFrame ping) {
      if (closing || !channel.isWritable()) {
        // A client that pings but does not read would grow the outbound buffer with pongs; RFC
        // 6455 5.5.3 lets a pong answer only the latest ping, so none is owed while writes wait.
        ping.release();
      } else {
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content()), ctx.voidPromise());
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
      // The answer may wait behind what the client has not read yet; it gets as long as any close.
      closeHandshakeStarted();
    } finally {
      close.release();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException violation) {
      violated(ctx, violation);
      return;
    }
    if (cause instanceof TooLongFrameException) {
      // The aggregator's: a message over the limit, in fragments.
      close((short) WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message too big");
      return;
    }
    if (closing || closed || !ctx.channel().isActive()) {
      // The writes still queued when the connection closed fail one by one (each write carries
      // the channel's void promise): the close is known already, once is enough.
      return;
    }
    closing = true;
    if (exceptionHandler != null) {
      context.emit(cause, exceptionHandler);
    }
    ctx.close();
  }

  /**
   * A protocol violation: the decoder's (1009 for a frame over the limit, 1002 for a protocol
   * error) or the UTF-8 validator's (1007). After one of the decoder's it drops all that follows,
   * so the client's close frame would never be seen: once the close frame is sent, the server
   * ends its side of the connection (TLS's close_notify, or a FIN), which ends the client's; its
   * input is read on and dropped meanwhile, so the client is not reset, and the close timeout
   * stays the backstop. One after the server's close has begun ends the connection at once.
   */
  private void violated(ChannelHandlerContext ctx, CorruptedWebSocketFrameException violation) {
    if (closed) {
      return;
    }
    if (closing) {
      // The decoder drops all that follows its violation, the client's close frame too: nothing
      // more can be read, so the connection ends now. The UTF-8 validator fails every text frame
      // after its first 1007, whose close frame is on its way: those are dropped, as all frames are
      // while closing, and the client's close frame still gets through.
      if (violation.closeStatus().code() != WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code()) {
        ctx.close();
      }
      return;
    }
    closing = true;
    ChannelFuture sent = channel.writeAndFlush(new CloseWebSocketFrame(violation.closeStatus().code(), violation.closeStatus().reasonText()));
    SslHandler tls = channel.pipeline().get(SslHandler.class);
    if (tls != null) {
      sent.addListener(f -> tls.closeOutbound());
    } else if (channel instanceof DuplexChannel duplex) {
      sent.addListener(f -> duplex.shutdownOutput());
    }
    closeHandshakeStarted();
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
   * ended and was answered 101, and a WebSocket opened; then closed with its connection.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private record SocketMetrics(HttpServerMetrics metrics, Object connectionMetric, Object webSocketMetric) {
    static SocketMetrics opened(HttpServerMetrics metrics, Object connectionMetric, Object requestMetric, HttpServerRequest request) {
      metrics.requestEnd(requestMetric, observed(request), 0);
      metrics.responseEnd(requestMetric, SWITCHED, 0);
      return new SocketMetrics(metrics, connectionMetric, metrics.connected(connectionMetric, requestMetric, null));
    }

    /** The upgrade request as the metrics SPI sees a request; its URI without the query (the credential travels there). */
    private static HttpRequest observed(HttpServerRequest request) {
      String path = request.path();
      HttpMethod method = request.method();
      MultiMap headers = request.headers();
      SocketAddress remote = request.remoteAddress();
      return new HttpRequest() {
        @Override public int id() { return 1; }
        @Override public String uri() { return path; }
        @Override public String absoluteURI() { return path; }
        @Override public HttpMethod method() { return method; }
        @Override public MultiMap headers() { return headers; }
        @Override public SocketAddress remoteAddress() { return remote; }
      };
    }

    void closed(java.net.SocketAddress remote) {
      metrics.disconnected(webSocketMetric);
      metrics.disconnected(connectionMetric, remote instanceof InetSocketAddress inet ? SocketAddress.inetSocketAddress(inet) : null);
    }
  }
}

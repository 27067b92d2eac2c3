package io.chatplatform.loadtest.relay;

import io.chatplatform.loadtest.generator.Endpoint;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.spi.transport.Transport;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A prototype of a leaner edge (issue 18 item 4): the baseline relay's behaviour (the same REST
 * answers, WebSocket path, bridge frames and {@link RelayDirectory}) with its connections served
 * by Netty's own HTTP and WebSocket handlers on Vert.x's event loops, instead of Vert.x's
 * HttpServer. A socket then holds Netty's channel and pipeline and one {@link LeanConnection}
 * (its user id, through {@link RelaySocket}); none of Vert.x's per-connection objects: no HTTP
 * connection and request kept alive under the WebSocket, no inbound message queue, and no
 * cross-thread write queue (two of those hold a 1,024-slot array each, see docs/benchmarks.md).
 *
 * <p>REST and WebSocket share one port and one pipeline, as on the baseline relay: a plain
 * request is aggregated (at most {@link #MAX_REQUEST_BYTES}) and answered by {@link RelayRest};
 * the upgrade to {@link Endpoint#SOCKET_PATH} removes the HTTP codec and aggregator from the
 * channel, so an idle socket holds only the WebSocket frame codec. Only the WebSocket holding is
 * compared with the baseline relay: the REST calls the generator makes go over its few pooled
 * connections in both.
 *
 * <p>What it gives up against Vert.x's HttpServer (a prototype, not the gateway's endpoint): no
 * TLS, HTTP/2, compression or metrics; no sharing of the port by several verticles (one server
 * channel, its sockets spread over all of Vert.x's event loops); no idle timeout and no closing
 * timeout for a close handshake the client never finishes; no fragmented messages (a continuation
 * frame closes the socket with 1003); back-pressure is only Netty's writability (the write
 * buffer's high-water mark, 64 KiB), read by {@link #writeQueueFull}; no Vert.x context, so
 * everything a handler does runs as Netty code on the event loop (no Vert.x futures, timers or
 * event bus per socket without creating the context the lean path avoids).
 */
public final class LeanRelay {
  private static final Logger LOG = LoggerFactory.getLogger(LeanRelay.class);
  /** A REST body or a request line and headers: what the generator sends is far below this. */
  static final int MAX_REQUEST_BYTES = 64 * 1024;
  /** The same as Vert.x's default {@code maxWebSocketFrameSize}. */
  static final int MAX_FRAME_BYTES = 64 * 1024;

  private final Channel serverChannel;

  private LeanRelay(Channel serverChannel) {
    this.serverChannel = serverChannel;
  }

  /**
   * Listens on {@code port} with Vert.x's acceptor and event-loop groups and transport (NIO, or
   * the native one when Vert.x uses it), and the same socket options as the baseline relay's
   * HttpServer. The sockets are closed with {@code vertx}; {@link #close()} stops accepting.
   */
  public static Future<LeanRelay> start(Vertx vertx, int port) {
    VertxInternal internal = (VertxInternal) vertx;
    Transport transport = internal.transport();
    RelayDirectory directory = new RelayDirectory();
    RelayRest rest = new RelayRest(directory);
    WebSocketServerProtocolConfig webSocket = WebSocketServerProtocolConfig.newBuilder()
        .websocketPath(Endpoint.SOCKET_PATH)
        .checkStartsWith(true)
        .decoderConfig(WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(MAX_FRAME_BYTES).build())
        .build();
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(internal.acceptorEventLoopGroup(), internal.nettyEventLoopGroup())
        .channelFactory(transport.serverChannelFactory(false))
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel channel) {
            channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                new WebSocketServerProtocolHandler(webSocket), new LeanConnection(directory, rest));
          }
        });
    transport.configure(new HttpServerOptions().setTcpNoDelay(true), false, bootstrap);
    Promise<LeanRelay> started = Promise.promise();
    bootstrap.bind(port).addListener((ChannelFutureListener) bound -> {
      if (bound.isSuccess()) {
        started.complete(new LeanRelay(bound.channel()));
      } else {
        started.fail(bound.cause());
      }
    });
    return started.future();
  }

  /** Stops accepting connections (those open stay until Vert.x closes). */
  public Future<Void> close() {
    Promise<Void> closed = Promise.promise();
    serverChannel.close().addListener(f -> {
      if (f.isSuccess()) {
        closed.complete();
      } else {
        closed.fail(f.cause());
      }
    });
    return closed.future();
  }

  /** The {@code lean-relay} subcommand: runs until the process is stopped. */
  public static void startStandalone(int port) throws Exception {
    BaselineRelay.runUntilStopped(vertx -> start(vertx, port));
    LOG.info("lean relay listening on port {} (pid {})", port, ProcessHandle.current().pid());
  }

  /** One channel: its REST requests, then, once upgraded, its WebSocket frames. */
  private static final class LeanConnection extends ChannelInboundHandlerAdapter {
    private final RelayDirectory directory;
    private final RelayRest rest;
    private LeanSocket socket;

    LeanConnection(RelayDirectory directory, RelayRest rest) {
      this.directory = directory;
      this.rest = rest;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof FullHttpRequest request) {
          answer(ctx, request);
        } else if (msg instanceof WebSocketFrame frame && socket != null) {
          onFrame(ctx, frame);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void answer(ChannelHandlerContext ctx, FullHttpRequest request) {
      ByteBuf content = request.content();
      QueryStringDecoder uri = new QueryStringDecoder(request.uri());
      RelayRest.Answer answer = rest.answer(request.method().name(), uri.path(), request.headers().get(HttpHeaderNames.AUTHORIZATION),
          content.isReadable() ? BufferInternal.buffer(content) : null);
      FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.valueOf(answer.status()),
          Unpooled.wrappedBuffer(((BufferInternal) answer.body()).getByteBuf()));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
      HttpUtil.setContentLength(response, answer.body().length());
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(response, keepAlive);
      if (keepAlive) {
        ctx.writeAndFlush(response, ctx.voidPromise());
      } else {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }

    private void onFrame(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (!frame.isFinalFragment() || !(frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame)) {
        close(ctx.channel(), (short) WebSocketCloseStatus.INVALID_MESSAGE_TYPE.code(), "fragmented messages are not supported");
        return;
      }
      // Parsed before the frame is released: the buffer only wraps its bytes.
      socket.onFrame(BufferInternal.buffer(frame.content()));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (!(event instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake)) {
        super.userEventTriggered(ctx, event);
        return;
      }
      QueryStringDecoder uri = new QueryStringDecoder(handshake.requestUri());
      if (!uri.path().equals(Endpoint.SOCKET_PATH)) {
        close(ctx.channel(), RelaySocket.CLOSE_NOT_FOUND, "not_found: no such endpoint");
        return;
      }
      List<String> tokens = uri.parameters().getOrDefault("access_token", List.of());
      String userId = tokens.isEmpty() ? null : directory.userIdOf(tokens.get(0));
      if (userId == null) {
        close(ctx.channel(), RelaySocket.CLOSE_UNAUTHORIZED, "unauthorized: invalid token");
        return;
      }
      socket = new LeanSocket(ctx.channel(), userId, directory);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (socket != null) {
        socket.onClosed();
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("connection error: {}", cause.toString());
      ctx.close();
    }
  }

  /** A close frame, then the TCP connection closed once it is written. */
  private static void close(Channel channel, short code, String reason) {
    channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
  }

  /** A socket of the lean relay: its channel is its connection, the channel's event loop its loop. */
  private static final class LeanSocket extends RelaySocket {
    private final Channel channel;

    LeanSocket(Channel channel, String userId, RelayDirectory directory) {
      super(userId, directory);
      this.channel = channel;
    }

    @Override
    Object loop() {
      return channel.eventLoop();
    }

    @Override
    void runOnLoop(Runnable task) {
      channel.eventLoop().execute(task);
    }

    @Override
    boolean writeQueueFull() {
      return !channel.isWritable();
    }

    /** A failed write reaches {@link LeanConnection#exceptionCaught}, which closes the channel. */
    @Override
    void writeBinary(Buffer frame) {
      channel.writeAndFlush(new BinaryWebSocketFrame(((BufferInternal) frame).getByteBuf()), channel.voidPromise());
    }

    @Override
    void close(short code, String reason) {
      LeanRelay.close(channel, code, reason);
    }
  }
}

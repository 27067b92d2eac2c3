package io.chatplatform.gateway.web;

import io.chatplatform.gateway.GatewayMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long a public server's connection may take to send a request, and how many one address may
 * hold (docs/security.md, "Connections and HTTP parsing"). Vert.x has a connection idle timeout
 * but no request read timeout: a client sending a header byte now and then is never idle. Its idle
 * timeout ({@code HttpServerOptions.setIdleTimeout}) is not used for keep-alive either: it would
 * stay on a connection after a WebSocket upgrade and cut a socket the client pings less often
 * than that, before the socket's own {@code SOCKET_IDLE_TIMEOUT_MS} could say why (4408).
 *
 * <ul>
 *   <li>A new connection's first request head must be complete within
 *       {@code HTTP_REQUEST_READ_TIMEOUT_MS}; a request's body within the same time once its head
 *       has come. A kept-alive connection's next head must be complete within
 *       {@code HTTP_IDLE_TIMEOUT_MS} of the last response's end. Past a deadline the connection is
 *       closed without an answer.
 *   <li>While a response is in progress nothing is timed: SockJS's streaming transports and long
 *       polls are answers being written, not slow requests. A connection upgraded to a WebSocket is
 *       never timed here; the socket's own {@code SOCKET_IDLE_TIMEOUT_MS} applies.
 *   <li>An address other than a trusted proxy holds at most {@code MAX_CONNECTIONS_PER_ADDRESS}
 *       connections at once, counted over every public server of this Vert.x instance (every event
 *       loop); the one over is closed as soon as it is accepted.
 *   <li>Each connection's requests are read by {@link StrictRequestDecoder}, and its WebSocket
 *       text frames, once upgraded, checked as UTF-8.
 * </ul>
 *
 * <p>This reaches under Vert.x's API in two places, both pinned by EdgeHardeningAttackTest: the
 * Netty channel behind an {@link HttpServerConnection} (its close, its event loop, its decoder), and
 * Vert.x's decoder class.
 */
public final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  private static final AttributeKey<Deadline> DEADLINE = AttributeKey.valueOf("chat-gateway-request-deadline");

  private final HttpEdgeConfig config;
  /** Open connections per address, one count for every gateway server of a Vert.x instance. */
  private final OpenCounts counts;
  private final Counter overCap;
  private final Counter readTimeouts;
  private final Counter idleTimeouts;

  public ConnectionGuard(Vertx vertx, HttpEdgeConfig config, MeterRegistry registry) {
    this.config = config;
    this.counts = OpenCounts.shared(vertx, "connections-per-address");
    this.overCap = closed(registry, "per_address_cap");
    this.readTimeouts = closed(registry, "request_read_timeout");
    this.idleTimeouts = closed(registry, "idle_timeout");
  }

  private static Counter closed(MeterRegistry registry, String reason) {
    return Counter.builder(GatewayMetrics.CONNECTIONS_CLOSED).tag("reason", reason)
        .description("connections the gateway closed: over the per-address cap, or too slow to send a request")
        .register(registry);
  }

  /** Guards every connection {@code server} (created with {@code options}) accepts. */
  public void guard(HttpServer server, HttpServerOptions options) {
    server.connectionHandler(conn -> accepted(conn, options));
    server.exceptionHandler(ConnectionGuard::connectionFailed);
  }

  /** A connection's failure, before or without a WebSocket (whose failures its session sees). */
  private static void connectionFailed(Throwable e) {
    if (ClientDrops.isClientDrop(e)) {
      LOG.debug("connection failed: {}", e.toString());
    } else {
      LOG.warn("connection failed: {}", e.toString());
    }
  }

  /** Mounts the request timing first on {@code router}, the request handler of guarded servers. */
  public void mount(Router router) {
    router.route().order(-2).handler(this::requestHead);
  }

  private void accepted(HttpConnection conn, HttpServerOptions options) {
    if (!(conn instanceof HttpServerConnection http)) {
      return;
    }
    Channel channel = http.channelHandlerContext().channel();
    SocketAddress remote = conn.remoteAddress();
    String address = remote == null ? null : remote.hostAddress();
    if (address != null && !config.trustedProxies().contains(address)) {
      if (!counts.tryOpen(address, config.maxConnectionsPerAddress())) {
        overCap.increment();
        LOG.debug("connection refused: its address holds MAX_CONNECTIONS_PER_ADDRESS={} already", config.maxConnectionsPerAddress());
        channel.close();
        return;
      }
      channel.closeFuture().addListener(closed -> counts.closed(address));
    }
    if (channel.pipeline().get("httpDecoder") != null) {
      channel.pipeline().replace("httpDecoder", "httpDecoder", new StrictRequestDecoder(options));
    }
    // For the WebSocket this connection may become: Vert.x's handshake leaves text frames
    // unchecked and decodes invalid UTF-8 as U+FFFD. Netty's validator closes the socket with 1007
    // (RFC 6455 8.1) instead; it sits behind the permessage-deflate inflater, and lets HTTP pass.
    channel.pipeline().addBefore("handler", "utf8FrameValidator", new Utf8FrameValidator(true));
    Deadline deadline = new Deadline(channel);
    channel.attr(DEADLINE).set(deadline);
    channel.closeFuture().addListener(closed -> deadline.cancel());
    deadline.expect(config.requestReadTimeoutMs(), readTimeouts, "the first request head");
  }

  private void requestHead(RoutingContext ctx) {
    Deadline deadline = deadlineOf(ctx.request().connection());
    if (deadline != null) {
      long request = deadline.headArrived();
      HttpServerRequest req = ctx.request();
      if (!req.isEnded()) {
        deadline.expect(config.requestReadTimeoutMs(), readTimeouts, "a request body");
        req.end().onComplete(x -> deadline.bodyRead(request));
      } else {
        deadline.bodyRead(request);
      }
      // After the response, or when the connection closed under it.
      ctx.addEndHandler(x -> deadline.responseEnded(request));
    }
    ctx.next();
  }

  /**
   * Gives a request's body {@code ms} to arrive instead of {@code HTTP_REQUEST_READ_TIMEOUT_MS}: an
   * upload, once authenticated, is larger than a REST body. Call on the connection's event loop.
   */
  public static void allowSlowBody(HttpServerRequest request, long ms) {
    Deadline deadline = deadlineOf(request.connection());
    if (deadline != null && !request.isEnded()) {
      deadline.expectBody(ms);
    }
  }

  /**
   * The connection was upgraded to a WebSocket outside Vert.x's own handshake (the gateway's
   * {@code LeanWebSocket}): its upgrade request never ends in Vert.x's eyes, so its body deadline
   * is called off here; the socket's own {@code SOCKET_IDLE_TIMEOUT_MS} applies from now on.
   */
  public static void upgraded(Channel channel) {
    Deadline deadline = channel.attr(DEADLINE).getAndSet(null);
    if (deadline != null) {
      deadline.cancel();
    }
  }

  /**
   * Whether a WebSocket may take the connection over right now, in the decoder's own call: the
   * request being handled was read just now and the connection's bytes after it are still in the
   * guarded decoder ({@link StrictRequestDecoder#handingOnRequest}).
   */
  public static boolean takeoverReady(io.netty.channel.ChannelPipeline pipeline) {
    return StrictRequestDecoder.handingOnRequest(pipeline);
  }

  private static Deadline deadlineOf(HttpConnection conn) {
    return conn instanceof HttpServerConnection http ? http.channelHandlerContext().channel().attr(DEADLINE).get() : null;
  }

  /** One connection's current deadline; used on its event loop only. */
  private final class Deadline {
    private final Channel channel;
    private ScheduledFuture<?> timer;
    /** Request heads seen on this connection; the last one is the request in progress. */
    private long requests;
    private boolean bodyRead;
    private boolean responseEnded;

    Deadline(Channel channel) {
      this.channel = channel;
    }

    void expect(long ms, Counter expired, String what) {
      cancel();
      timer = channel.eventLoop().schedule(() -> {
        if (channel.isActive()) {
          expired.increment();
          LOG.debug("connection closed: {} did not arrive within {} ms", what, ms);
          channel.close();
        }
      }, ms, TimeUnit.MILLISECONDS);
    }

    void expectBody(long ms) {
      expect(ms, readTimeouts, "an upload's body");
    }

    long headArrived() {
      cancel();
      bodyRead = false;
      responseEnded = false;
      return ++requests;
    }

    void bodyRead(long request) {
      if (request == requests) {
        bodyRead = true;
        cancel();
        awaitNextRequest();
      }
    }

    void responseEnded(long request) {
      // A pipelined request may have begun before the response's end handlers ran.
      if (request == requests) {
        responseEnded = true;
        awaitNextRequest();
      }
    }

    private void awaitNextRequest() {
      // An upgraded connection (WebSocket) has no HTTP decoder any more.
      if (bodyRead && responseEnded && channel.isActive() && channel.pipeline().get("httpDecoder") != null) {
        expect(config.idleTimeoutMs(), idleTimeouts, "the next request head");
      }
    }

    void cancel() {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }
  }
}

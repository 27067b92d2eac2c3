package io.chatplatform.gateway;

import io.chatplatform.gateway.auth.DisabledAccounts;
import io.chatplatform.gateway.auth.Tokens;
import io.chatplatform.gateway.overload.LoadShedding;
import io.chatplatform.gateway.rest.RestApi;
import io.chatplatform.gateway.socket.LocalFanout;
import io.chatplatform.gateway.socket.NodeSockets;
import io.chatplatform.gateway.socket.SocketEndpoints;
import io.chatplatform.gateway.validation.RequestSchemas;
import io.chatplatform.gateway.web.ApiOrigins;
import io.chatplatform.gateway.web.ConnectionGuard;
import io.chatplatform.gateway.web.MalformedRequests;
import io.chatplatform.gateway.web.OriginPolicy;
import io.chatplatform.gateway.web.RequestIds;
import io.chatplatform.gateway.web.SecurityHeaders;
import io.chatplatform.gateway.web.ServerOptions;
import io.chatplatform.gateway.web.StaticPages;
import io.chatplatform.runtime.Operations;
import io.chatplatform.runtime.ServiceClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of the gateway node's {@code GATEWAY_EVENT_LOOPS} instances of the public server (page, REST
 * and the socket), on an event loop of its own. Vert.x shares the public port among the instances
 * and hands each accepted connection to one of their loops in turn; a connection stays on its loop.
 *
 * <p>Each instance has what is touched per connection or per event to itself, so that the loops
 * never wait for one another: its sockets and their timers, its fan-out index (a room with members
 * on two loops is subscribed once by each, and each loop writes to its own members), its copy of
 * the disabled accounts (every loop hears the change, which is published, and closes its own
 * sockets of the user) and its token verifier. What is per user or per node is shared, through
 * {@link GatewayVerticle}: the rate limiter, the sockets per user and SockJS's session bindings
 * ({@link NodeSockets}), the meters.
 */
final class GatewayLoop extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayLoop.class);
  private final GatewayConfig config;
  private final Operations operations;
  private final GatewayVerticle node;
  private final NodeSockets nodeSockets;
  private final GatewayMetrics metrics;
  /** The port every instance listens on: the setting, or the node's shared random one ({@link GatewayVerticle}). */
  private final int listenPort;
  private HttpServer server;
  private LocalFanout fanout;
  private SocketEndpoints sockets;
  private Tokens tokens;
  private RestApi rest;
  private LoadShedding shedding;
  /** The event loop's thread, for the node's figures. */
  private volatile String thread;

  GatewayLoop(GatewayConfig config, Operations operations, GatewayVerticle node, NodeSockets nodeSockets, GatewayMetrics metrics,
      int listenPort) {
    this.config = config;
    this.operations = operations;
    this.node = node;
    this.nodeSockets = nodeSockets;
    this.metrics = metrics;
    this.listenPort = listenPort;
  }

  @Override
  public Future<?> start() {
    thread = Thread.currentThread().getName();
    tokens = new Tokens(vertx, config);
    ServiceClient services = new ServiceClient(vertx.eventBus(), config.serviceTimeoutMs(), operations.registry());
    DisabledAccounts disabledAccounts = new DisabledAccounts(vertx, services);
    OriginPolicy origins = new OriginPolicy(config.allowedOrigins(), config.tls());
    Guards guards = new Guards(node.limiter(), new RequestSchemas(), disabledAccounts, origins);
    fanout = new LocalFanout(vertx.eventBus(), metrics);
    shedding = new LoadShedding(config.overload(), operations.registry());
    sockets = new SocketEndpoints(vertx, config, tokens, services, fanout, guards, metrics, nodeSockets, shedding);

    ConnectionGuard guard = new ConnectionGuard(vertx, config.edge(), operations.registry());
    Router router = Router.router(vertx);
    guard.mount(router);
    router.route().handler(new RequestIds());
    router.route().handler(new SecurityHeaders(config.tls(), config.hstsMaxAgeSeconds()));
    MalformedRequests.mount(router);
    ApiOrigins.mount(router, "/api/v1/*", origins, config.corsMaxAgeSeconds());
    // After the origin check and CORS, so that a browser can read the refusal.
    router.route("/api/v1/*").handler(ctx -> {
      if (shedding.refuses(LoadShedding.REST)) {
        shedding.refuse(ctx);
      } else {
        ctx.next();
      }
    });
    rest = new RestApi(vertx, config, tokens, services, guards, metrics);
    router.route("/api/v1/*").subRouter(rest.router());
    sockets.mount(router, "/eventbus");
    StaticPages.mount(router);

    HttpServerOptions options = ServerOptions.publicServer(config).setPort(listenPort);
    return fanout
        .start()
        .compose(x -> tokens.start())
        .compose(x -> disabledAccounts.start(sockets::closeSessionsOf))
        .compose(x -> GatewayVerticle.listen(vertx, guard, options, router))
        .onSuccess(s -> {
          server = s;
          // On this instance's own event loop, whose lag it measures; from when it serves, so that
          // a slow start of the instance is not taken for a loop running behind.
          shedding.start(vertx);
        });
  }

  /**
   * Drains this loop's sockets (see {@link GatewayVerticle#stop}); the node is made unready first,
   * by whichever loop stops first, before any socket is told to go. The server closes only once
   * every loop of the node has drained: a SockJS session draining on another loop may have its
   * next poll on a connection of this one.
   */
  @Override
  public Future<?> stop() {
    node.drainStarted();
    Future<Void> drained;
    try {
      drained = sockets == null ? Future.succeededFuture() : sockets.drain();
    } catch (RuntimeException e) {
      // Whatever went wrong here, this loop still says it drained: the node's other loops wait for it.
      LOG.warn("the drain of this event loop failed: {}", e.toString());
      drained = Future.failedFuture(e);
    }
    return drained
        .eventually(() -> node.loopDrained(context))
        .eventually(() -> server == null ? Future.succeededFuture() : server.close())
        .eventually(() -> rest == null ? Future.succeededFuture() : rest.close())
        .eventually(() -> {
          if (shedding != null) {
            shedding.stop();
          }
          if (tokens != null) {
            tokens.close();
          }
          return Future.succeededFuture();
        });
  }

  /** The port this instance's server is bound to: the node's public port. */
  int port() {
    return server.actualPort();
  }

  String thread() {
    return thread;
  }

  /** Sockets open on this loop: read from another thread, a figure that may be a moment old. */
  int openSessions() {
    return sockets.openSessions();
  }

  /** Rooms this loop is subscribed to (read from another thread, as {@link #openSessions}). */
  int roomSubscriptions() {
    return fanout.localRoomSubscriptions();
  }
}

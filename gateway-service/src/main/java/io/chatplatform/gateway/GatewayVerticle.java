package io.chatplatform.gateway;

import io.chatplatform.gateway.ratelimit.RateLimiter;
import io.chatplatform.gateway.ratelimit.RateLimiters;
import io.chatplatform.gateway.socket.NodeSockets;
import io.chatplatform.gateway.web.ConnectionGuard;
import io.chatplatform.gateway.web.HttpsRedirect;
import io.chatplatform.gateway.web.ServerOptions;
import io.chatplatform.runtime.Operations;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gateway-service: the only edge. One public HTTP server carries the web client, REST {@code /api/v1}
 * and the socket at {@code /eventbus}; the operations endpoints ({@code /health/*},
 * {@code /metrics}) have a server of their own on {@code OPS_HTTP_PORT}, which stays on the
 * private network. It holds no business state beyond its sockets.
 *
 * <p>This verticle is the gateway node: it serves the operations endpoints and the redirect server
 * once, owns what the node's event loops share (the rate limiter, {@link NodeSockets}, the
 * meters), and deploys {@code GATEWAY_EVENT_LOOPS} instances of the public server
 * ({@link GatewayLoop}) as its children, which Vert.x puts on event loops of their own and among
 * which it spreads the connections to the one shared port. Its accessors answer for the whole node.
 *
 * <p>With {@code TLS_CERT_FILE} and {@code TLS_KEY_FILE} that server speaks HTTPS (and WSS) only;
 * {@code HTTP_REDIRECT_PORT} then adds a plain-HTTP server that does nothing but send browsers to
 * https ({@link HttpsRedirect}). Without it no plain HTTP is served at all.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  /**
   * Names the shared random port of each node started with {@code HTTP_PORT=0} and more than one
   * loop: Vert.x shares a port among servers only when it is given (port 0 would give each instance
   * a port of its own), and a negative port is "a random port shared by every server given this
   * same negative value" in the Vert.x instance. One value per node, so that two gateway nodes in
   * one Vert.x (tests) do not share.
   */
  private static final AtomicInteger SHARED_RANDOM_PORTS = new AtomicInteger();
  private final GatewayConfig config;
  private final Operations operations;
  /** The instances of the public server, in the order they were created. */
  private final List<GatewayLoop> loops = new CopyOnWriteArrayList<>();
  private NodeSockets sockets;
  private RateLimiter limiter;
  private HttpServer redirectServer;
  private HttpServer operationsServer;
  /** Set when the node begins to stop: readiness is DOWN from then on. */
  private final AtomicBoolean draining = new AtomicBoolean();
  /** No loop closes its public server before every loop has drained ({@code DRAIN_TIMEOUT_MS} at most). */
  private final DrainBarrier drainBarrier;

  /** The name of the gateway's readiness check: DOWN once it drains. */
  public static final String READINESS_CHECK = "gateway";

  public GatewayVerticle(GatewayConfig config, Operations operations) {
    this.config = config;
    this.operations = operations;
    this.drainBarrier = new DrainBarrier(config.eventLoops(), config.longestLoopDrainMs());
  }

  @Override
  public Future<?> start() {
    LOG.info("gateway-service starting with {} event loops", config.eventLoops());
    operations.addReadinessCheck(READINESS_CHECK, () -> draining.get()
        ? Future.failedFuture("draining")
        : Future.succeededFuture());
    config.edge().neededServices().check(operations, vertx.eventBus());
    return RateLimiters.open(vertx, config.rateLimits(), operations.registry())
        .compose(opened -> {
          limiter = opened;
          return serveOperations();
        })
        .compose(x -> deployLoops())
        .compose(x -> config.httpRedirectPort() == null ? Future.succeededFuture() : serveRedirect())
        .onSuccess(x -> LOG.info("gateway serving {} on port {} with {} event loops{}, operations on {}:{}",
            config.tls() ? "https" : "http", port(), loops.size(),
            redirectServer == null ? "" : ", redirecting http on port " + redirectServer.actualPort(),
            config.edge().opsHost(), operationsServer.actualPort()));
  }

  /** {@code GATEWAY_EVENT_LOOPS} instances of the public server, all on one port, each on its own event loop. */
  private Future<String> deployLoops() {
    sockets = new NodeSockets(config);
    // One set of meters for the node: the instances count into the same gauges and counters.
    GatewayMetrics metrics = new GatewayMetrics(operations.registry());
    int port = config.httpPort() == 0 && config.eventLoops() > 1
        ? -(1 + SHARED_RANDOM_PORTS.getAndIncrement() % 65_535)
        : config.httpPort();
    return vertx.deployVerticle(() -> {
      GatewayLoop loop = new GatewayLoop(config, operations, this, sockets, metrics, port);
      loops.add(loop);
      return loop;
    }, new DeploymentOptions().setInstances(config.eventLoops()));
  }

  /** The limiter every loop takes from: one per node, so a user's budget does not grow with the loops. */
  RateLimiter limiter() {
    return limiter;
  }

  /** A public server: every connection it accepts is guarded. */
  static Future<HttpServer> listen(Vertx vertx, ConnectionGuard guard, HttpServerOptions options, Handler<HttpServerRequest> requests) {
    HttpServer created = vertx.createHttpServer(options);
    guard.guard(created, options);
    return created.requestHandler(requests).listen();
  }

  private Future<HttpServer> serveRedirect() {
    ConnectionGuard guard = new ConnectionGuard(vertx, config.edge(), operations.registry());
    HttpsRedirect toHttps = new HttpsRedirect(port());
    Router redirect = Router.router(vertx);
    guard.mount(redirect);
    redirect.route().handler(ctx -> toHttps.handle(ctx.request()));
    return listen(vertx, guard, ServerOptions.redirectServer(config), redirect).onSuccess(s -> redirectServer = s);
  }

  /** Health and metrics on {@code OPS_HTTP_HOST}:{@code OPS_HTTP_PORT}, and nowhere else. */
  private Future<HttpServer> serveOperations() {
    Router router = Router.router(vertx);
    operations.mount(vertx, router);
    return vertx.createHttpServer(ServerOptions.operationsServer(config)).requestHandler(router).listen()
        .onSuccess(s -> operationsServer = s);
  }

  /**
   * Readiness DOWN at once, before the first socket is told to go: called by each loop as it
   * begins to drain (Vert.x stops the loops, this verticle's children, before this verticle).
   */
  void drainStarted() {
    if (draining.compareAndSet(false, true)) {
      operations.drain(READINESS_CHECK);
    }
    drainBarrier.begin();
  }

  /**
   * Called by each loop once its sockets have drained: completes on {@code loop} when every loop
   * of the node has, or {@code DRAIN_TIMEOUT_MS} after the drain began ({@link DrainBarrier}).
   */
  Future<Void> loopDrained(Context loop) {
    return Future.fromCompletionStage(drainBarrier.drained(), loop);
  }

  /**
   * Drains the node: readiness goes DOWN (a load balancer stops sending), new sockets are
   * refused, every socket is told to reconnect elsewhere and closed (1012) once its requests in
   * flight are answered or {@code DRAIN_TIMEOUT_MS} passed; then the servers close. REST requests
   * keep being answered until then. The loops drain side by side, as Vert.x undeploys them before
   * this verticle's stop runs, and close their public servers together once all have drained
   * ({@link DrainBarrier}); then the redirect and operations servers close, and the limiter.
   */
  @Override
  public Future<?> stop() {
    drainStarted();
    return Future.<Void>succeededFuture()
        .eventually(() -> redirectServer == null ? Future.succeededFuture() : redirectServer.close())
        .eventually(() -> operationsServer == null ? Future.succeededFuture() : operationsServer.close())
        .eventually(() -> limiter == null ? Future.succeededFuture() : limiter.close())
        .onComplete(x -> LOG.info("gateway-service stopped"));
  }

  /** The port actually bound (differs from the setting when it is 0). */
  public int port() {
    return loops.get(0).port();
  }

  /** The port of the operations server (differs from {@code OPS_HTTP_PORT} when it is 0). */
  public int opsPort() {
    return operationsServer.actualPort();
  }

  /** The port of the plain-HTTP redirect server, or -1 when there is none. */
  public int redirectPort() {
    return redirectServer == null ? -1 : redirectServer.actualPort();
  }

  /** Sockets open on this node, over its event loops. */
  public int openSessions() {
    return openSessionsPerLoop().stream().mapToInt(Integer::intValue).sum();
  }

  /** Sessions of SockJS's HTTP transports bound to the credential and address that opened them. */
  public int sockJsSessionBindings() {
    return sockets.sockJsSessionBindings();
  }

  /** Room subscriptions of this node: one per room and event loop with local members, however many members. */
  public int roomSubscriptions() {
    return roomSubscriptionsPerLoop().stream().mapToInt(Integer::intValue).sum();
  }

  /** Sockets open on each event loop, in the loops' order. */
  public List<Integer> openSessionsPerLoop() {
    return loops.stream().map(GatewayLoop::openSessions).toList();
  }

  /** Room subscriptions of each event loop, in the loops' order. */
  public List<Integer> roomSubscriptionsPerLoop() {
    return loops.stream().map(GatewayLoop::roomSubscriptions).toList();
  }

  /** The thread of each event loop serving the public port, in the loops' order. */
  public List<String> loopThreads() {
    return loops.stream().map(GatewayLoop::thread).toList();
  }

  /** The port each loop's server is bound to, in the loops' order: the same one. */
  public List<Integer> loopPorts() {
    return loops.stream().map(GatewayLoop::port).toList();
  }
}

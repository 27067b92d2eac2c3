package io.chatplatform.gateway;

import io.chatplatform.runtime.ServiceClient;

import io.chatplatform.gateway.auth.DisabledAccounts;
import io.chatplatform.gateway.auth.Tokens;
import io.chatplatform.gateway.ratelimit.RateLimiter;
import io.chatplatform.gateway.ratelimit.RateLimiters;
import io.chatplatform.gateway.rest.RestApi;
import io.chatplatform.gateway.socket.LocalFanout;
import io.chatplatform.gateway.socket.SocketEndpoints;
import io.chatplatform.gateway.validation.RequestSchemas;
import io.chatplatform.gateway.web.ApiOrigins;
import io.chatplatform.gateway.web.ConnectionGuard;
import io.chatplatform.gateway.web.HttpsRedirect;
import io.chatplatform.gateway.web.MalformedRequests;
import io.chatplatform.gateway.web.OriginPolicy;
import io.chatplatform.gateway.web.RequestIds;
import io.chatplatform.gateway.web.SecurityHeaders;
import io.chatplatform.gateway.web.ServerOptions;
import io.chatplatform.gateway.web.StaticPages;
import io.chatplatform.runtime.Operations;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gateway-service: the only edge. One HTTP server carries the web client, REST {@code /api/v1}
 * and the socket at {@code /eventbus}; the operations endpoints ({@code /health/*},
 * {@code /metrics}) have a server of their own on {@code OPS_HTTP_PORT}, which stays on the
 * private network. It holds no business state beyond its sockets.
 *
 * <p>With {@code TLS_CERT_FILE} and {@code TLS_KEY_FILE} that server speaks HTTPS (and WSS) only;
 * {@code HTTP_REDIRECT_PORT} then adds a plain-HTTP server that does nothing but send browsers to
 * https ({@link HttpsRedirect}). Without it no plain HTTP is served at all.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  private final GatewayConfig config;
  private final Operations operations;
  private HttpServer server;
  private HttpServer redirectServer;
  private HttpServer operationsServer;
  private LocalFanout fanout;
  private SocketEndpoints sockets;
  private RateLimiter limiter;
  private Tokens tokens;
  private RestApi rest;
  /** Set when the verticle stops: readiness is DOWN from then on. */
  private volatile boolean draining;

  /** The name of the gateway's readiness check: DOWN once it drains. */
  public static final String READINESS_CHECK = "gateway";

  public GatewayVerticle(GatewayConfig config, Operations operations) {
    this.config = config;
    this.operations = operations;
  }

  @Override
  public Future<?> start() {
    LOG.info("gateway-service starting on {}", Thread.currentThread().getName());
    operations.addReadinessCheck(READINESS_CHECK, () -> draining
        ? Future.failedFuture("draining")
        : Future.succeededFuture());
    config.edge().neededServices().check(operations, vertx.eventBus());
    return openRateLimiter().compose(opened -> {
      limiter = opened;
      return serve();
    });
  }

  private Future<RateLimiter> openRateLimiter() {
    return RateLimiters.open(vertx, config.rateLimits(), operations.registry());
  }

  private Future<?> serve() {
    tokens = new Tokens(vertx, config);
    ServiceClient services = new ServiceClient(vertx.eventBus(), config.serviceTimeoutMs(), operations.registry());
    DisabledAccounts disabledAccounts = new DisabledAccounts(vertx, services);
    OriginPolicy origins = new OriginPolicy(config.allowedOrigins(), config.tls());
    Guards guards = new Guards(limiter, new RequestSchemas(), disabledAccounts, origins);
    GatewayMetrics metrics = new GatewayMetrics(operations.registry());
    fanout = new LocalFanout(vertx.eventBus(), metrics);
    sockets = new SocketEndpoints(vertx, config, tokens, services, fanout, guards, metrics);

    ConnectionGuard guard = new ConnectionGuard(vertx, config.edge(), operations.registry());
    Router router = Router.router(vertx);
    guard.mount(router);
    router.route().handler(new RequestIds());
    router.route().handler(new SecurityHeaders(config.tls(), config.hstsMaxAgeSeconds()));
    MalformedRequests.mount(router);
    ApiOrigins.mount(router, "/api/v1/*", origins, config.corsMaxAgeSeconds());
    rest = new RestApi(vertx, config, tokens, services, guards, metrics);
    router.route("/api/v1/*").subRouter(rest.router());
    sockets.mount(router, "/eventbus");
    StaticPages.mount(router);

    return fanout
        .start()
        .compose(x -> tokens.start())
        .compose(x -> disabledAccounts.start(sockets::closeSessionsOf))
        .compose(x -> serveOperations())
        .compose(x -> listen(guard, ServerOptions.publicServer(config), router))
        .onSuccess(s -> server = s)
        .compose(s -> config.httpRedirectPort() == null ? Future.succeededFuture() : serveRedirect(guard))
        .onSuccess(x -> LOG.info("gateway serving {} on port {}{}, operations on {}:{}", config.tls() ? "https" : "http",
            server.actualPort(), redirectServer == null ? "" : ", redirecting http on port " + redirectServer.actualPort(),
            config.edge().opsHost(), operationsServer.actualPort()));
  }

  /** A public server: every connection it accepts is guarded. */
  private Future<HttpServer> listen(ConnectionGuard guard, HttpServerOptions options, Handler<HttpServerRequest> requests) {
    HttpServer created = vertx.createHttpServer(options);
    guard.guard(created, options);
    return created.requestHandler(requests).listen();
  }

  private Future<HttpServer> serveRedirect(ConnectionGuard guard) {
    HttpsRedirect toHttps = new HttpsRedirect(server.actualPort());
    Router redirect = Router.router(vertx);
    guard.mount(redirect);
    redirect.route().handler(ctx -> toHttps.handle(ctx.request()));
    return listen(guard, ServerOptions.redirectServer(config), redirect).onSuccess(s -> redirectServer = s);
  }

  /** Health and metrics on {@code OPS_HTTP_HOST}:{@code OPS_HTTP_PORT}, and nowhere else. */
  private Future<HttpServer> serveOperations() {
    Router router = Router.router(vertx);
    operations.mount(vertx, router);
    return vertx.createHttpServer(ServerOptions.operationsServer(config)).requestHandler(router).listen()
        .onSuccess(s -> operationsServer = s);
  }

  /**
   * Drains the node: readiness goes DOWN (a load balancer stops sending), new sockets are
   * refused, every socket is told to reconnect elsewhere and closed (1012) once its requests in
   * flight are answered or {@code DRAIN_TIMEOUT_MS} passed; then the servers close. REST requests
   * keep being answered until then.
   */
  @Override
  public Future<?> stop() {
    draining = true;
    // Unready at once, before the first socket is told to go: no check is waited for.
    operations.drain(READINESS_CHECK);
    Future<Void> drained = sockets == null ? Future.succeededFuture() : sockets.drain();
    return drained
        .eventually(() -> server == null ? Future.succeededFuture() : server.close())
        .eventually(() -> redirectServer == null ? Future.succeededFuture() : redirectServer.close())
        .eventually(() -> operationsServer == null ? Future.succeededFuture() : operationsServer.close())
        .eventually(() -> rest == null ? Future.succeededFuture() : rest.close())
        .eventually(() -> {
          if (tokens != null) {
            tokens.close();
          }
          return limiter == null ? Future.succeededFuture() : limiter.close();
        })
        .onComplete(x -> LOG.info("gateway-service stopped"));
  }

  /** The port actually bound (differs from the setting when it is 0). */
  public int port() {
    return server.actualPort();
  }

  /** The port of the operations server (differs from {@code OPS_HTTP_PORT} when it is 0). */
  public int opsPort() {
    return operationsServer.actualPort();
  }

  /** The port of the plain-HTTP redirect server, or -1 when there is none. */
  public int redirectPort() {
    return redirectServer == null ? -1 : redirectServer.actualPort();
  }

  /** Sockets open on this node. */
  public int openSessions() {
    return sockets.openSessions();
  }

  /** Sessions of SockJS's HTTP transports bound to the credential and address that opened them. */
  public int sockJsSessionBindings() {
    return sockets.sockJsSessionBindings();
  }

  /** Rooms this node is subscribed to, one subscription each however many local members. */
  public int roomSubscriptions() {
    return fanout.localRoomSubscriptions();
  }
}

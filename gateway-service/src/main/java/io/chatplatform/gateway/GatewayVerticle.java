package io.chatplatform.gateway;

import io.chatplatform.runtime.Operations;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * gateway-service: the only edge. One HTTP server carries the web client, REST {@code /api/v1},
 * the socket at {@code /eventbus}, and the operations endpoints. It holds no business state
 * beyond its sockets.
 *
 * <p>With {@code TLS_CERT_FILE} and {@code TLS_KEY_FILE} that server speaks HTTPS (and WSS) only;
 * {@code HTTP_REDIRECT_PORT} then adds a plain-HTTP server that does nothing but send browsers to
 * https. Without it no plain HTTP is served at all.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  private final GatewayConfig config;
  private final Operations operations;
  /** A host name or IP literal that may go into a redirect's Location. */
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\]");
  private HttpServer server;
  private HttpServer redirectServer;
  private LocalFanout fanout;
  private SocketBridge bridge;
  private RateLimiter limiter;
  private Tokens tokens;

  public GatewayVerticle(GatewayConfig config, Operations operations) {
    this.config = config;
    this.operations = operations;
  }

  @Override
  public Future<?> start() {
    LOG.info("gateway-service starting on {}", Thread.currentThread().getName());
    return openRateLimiter().compose(opened -> {
      limiter = opened;
      return serve();
    });
  }

  /** Per-user and per-address buckets in Redis when {@code REDIS_URL} is set (shared by the nodes), else here. */
  private Future<RateLimiter> openRateLimiter() {
    RateLimitConfig limits = config.rateLimits();
    if (limits.redisUrl() != null) {
      return RedisRateLimiter.create(vertx, limits.redisUrl(), limits.redisKeyPrefix(), limits.redisMaxPoolSize());
    }
    MemoryRateLimiter memory = new MemoryRateLimiter(limits.memoryMaxKeys(), System::currentTimeMillis);
    vertx.setPeriodic(60_000, id -> memory.evictFull());
    return Future.succeededFuture(memory);
  }

  private Future<?> serve() {
    tokens = new Tokens(vertx, config);
    ServiceClient services = new ServiceClient(vertx.eventBus(), config.serviceTimeoutMs());
    DisabledAccounts disabledAccounts = new DisabledAccounts(vertx, services);
    OriginPolicy origins = new OriginPolicy(config.allowedOrigins(), config.tls());
    Guards guards = new Guards(limiter, new RequestSchemas(), disabledAccounts, origins);
    fanout = new LocalFanout(vertx.eventBus());
    bridge = new SocketBridge(vertx, config, tokens, services, fanout, guards);

    Router router = Router.router(vertx);
    router.route().handler(new SecurityHeaders(config.tls(), config.hstsMaxAgeSeconds()));
    operations.mount(vertx, router);
    router.route("/api/v1/*").handler(ctx -> refuseForeignOrigin(ctx, origins));
    if (origins.hasList()) {
      router.route("/api/v1/*").handler(
          CorsHandler.create()
              .addOrigins(origins.list())
              .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE))
              .allowedHeaders(Set.of(HttpHeaders.AUTHORIZATION.toString(), HttpHeaders.CONTENT_TYPE.toString()))
              // Bearer tokens, never cookies: browsers need not send credentials.
              .allowCredentials(false)
              .maxAgeSeconds(config.corsMaxAgeSeconds()));
    }
    router.route("/api/v1/*").subRouter(new RestApi(vertx, config, tokens, services, guards).router());
    bridge.mount(router, "/eventbus");
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    router.route("/*").handler(StaticHandler.create("webroot").setIndexPage("index.html"));

    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.httpHost())
            .setPort(config.httpPort())
            .setCompressionSupported(true)
            .setPerMessageWebSocketCompressionSupported(config.webSocketCompression())
            .setPerFrameWebSocketCompressionSupported(config.webSocketCompression())
            // Twice the limit: a frame a little over it reaches SocketBridge, which closes with a
            // clear reason; the decoder cuts off anything larger without buffering it.
            .setMaxWebSocketFrameSize(2 * config.maxFrameBytes())
            .setMaxWebSocketMessageSize(2 * config.maxFrameBytes());
    if (config.tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(config.tlsCertFile()).setKeyPath(config.tlsKeyFile()));
    }
    return fanout
        .start()
        .compose(x -> tokens.start())
        .compose(x -> disabledAccounts.start(bridge::closeSessionsOf))
        .compose(x -> vertx.createHttpServer(options).requestHandler(router).listen())
        .onSuccess(s -> server = s)
        .compose(s -> config.httpRedirectPort() == null ? Future.succeededFuture() : serveRedirect())
        .onSuccess(x -> LOG.info("gateway serving {} on port {}{}", config.tls() ? "https" : "http", server.actualPort(),
            redirectServer == null ? "" : ", redirecting http on port " + redirectServer.actualPort()));
  }

  /** 403 for a browser page of another origin; the answer carries no CORS header, so it reads nothing. */
  private static void refuseForeignOrigin(RoutingContext ctx, OriginPolicy origins) {
    if (origins.allows(ctx.request())) {
      ctx.next();
      return;
    }
    ctx.response().setStatusCode(403);
    ctx.json(new JsonObject().put("error", new JsonObject().put("code", "forbidden").put("message", "origin not allowed")));
  }

  private Future<HttpServer> serveRedirect() {
    HttpServerOptions options = new HttpServerOptions().setHost(config.httpHost()).setPort(config.httpRedirectPort());
    return vertx.createHttpServer(options).requestHandler(this::redirect).listen().onSuccess(s -> redirectServer = s);
  }

  /**
   * Plain HTTP: a page request is sent to the same path on https. Anything else (a POST, a
   * WebSocket handshake) is refused rather than redirected: its credentials already crossed the
   * network in clear, and the client should be fixed to use https.
   */
  private void redirect(HttpServerRequest request) {
    HostAndPort authority = request.authority();
    boolean read = request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD;
    String path = request.path();
    if (!read || authority == null || !HOST.matcher(authority.host()).matches() || path == null || !path.startsWith("/")) {
      request.response().setStatusCode(read ? 400 : 403).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .end("plain HTTP is not served: use https");
      return;
    }
    int port = server.actualPort();
    String location = "https://" + authority.host() + (port == 443 ? "" : ":" + port) + path
        + (request.query() == null ? "" : "?" + request.query());
    request.response().setStatusCode(301).putHeader(HttpHeaders.LOCATION, location).end();
  }

  @Override
  public Future<?> stop() {
    if (tokens != null) {
      tokens.close();
    }
    return limiter == null ? Future.succeededFuture() : limiter.close();
  }

  /** The port actually bound (differs from the setting when it is 0). */
  public int port() {
    return server.actualPort();
  }

  /** The port of the plain-HTTP redirect server, or -1 when there is none. */
  public int redirectPort() {
    return redirectServer == null ? -1 : redirectServer.actualPort();
  }

  /** Sockets open on this node. */
  public int openSessions() {
    return bridge.openSessions();
  }

  /** Rooms this node is subscribed to, one subscription each however many local members. */
  public int roomSubscriptions() {
    return fanout.localRoomSubscriptions();
  }
}

package io.chatplatform.gateway;

import io.chatplatform.runtime.Operations;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * gateway-service: the only edge. One HTTP server carries the web client, REST {@code /api/v1},
 * the socket at {@code /eventbus}, and the operations endpoints. It holds no business state
 * beyond its sockets.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  private final GatewayConfig config;
  private final Operations operations;
  private HttpServer server;
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
      return RedisRateLimiter.create(vertx, limits.redisUrl(), limits.redisKeyPrefix(), 8);
    }
    MemoryRateLimiter memory = new MemoryRateLimiter(limits.memoryMaxKeys(), System::currentTimeMillis);
    vertx.setPeriodic(60_000, id -> memory.evictFull());
    return Future.succeededFuture(memory);
  }

  private Future<?> serve() {
    tokens = new Tokens(vertx, config);
    ServiceClient services = new ServiceClient(vertx.eventBus(), config.serviceTimeoutMs());
    DisabledAccounts disabledAccounts = new DisabledAccounts(vertx, services);
    Guards guards = new Guards(limiter, new RequestSchemas(), disabledAccounts);
    fanout = new LocalFanout(vertx.eventBus());
    bridge = new SocketBridge(vertx, config, tokens, services, fanout, guards);

    Router router = Router.router(vertx);
    operations.mount(vertx, router);
    router.route("/api/v1/*").subRouter(new RestApi(vertx, config, tokens, services, guards).router());
    bridge.mount(router, "/eventbus");
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    router.route("/*").handler(StaticHandler.create("webroot").setIndexPage("index.html"));

    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.httpHost())
            .setPort(config.httpPort())
            .setCompressionSupported(true)
            // Twice the limit: a frame a little over it reaches SocketBridge, which closes with a
            // clear reason; the decoder cuts off anything larger without buffering it.
            .setMaxWebSocketFrameSize(2 * config.maxFrameBytes())
            .setMaxWebSocketMessageSize(2 * config.maxFrameBytes());
    return fanout
        .start()
        .compose(x -> tokens.start())
        .compose(x -> disabledAccounts.start(bridge::closeSessionsOf))
        .compose(x -> vertx.createHttpServer(options).requestHandler(router).listen())
        .onSuccess(s -> server = s);
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

  /** Sockets open on this node. */
  public int openSessions() {
    return bridge.openSessions();
  }

  /** Rooms this node is subscribed to, one subscription each however many local members. */
  public int roomSubscriptions() {
    return fanout.localRoomSubscriptions();
  }
}

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
  private Tokens tokens;

  public GatewayVerticle(GatewayConfig config, Operations operations) {
    this.config = config;
    this.operations = operations;
  }

  @Override
  public Future<?> start() {
    LOG.info("gateway-service starting on {}", Thread.currentThread().getName());
    tokens = new Tokens(vertx, config);
    ServiceClient services = new ServiceClient(vertx.eventBus(), config.serviceTimeoutMs());
    fanout = new LocalFanout(vertx.eventBus());
    bridge = new SocketBridge(vertx, config, tokens, services, fanout);

    Router router = Router.router(vertx);
    operations.mount(vertx, router);
    router.route("/api/v1/*").subRouter(new RestApi(vertx, config, tokens, services).router());
    bridge.mount(router, "/eventbus");
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    router.route("/*").handler(StaticHandler.create("webroot").setIndexPage("index.html"));

    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.httpHost())
            .setPort(config.httpPort())
            .setCompressionSupported(true)
            .setMaxWebSocketFrameSize(config.maxFrameBytes())
            .setMaxWebSocketMessageSize(config.maxFrameBytes());
    return fanout
        .start()
        .compose(x -> tokens.start())
        .compose(x -> vertx.createHttpServer(options).requestHandler(router).listen())
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    tokens.close();
    return Future.succeededFuture();
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

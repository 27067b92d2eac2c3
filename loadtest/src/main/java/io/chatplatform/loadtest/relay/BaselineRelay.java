package io.chatplatform.loadtest.relay;

import io.chatplatform.loadtest.LoadTestMain;
import io.chatplatform.loadtest.Scenario;
import io.chatplatform.loadtest.generator.Await;
import io.chatplatform.loadtest.generator.Endpoint;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The baseline for comparisons: a minimal Vert.x room relay that speaks the same wire protocol
 * as the platform but does nothing else: plain WebSocket at {@code /eventbus/websocket}, the same
 * bridge frames, each message acknowledged with a per-room seq and written to every member
 * socket, nothing stored, no real authentication (opaque in-memory tokens). Whatever the platform
 * costs beyond this relay is the price of storage, ordering, auth and the service hops.
 *
 * <p>{@code java -cp loadtest/target/chat-loadtest.jar io.chatplatform.loadtest.relay.BaselineRelay --port P}
 * or {@code java -jar loadtest/target/chat-loadtest.jar relay --port P}.
 */
public final class BaselineRelay {
  private static final Logger LOG = LoggerFactory.getLogger(BaselineRelay.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private BaselineRelay() {}

  /** The same as {@code java -jar chat-loadtest.jar relay [options]}. */
  public static void main(String[] args) {
    String[] withScenario = new String[args.length + 1];
    withScenario[0] = Scenario.RELAY.cliName;
    System.arraycopy(args, 0, withScenario, 1, args.length);
    LoadTestMain.main(withScenario);
  }

  /**
   * Starts the relay on {@code port} with one HTTP server per event loop (Vert.x spreads the
   * connections over them), all sharing one {@link RelayDirectory}. Stopped by undeploying the
   * returned deployment or closing {@code vertx}.
   */
  public static Future<String> start(Vertx vertx, int port, int instances) {
    return start(vertx, port, instances, false);
  }

  /**
   * @param strictThreadMode Vert.x's {@link HttpServerOptions#setStrictThreadMode}: the HTTP
   *     connection writes straight to its channel instead of through a cross-thread queue (the
   *     relay writes to a socket only from its own event loop, see {@link RelaySocket})
   */
  public static Future<String> start(Vertx vertx, int port, int instances, boolean strictThreadMode) {
    RelayDirectory directory = new RelayDirectory();
    RelayRest rest = new RelayRest(directory);
    return vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setStrictThreadMode(strictThreadMode))
            .requestHandler(rest::handle)
            .webSocketHandler(ws -> RelaySocket.accept(ws, directory, Endpoint.SOCKET_PATH))
            .listen(port);
      }
    }, new DeploymentOptions().setInstances(instances));
  }

  /** The {@code relay} subcommand: runs until the process is stopped. */
  public static void startStandalone(int port, boolean strictThreadMode) throws Exception {
    runUntilStopped(vertx -> start(vertx, port, Runtime.getRuntime().availableProcessors(), strictThreadMode));
    LOG.info("baseline relay listening on port {} (pid {}{})", port, ProcessHandle.current().pid(),
        strictThreadMode ? ", strict thread mode" : "");
  }

  /** Starts a relay on a Vert.x of its own, closed when the process is stopped. */
  static void runUntilStopped(Function<Vertx, Future<?>> start) throws Exception {
    // The transport the platform runs on, by the same setting (NATIVE_TRANSPORT, default true):
    // a comparison of the two is then one of their work, not of their transports.
    // Read as the platform's Settings.bool reads it: only "true" (any case) is true.
    String setting = System.getenv("NATIVE_TRANSPORT");
    boolean nativeTransport = Boolean.parseBoolean(setting == null ? "true" : setting);
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(nativeTransport));
    if (vertx.isNativeTransportEnabled()) {
      LOG.info("relay transport: native (epoll)");
    } else if (nativeTransport) {
      LOG.warn("relay transport: Java NIO, the native one is unavailable here", vertx.unavailableNativeTransportCause());
    } else {
      LOG.info("relay transport: Java NIO (NATIVE_TRANSPORT={})", setting);
    }
    try {
      Await.result(start.apply(vertx), START_TIMEOUT);
    } catch (Exception e) {
      vertx.close().onFailure(x -> LOG.warn("Vert.x did not close: {}", x.toString()));
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        Await.result(vertx.close(), START_TIMEOUT);
      } catch (Exception e) {
        LOG.warn("relay did not stop cleanly: {}", e.toString());
      }
    }, "relay-shutdown"));
  }
}

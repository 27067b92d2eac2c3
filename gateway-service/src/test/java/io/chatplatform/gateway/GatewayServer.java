package io.chatplatform.gateway;

import io.chatplatform.runtime.Operations;
import io.chatplatform.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A gateway on a free port of 127.0.0.1 in its own Vert.x, with no services behind it: enough
 * for everything the edge decides before it asks a service (origins, headers, TLS, handshakes).
 */
public final class GatewayServer implements AutoCloseable {
  public static final Duration TIMEOUT = Duration.ofSeconds(20);

  public final Vertx vertx = Vertx.vertx();
  public final GatewayVerticle gateway;

  public GatewayServer(Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>();
    settings.put("JWT_SECRET", "gateway-test-secret-gateway-test-secret-0123");
    settings.put("HTTP_PORT", "0");
    settings.put("HTTP_HOST", "127.0.0.1");
    settings.putAll(extra);
    gateway = new GatewayVerticle(GatewayConfig.from(Settings.of(settings)), new Operations());
    await(vertx.deployVerticle(gateway));
  }

  public int port() {
    return gateway.port();
  }

  /** The origin a browser showing this gateway's page would send. */
  public String ownOrigin() {
    return "http://127.0.0.1:" + port();
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
    } catch (Exception e) {
      throw new AssertionError("no result within " + TIMEOUT, e);
    }
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}

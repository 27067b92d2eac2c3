package io.chatplatform.gateway;

import io.chatplatform.runtime.Operations;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.HashMap;
import java.util.Map;

/**
 * A gateway on a free port of 127.0.0.1 in its own Vert.x, with no services behind it: enough
 * for everything the edge decides before it asks a service (origins, headers, TLS, handshakes).
 */
public final class GatewayServer implements AutoCloseable {
  public final Vertx vertx;
  public final GatewayVerticle gateway;
  /** The gateway's meters. */
  public final Operations operations = new Operations();

  public GatewayServer(Map<String, String> extra) {
    this(extra, new VertxOptions());
  }

  /** In a Vert.x made with {@code options} (e.g. a single event loop). */
  public GatewayServer(Map<String, String> extra, VertxOptions options) {
    vertx = Vertx.vertx(options);
    Map<String, String> settings = new HashMap<>();
    settings.put("JWT_SECRET", "gateway-test-secret-gateway-test-secret-0123");
    settings.put("HTTP_PORT", "0");
    settings.put("HTTP_HOST", "127.0.0.1");
    settings.putAll(extra);
    gateway = new GatewayVerticle(GatewayConfig.from(Settings.of(settings)), operations);
    Await.result(vertx.deployVerticle(gateway));
  }

  public int port() {
    return gateway.port();
  }

  /** The origin a browser showing this gateway's page would send. */
  public String ownOrigin() {
    return "http://127.0.0.1:" + port();
  }

  @Override
  public void close() {
    Await.result(vertx.close());
  }
}

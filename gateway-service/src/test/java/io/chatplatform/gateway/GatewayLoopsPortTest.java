package io.chatplatform.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.runtime.Operations;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code HTTP_PORT=0} with several loops: Vert.x shares a port among servers only when it is given,
 * so each gateway node binds one random port that all its loops share (a negative "shared random"
 * port of its own), and two nodes in one Vert.x get two ports.
 */
@DisplayName("GATEWAY_EVENT_LOOPS with HTTP_PORT=0: one random port per node, shared by its loops")
class GatewayLoopsPortTest {
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  GatewayVerticle deploy(int loops) {
    GatewayVerticle gateway = new GatewayVerticle(GatewayConfig.from(Settings.of(Map.of(
        "JWT_SECRET", "gateway-test-secret-gateway-test-secret-0123",
        "HTTP_PORT", "0",
        "OPS_HTTP_PORT", "0",
        "HTTP_HOST", "127.0.0.1",
        "GATEWAY_EVENT_LOOPS", String.valueOf(loops)))), new Operations());
    Await.result(vertx.deployVerticle(gateway));
    return gateway;
  }

  @Test
  @DisplayName("each node's loops share one random port, two nodes in one Vert.x do not share, and each node serves one operations port")
  void sharedRandomPortPerNode() {
    GatewayVerticle first = deploy(3);
    GatewayVerticle second = deploy(2);
    assertThat(first.loopPorts()).hasSize(3).containsOnly(first.port());
    assertThat(second.loopPorts()).hasSize(2).containsOnly(second.port());
    assertThat(first.port()).isPositive().isNotEqualTo(second.port());
    assertThat(first.loopThreads()).doesNotHaveDuplicates();

    WebClient web = WebClient.create(vertx);
    for (GatewayVerticle gateway : new GatewayVerticle[] {first, second}) {
      assertThat(Await.result(web.get(gateway.port(), "127.0.0.1", "/").send()).statusCode()).as("the page").isEqualTo(200);
      assertThat(Await.result(web.get(gateway.opsPort(), "127.0.0.1", "/health/live").send()).statusCode()).as("liveness").isEqualTo(200);
    }
  }
}

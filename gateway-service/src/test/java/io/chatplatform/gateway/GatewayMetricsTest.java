package io.chatplatform.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GatewayMetrics: the sockets gauge by transport, bounded event types")
class GatewayMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  @DisplayName("open sockets are counted by transport, and a gateway deployed again on the same node reports its own")
  void socketsByTransport() {
    GatewayMetrics first = new GatewayMetrics(registry);
    first.socketOpened(GatewayMetrics.WEBSOCKET);
    first.socketOpened(GatewayMetrics.SOCKJS);
    first.socketClosed(GatewayMetrics.SOCKJS);
    assertThat(open(GatewayMetrics.WEBSOCKET)).isEqualTo(1);
    assertThat(open(GatewayMetrics.SOCKJS)).isZero();

    GatewayMetrics again = new GatewayMetrics(registry);
    again.socketOpened(GatewayMetrics.SOCKJS);
    assertThat(open(GatewayMetrics.WEBSOCKET)).as("the first gateway's sockets are gone with it").isZero();
    assertThat(open(GatewayMetrics.SOCKJS)).isEqualTo(1);
  }

  @Test
  @DisplayName("an event type the gateway does not know is tagged other: the tag stays bounded")
  void eventTypes() {
    GatewayMetrics metrics = new GatewayMetrics(registry);
    metrics.delivered("message", 3);
    metrics.delivered("u_0123456789", 1);
    metrics.delivered(null, 1);
    metrics.delivered("typing", 0);
    assertThat(registry.get(GatewayMetrics.EVENTS_DELIVERED).tag("type", "message").counter().count()).isEqualTo(3);
    assertThat(registry.get(GatewayMetrics.EVENTS_DELIVERED).tag("type", "other").counter().count()).isEqualTo(2);
    assertThat(registry.find(GatewayMetrics.EVENTS_DELIVERED).tag("type", "typing").counter()).as("nothing delivered, nothing created").isNull();
  }

  private double open(String transport) {
    return registry.get(GatewayMetrics.SOCKETS_OPEN).tag("transport", transport).gauge().value();
  }
}

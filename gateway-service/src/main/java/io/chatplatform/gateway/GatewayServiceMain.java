package io.chatplatform.gateway;

import io.chatplatform.runtime.ServiceNode;
import java.util.List;

/** Runs the gateway as its own clustered process; it serves the operations endpoints itself. */
public final class GatewayServiceMain {
  private GatewayServiceMain() {}

  public static void main(String[] args) {
    ServiceNode.launch(
        "gateway-service",
        false,
        start -> List.of(new GatewayVerticle(GatewayConfig.from(start.settings()), start.node().operations())));
  }
}

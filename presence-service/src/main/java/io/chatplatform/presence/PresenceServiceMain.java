package io.chatplatform.presence;

import io.chatplatform.presence.bus.PresenceVerticle;
import io.chatplatform.runtime.ServiceNode;
import java.util.List;

/** Runs presence-service as its own clustered process; {@code REDIS_URL} should be set there. */
public final class PresenceServiceMain {
  private PresenceServiceMain() {}

  public static void main(String[] args) {
    ServiceNode.launch(
        "presence-service",
        true,
        start -> List.of(new PresenceVerticle(PresenceConfig.from(start.settings()), start.node().operations())));
  }
}

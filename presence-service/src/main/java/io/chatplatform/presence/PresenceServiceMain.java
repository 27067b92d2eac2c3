package io.chatplatform.presence;

import io.chatplatform.runtime.ServiceNode;
import java.util.List;

/**
 * Runs presence-service as its own clustered process. It has no verticle yet: presence, typing
 * and receipts arrive with their own issue (see docs/architecture.md). Until then the process
 * joins the cluster and answers health and metrics, so deployments can already place it.
 */
public final class PresenceServiceMain {
  private PresenceServiceMain() {}

  public static void main(String[] args) {
    ServiceNode.launch("presence-service", true, start -> List.of());
  }
}

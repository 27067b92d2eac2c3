package io.chatplatform.notification;

import io.chatplatform.runtime.ServiceNode;
import java.util.List;

/**
 * Runs notification-service as its own clustered process. It has no verticle yet: push delivery
 * (FCM, APNs, Web Push) arrives with its own issue (see docs/architecture.md). Until then the
 * process joins the cluster and answers health and metrics.
 */
public final class NotificationServiceMain {
  private NotificationServiceMain() {}

  public static void main(String[] args) {
    ServiceNode.launch("notification-service", true, start -> List.of());
  }
}

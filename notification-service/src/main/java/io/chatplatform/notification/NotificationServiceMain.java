package io.chatplatform.notification;

import io.chatplatform.notification.bus.NotificationVerticle;
import io.chatplatform.notification.domain.HttpsOnlyEndpoints;
import io.chatplatform.runtime.ServiceNode;
import java.util.List;

/**
 * Runs notification-service as its own clustered process. The push providers (FCM, APNs, Web
 * Push) are added here when they are merged; until then devices register and pushes are decided,
 * and each send is answered {@code Failed} (no provider), so nothing leaves the platform.
 */
public final class NotificationServiceMain {
  private NotificationServiceMain() {}

  public static void main(String[] args) {
    ServiceNode.launch("notification-service", true, start -> List.of(
        new NotificationVerticle(NotificationConfig.from(start.settings()), start.node().operations(), List.of(),
            new HttpsOnlyEndpoints(), () -> null)));
  }
}

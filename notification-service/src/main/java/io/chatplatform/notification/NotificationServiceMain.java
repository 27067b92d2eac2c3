package io.chatplatform.notification;

import io.chatplatform.notification.bus.NotificationVerticle;
import io.chatplatform.runtime.ServiceNode;
import java.util.List;

/** Runs notification-service as its own clustered process, with the providers its settings configure. */
public final class NotificationServiceMain {
  private NotificationServiceMain() {}

  public static void main(String[] args) {
    ServiceNode.launch("notification-service", true, start -> List.of(
        new NotificationVerticle(NotificationConfig.from(start.settings()), start.node().operations())));
  }
}

package io.chatplatform.platform;

import io.chatplatform.runtime.LogContext;
import io.chatplatform.runtime.ServiceNode;
import io.chatplatform.runtime.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar platform/target/chat-platform.jar}: the whole platform in one process. */
public final class EmbeddedPlatformMain {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPlatformMain.class);

  private EmbeddedPlatformMain() {}

  public static void main(String[] args) {
    try {
      Settings settings = Settings.fromEnvironment();
      LogContext.configure(settings, EmbeddedPlatform.SERVICE_NAME, false);
      long shutdownTimeoutMs = ServiceNode.shutdownTimeoutMs(settings);
      EmbeddedPlatform platform = EmbeddedPlatform.start(settings);
      ServiceNode.exitOnSignal("the platform", () -> platform.stop(shutdownTimeoutMs));
      LOG.info("open http://localhost:{}/ (health and metrics: port {})", platform.port(), platform.opsPort());
    } catch (Exception e) {
      LOG.error("the platform failed to start", e);
      System.exit(1);
    }
  }
}

package io.chatplatform.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** On Linux x86-64 (this machine's and CI's kind), the library the services ship must load. */
@DisplayName("NATIVE_TRANSPORT: the services run on Netty's epoll transport unless told not to")
class NativeTransportTest {
  /** The services ship netty-transport-native-epoll's linux-x86_64 library only. */
  static final boolean SHIPPED_FOR_THIS_MACHINE = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).startsWith("linux")
      && java.util.Set.of("amd64", "x86_64").contains(System.getProperty("os.arch"));

  @Test
  @DisplayName("by default a node runs on the native transport")
  void nativeByDefault() {
    ServiceNode node = ServiceNode.standalone(Settings.of(Map.of()), Telemetry.off());
    try {
      if (SHIPPED_FOR_THIS_MACHINE) {
        assertThat(node.vertx().isNativeTransportEnabled())
            .as("native transport (cause if not: %s)", node.vertx().unavailableNativeTransportCause())
            .isTrue();
      } else {
        // Elsewhere (macOS, arm64) the node falls back to NIO and says why.
        assertThat(node.vertx().isNativeTransportEnabled()).isFalse();
        assertThat(node.vertx().unavailableNativeTransportCause()).isNotNull();
      }
    } finally {
      Await.result(node.close());
    }
  }

  @Test
  @DisplayName("NATIVE_TRANSPORT=false keeps Java NIO")
  void nioWhenTurnedOff() {
    ServiceNode node = ServiceNode.standalone(Settings.of(Map.of("NATIVE_TRANSPORT", "false")), Telemetry.off());
    try {
      assertThat(node.vertx().isNativeTransportEnabled()).isFalse();
    } finally {
      Await.result(node.close());
    }
  }
}

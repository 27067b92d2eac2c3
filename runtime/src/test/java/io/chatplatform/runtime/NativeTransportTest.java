package io.chatplatform.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** On this Linux x86-64 machine (CI's kind too), the library the services ship must load. */
@DisplayName("NATIVE_TRANSPORT: the services run on Netty's epoll transport unless told not to")
class NativeTransportTest {

  @Test
  @DisplayName("by default a node runs on the native transport")
  void nativeByDefault() {
    ServiceNode node = ServiceNode.standalone(Settings.of(Map.of()), Telemetry.off());
    try {
      assertThat(node.vertx().isNativeTransportEnabled())
          .as("native transport (cause if not: %s)", node.vertx().unavailableNativeTransportCause())
          .isTrue();
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

package io.chatplatform.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class HeapHistogramTest {
  private static final String BEFORE = """
      12345:
       num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:           100           1000  [B (java.base@17.0.15)
         2:            10            240  java.lang.String (java.base@17.0.15)
         3:             5            800  io.chatplatform.gateway.socket.LocalFanout$RoomSubscription
      Total           115           1640
      """;
  private static final String AFTER = """
      12345:
       num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:          1100        1001000  [B (java.base@17.0.15)
         2:          2000          64000  io.vertx.core.http.impl.ServerWebSocketImpl
         3:            10            240  java.lang.String (java.base@17.0.15)
         4:          1000            200  io.chatplatform.gateway.socket.ClientSession
      Total          4110        1065440
      """;

  @Test
  void linesAreParsedWithoutTheModule() {
    HeapHistogram histogram = HeapHistogram.parse(AFTER);
    assertThat(histogram.classes()).containsEntry("[B", new HeapHistogram.Use(1100, 1001000))
        .containsEntry("io.vertx.core.http.impl.ServerWebSocketImpl", new HeapHistogram.Use(2000, 64000))
        .hasSize(4);
    assertThat(HeapHistogram.parse("12345:\nCould not attach\n").classes()).isEmpty();
  }

  @Test
  void growthPerConnectionKeepsWhatChangedByHalfAByteOrMore() {
    JsonObject growth = HeapHistogram.parse(AFTER).growthPerConnection(HeapHistogram.parse(BEFORE), 1000);

    assertThat(growth.getJsonObject("[B").getDouble("bytes")).isEqualTo(1000.0);
    assertThat(growth.getJsonObject("[B").getDouble("instances")).isEqualTo(1.0);
    assertThat(growth.getJsonObject("io.vertx.core.http.impl.ServerWebSocketImpl").getDouble("bytes")).isEqualTo(64.0);
    // Gone since "before": a negative growth is kept (the difference must add up).
    assertThat(growth.getJsonObject("io.chatplatform.gateway.socket.LocalFanout$RoomSubscription").getDouble("bytes")).isEqualTo(-0.8);
    // Unchanged, and 0.2 B per connection: below what the figure resolves.
    assertThat(growth.containsKey("java.lang.String")).isFalse();
    assertThat(growth.containsKey("io.chatplatform.gateway.socket.ClientSession")).isFalse();
  }
}

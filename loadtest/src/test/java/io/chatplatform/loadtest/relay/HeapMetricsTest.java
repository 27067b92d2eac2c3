package io.chatplatform.loadtest.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.loadtest.generator.ServerProbe;
import org.junit.jupiter.api.Test;

class HeapMetricsTest {
  @Test
  void theGeneratorReadsTheRelaysMetricsAsItReadsThePlatforms() {
    assertThat(ServerProbe.parseHeapBytes(HeapMetrics.render())).isPresent();
  }
}

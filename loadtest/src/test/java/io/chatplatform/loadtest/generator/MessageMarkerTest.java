package io.chatplatform.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageMarkerTest {
  @Test
  void roundTripsAndPads() {
    MessageMarker marker = new MessageMarker("ltabc12", 3, true, 123_456_789_012L);
    assertThat(MessageMarker.parse(marker.format(0))).isEqualTo(marker);
    String padded = marker.format(200);
    assertThat(padded).hasSize(200);
    assertThat(MessageMarker.parse(padded)).isEqualTo(marker);
    MessageMarker warmup = new MessageMarker("t", 0, false, -5);
    assertThat(MessageMarker.parse(warmup.format(10))).isEqualTo(warmup);
  }

  @Test
  void ignoresOtherTexts() {
    assertThat(MessageMarker.parse(null)).isNull();
    assertThat(MessageMarker.parse("hello @bob")).isNull();
    assertThat(MessageMarker.parse("lt x 1 q 5")).isNull();
    assertThat(MessageMarker.parse("lt x one m 5")).isNull();
    assertThat(MessageMarker.parse("lt x 1 m")).isNull();
  }
}

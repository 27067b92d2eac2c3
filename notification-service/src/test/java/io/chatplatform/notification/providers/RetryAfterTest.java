package io.chatplatform.notification.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);

  @Test
  void secondsAndDatesAreReadAndAnythingElseIsUnknown() {
    assertThat(RetryAfter.millis("120", clock)).isEqualTo(120_000);
    assertThat(RetryAfter.millis(" 0 ", clock)).isZero();
    assertThat(RetryAfter.millis("Tue, 01 Dec 2026 10:00:30 GMT", clock)).isEqualTo(30_000);
    assertThat(RetryAfter.millis("Tue, 01 Dec 2026 09:00:00 GMT", clock)).as("a date in the past").isZero();
    assertThat(RetryAfter.millis(null, clock)).isEqualTo(-1);
    assertThat(RetryAfter.millis("-5", clock)).as("negative").isEqualTo(-1);
    assertThat(RetryAfter.millis("+5", clock)).isEqualTo(-1);
    assertThat(RetryAfter.millis("99999999999999999999", clock)).as("overflow").isEqualTo(-1);
    assertThat(RetryAfter.millis("soon", clock)).isEqualTo(-1);
  }
}

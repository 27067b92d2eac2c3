package io.chatplatform.gateway.overload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("How far behind an event loop runs")
class LoopLagTest {
  static final long THRESHOLD_MS = 1_000;
  static final long INTERVAL_MS = 100;
  final AtomicLong nanos = new AtomicLong(5_000_000_000L);
  final LoopLag lag = new LoopLag(THRESHOLD_MS, INTERVAL_MS, nanos::get);

  /** The check scheduled now runs {@code lateMs} after it was due; answers whether the state changed. */
  boolean checkRunsLate(long lateMs) {
    lag.scheduled();
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS + lateMs));
    return lag.checked();
  }

  @Test
  @DisplayName("checks on time or a little late: never behind")
  void onTime() {
    for (int i = 0; i < 50; i++) {
      assertThat(checkRunsLate(30)).isFalse();
      assertThat(lag.behind()).isFalse();
    }
    assertThat(lag.lastLagMs()).isEqualTo(30);
    assertThat(lag.smoothedLagMs()).isBetween(29L, 30L);
  }

  @Test
  @DisplayName("one stall of twice the threshold (a pause, a cold start's first clients) is not overload: it weighs a third")
  void oneStallIsNotOverload() {
    checkRunsLate(5);
    assertThat(checkRunsLate(2 * THRESHOLD_MS)).isFalse();
    assertThat(lag.behind()).isFalse();
    assertThat(lag.lastLagMs()).isEqualTo(2 * THRESHOLD_MS);
    for (int i = 0; i < 5; i++) {
      assertThat(checkRunsLate(0)).isFalse();
    }
    assertThat(lag.behind()).isFalse();
  }

  @Test
  @DisplayName("a loop that stays behind is found within a few checks, and stays behind until its smoothed lag is at most half the threshold")
  void sustainedLagAndHysteresis() {
    int checks = 0;
    while (!lag.behind()) {
      assertThat(++checks).as("checks 1.5 s late each").isLessThan(5);
      checkRunsLate(1_500);
    }
    assertThat(lag.smoothedLagMs()).isGreaterThan(THRESHOLD_MS);
    // On time from now on: the smoothed lag falls by a third each check, the state holds until it is at most half.
    int back = 0;
    while (lag.behind()) {
      assertThat(lag.smoothedLagMs()).isGreaterThan(THRESHOLD_MS / 2 - 1);
      assertThat(++back).isLessThan(10);
      checkRunsLate(0);
    }
    assertThat(back).as("not the first on-time check: the smoothed lag is still above half").isGreaterThan(1);
    assertThat(lag.smoothedLagMs()).isLessThanOrEqualTo(THRESHOLD_MS / 2);
  }

  @Test
  @DisplayName("a stall of more than three times the threshold is behind at once")
  void longStall() {
    assertThat(checkRunsLate(3 * THRESHOLD_MS + 100)).isTrue();
    assertThat(lag.behind()).isTrue();
  }

  @Test
  @DisplayName("OVERLOAD_LOOP_LAG_MS=0: never behind, however late")
  void off() {
    LoopLag never = new LoopLag(0, INTERVAL_MS, nanos::get);
    for (int i = 0; i < 5; i++) {
      never.scheduled();
      nanos.addAndGet(TimeUnit.SECONDS.toNanos(60));
      assertThat(never.checked()).isFalse();
      assertThat(never.behind()).isFalse();
    }
  }
}

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

  void advanceMs(long ms) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  /** The check scheduled now runs {@code lateMs} after it was due; answers whether the state changed. */
  boolean checkRunsLate(long lateMs) {
    lag.scheduled();
    advanceMs(INTERVAL_MS + lateMs);
    return lag.checked();
  }

  @Test
  @DisplayName("checks on time: never behind")
  void onTime() {
    for (int i = 0; i < 5; i++) {
      assertThat(checkRunsLate(3)).isFalse();
      assertThat(lag.behind()).isFalse();
    }
    assertThat(lag.lastLagMs()).isEqualTo(3);
  }

  @Test
  @DisplayName("a check more than the threshold late puts the loop behind; it stays behind until a check is at most half the threshold late")
  void hysteresis() {
    assertThat(checkRunsLate(THRESHOLD_MS)).as("exactly the threshold is not behind").isFalse();
    assertThat(lag.behind()).isFalse();
    assertThat(checkRunsLate(THRESHOLD_MS + 1)).isTrue();
    assertThat(lag.behind()).isTrue();
    assertThat(lag.lastLagMs()).isEqualTo(THRESHOLD_MS + 1);
    assertThat(checkRunsLate(THRESHOLD_MS / 2 + 1)).as("between half and the threshold: still behind").isFalse();
    assertThat(lag.behind()).isTrue();
    assertThat(checkRunsLate(THRESHOLD_MS / 2)).isTrue();
    assertThat(lag.behind()).isFalse();
  }

  @Test
  @DisplayName("a check overdue by more than the threshold counts before it runs: what reaches the loop right after a stall is refused")
  void overdueCheck() {
    lag.scheduled();
    advanceMs(INTERVAL_MS + THRESHOLD_MS);
    assertThat(lag.behind()).isFalse();
    advanceMs(1);
    assertThat(lag.behind()).isTrue();
    assertThat(lag.checked()).as("the late check confirms it").isTrue();
    assertThat(checkRunsLate(0)).isTrue();
    assertThat(lag.behind()).isFalse();
  }

  @Test
  @DisplayName("OVERLOAD_LOOP_LAG_MS=0: never behind, however late")
  void off() {
    LoopLag never = new LoopLag(0, INTERVAL_MS, nanos::get);
    never.scheduled();
    advanceMs(60_000);
    never.checked();
    assertThat(never.behind()).isFalse();
  }
}

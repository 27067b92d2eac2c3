package io.chatplatform.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {
  /** HdrHistogram with three significant digits: values are exact to 0.1 %. */
  private static final double PRECISION = 0.001;

  @Test
  void percentilesOfAKnownDistribution() {
    LatencyRecorder recorder = new LatencyRecorder();
    // 1 ms, 2 ms, …, 1000 ms: percentile p is p * 10 ms.
    for (int ms = 1; ms <= 1000; ms++) {
      recorder.recordNanos(TimeUnit.MILLISECONDS.toNanos(ms));
    }
    LatencyRecorder.Summary summary = recorder.summary();
    assertThat(summary.count()).isEqualTo(1000);
    assertThat(summary.p50()).isCloseTo(500, within(500 * PRECISION));
    assertThat(summary.p90()).isCloseTo(900, within(900 * PRECISION));
    assertThat(summary.p99()).isCloseTo(990, within(990 * PRECISION));
    assertThat(summary.p999()).isCloseTo(999, within(999 * PRECISION));
    assertThat(summary.max()).isCloseTo(1000, within(1000 * PRECISION));
    assertThat(summary.mean()).isCloseTo(500.5, within(500.5 * PRECISION));
  }

  @Test
  void aSkewedTailShowsOnlyInTheHighPercentiles() {
    LatencyRecorder recorder = new LatencyRecorder();
    for (int i = 0; i < 9_990; i++) {
      recorder.recordMicros(2_000);
    }
    for (int i = 0; i < 10; i++) {
      recorder.recordMicros(300_000);
    }
    LatencyRecorder.Summary summary = recorder.summary();
    assertThat(summary.p50()).isCloseTo(2, within(0.01));
    assertThat(summary.p99()).isCloseTo(2, within(0.01));
    assertThat(summary.p999()).isCloseTo(2, within(0.01));
    assertThat(summary.max()).isCloseTo(300, within(0.3));
  }

  @Test
  void snapshotsAccumulateAndOtherHistogramsMergeIn() {
    LatencyRecorder recorder = new LatencyRecorder();
    recorder.recordMicros(1_000);
    assertThat(recorder.summary().count()).isEqualTo(1);
    recorder.recordMicros(3_000);
    LatencyRecorder other = new LatencyRecorder();
    other.recordMicros(5_000);
    recorder.add(other.snapshot());
    LatencyRecorder.Summary summary = recorder.summary();
    assertThat(summary.count()).isEqualTo(3);
    assertThat(summary.max()).isCloseTo(5, within(0.01));
  }

  @Test
  void zeroAndNegativeLatenciesCountAsTheSmallestUnit() {
    LatencyRecorder recorder = new LatencyRecorder();
    recorder.recordNanos(0);
    recorder.recordNanos(-5);
    assertThat(recorder.summary().count()).isEqualTo(2);
    assertThat(recorder.summary().max()).isEqualTo(0.001);
  }

  @Test
  void anEmptyRecorderSummarisesToZeros() {
    assertThat(new LatencyRecorder().summary()).isEqualTo(LatencyRecorder.Summary.EMPTY);
  }
}

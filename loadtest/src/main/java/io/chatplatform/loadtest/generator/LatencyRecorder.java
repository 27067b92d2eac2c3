package io.chatplatform.loadtest.generator;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A latency distribution fed from any number of event loops. Values are kept in microseconds
 * with three significant digits (HdrHistogram), so percentiles are exact to 0.1 %.
 */
public final class LatencyRecorder {
  private static final int SIGNIFICANT_DIGITS = 3;
  /** A latency of zero is recorded as the smallest unit: HdrHistogram percentiles need ≥ 1. */
  private static final long MIN_MICROS = 1;

  /** Wait-free for concurrent writers; read by flipping intervals into {@link #total}. */
  private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
  private final Histogram total = new Histogram(SIGNIFICANT_DIGITS);

  void recordNanos(long nanos) {
    recordMicros(TimeUnit.NANOSECONDS.toMicros(nanos));
  }

  void recordMicros(long micros) {
    recorder.recordValue(Math.max(MIN_MICROS, micros));
  }

  /** Adds a distribution recorded elsewhere (another generator process). */
  synchronized void add(Histogram other) {
    total.add(other);
  }

  /** Everything recorded so far. */
  synchronized Histogram snapshot() {
    total.add(recorder.getIntervalHistogram());
    return total.copy();
  }

  Summary summary() {
    return Summary.of(snapshot());
  }

  /** Percentiles in milliseconds. */
  public record Summary(long count, double p50, double p90, double p99, double p999, double max, double mean) {
    public static final Summary EMPTY = new Summary(0, 0, 0, 0, 0, 0, 0);

    static Summary of(Histogram h) {
      if (h.getTotalCount() == 0) {
        return EMPTY;
      }
      return new Summary(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
          ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), h.getMean() / 1e3);
    }

    private static double ms(long micros) {
      return micros / 1e3;
    }

    JsonObject toJson() {
      return new JsonObject().put("count", count).put("p50", round(p50)).put("p90", round(p90)).put("p99", round(p99))
          .put("p99_9", round(p999)).put("max", round(max)).put("mean", round(mean));
    }

    private static double round(double ms) {
      return Math.round(ms * 1000) / 1000.0;
    }

    @Override
    public String toString() {
      return String.format("p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f ms (n=%d)", p50, p90, p99, p999, max, count);
    }
  }
}

package io.chatplatform.notification.providers;

import io.chatplatform.notification.domain.PushOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** Counts every delivery attempt as {@code chat.push.sent{provider, result}}. */
public final class PushMetrics {
  public static final String SENT_METRIC = "chat.push.sent";

  /** Every value of the result tag. */
  private static final List<String> RESULTS = List.of("delivered", "invalid_device", "retry", "failed");

  private PushMetrics() {}

  /**
   * Creates the provider's counters at 0, so that its series exist (and rates and ratios are
   * defined) from its start, not from its first push.
   */
  public static void register(MeterRegistry metrics, String provider) {
    RESULTS.forEach(result -> metrics.counter(SENT_METRIC, "provider", provider, "result", result));
  }

  public static PushOutcome count(MeterRegistry metrics, String provider, PushOutcome outcome) {
    metrics.counter(SENT_METRIC, "provider", provider, "result", result(outcome)).increment();
    return outcome;
  }

  /** The metric's result tag: delivered, invalid_device, retry or failed. */
  public static String result(PushOutcome outcome) {
    if (outcome instanceof PushOutcome.Delivered) {
      return "delivered";
    }
    if (outcome instanceof PushOutcome.InvalidDevice) {
      return "invalid_device";
    }
    return outcome instanceof PushOutcome.Retry ? "retry" : "failed";
  }
}

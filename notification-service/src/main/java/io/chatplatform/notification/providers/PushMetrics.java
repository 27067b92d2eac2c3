package io.chatplatform.notification.providers;

import io.chatplatform.notification.domain.PushOutcome;
import io.micrometer.core.instrument.MeterRegistry;

/** Counts every delivery attempt as {@code chat.push.sent{provider, result}}. */
public final class PushMetrics {
  public static final String SENT_METRIC = "chat.push.sent";

  private PushMetrics() {}

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

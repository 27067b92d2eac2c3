package io.chatplatform.gateway.overload;

import io.chatplatform.runtime.Settings;

/**
 * When the gateway sheds load; each setting is named after its environment variable.
 *
 * @param loopLagMs an event loop that runs this far behind (its checks run this late, smoothed over
 *     the checks: {@link LoopLag}) is overloaded: it refuses new sockets, REST requests and socket
 *     requests until it has caught up again (smoothed, at most half this late); 0 never refuses
 *     ({@code OVERLOAD_LOOP_LAG_MS}, 1 s: far above what a busy loop shows here, its ack p99 being
 *     tens of milliseconds, and a fifth of {@code SERVICE_TIMEOUT_MS}, so that what is refused
 *     would mostly have been answered too late anyway)
 * @param checkIntervalMs how often each loop checks how far behind it runs ({@code OVERLOAD_CHECK_INTERVAL_MS})
 * @param retryAfterSeconds what a refusal tells the client to wait before it tries again, as
 *     {@code Retry-After} and in the error's text ({@code OVERLOAD_RETRY_AFTER_SECONDS})
 */
public record OverloadConfig(long loopLagMs, long checkIntervalMs, long retryAfterSeconds) {

  public static OverloadConfig from(Settings settings) {
    long lag = settings.longValue("OVERLOAD_LOOP_LAG_MS", 1_000);
    if (lag < 0) {
      throw new IllegalArgumentException("OVERLOAD_LOOP_LAG_MS must be 0 (off) or more");
    }
    long interval = settings.longValue("OVERLOAD_CHECK_INTERVAL_MS", 100);
    if (interval < 10) {
      throw new IllegalArgumentException("OVERLOAD_CHECK_INTERVAL_MS must be at least 10");
    }
    long retryAfter = settings.longValue("OVERLOAD_RETRY_AFTER_SECONDS", 2);
    if (retryAfter < 1) {
      throw new IllegalArgumentException("OVERLOAD_RETRY_AFTER_SECONDS must be at least 1");
    }
    return new OverloadConfig(lag, interval, retryAfter);
  }

  /** Whether the gateway ever sheds load. */
  public boolean enabled() {
    return loopLagMs > 0;
  }
}

package io.chatplatform.history;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * history-service's domain meters, created here (docs/operations.md lists them; the store's
 * {@code chat.history.*} meters are created by {@code MessageStore}).
 */
public final class HistoryMetrics {
  /**
   * Distribution summary in bytes: one per upload that ended, by {@code outcome} ({@code stored}, or
   * the refusal's error code: {@code payload_too_large}, {@code quota_exceeded},
   * {@code unsupported_media_type}, {@code not_found}…; {@code aborted} when the client went
   * away): its count is the uploads, its sum the bytes received.
   */
  public static final String UPLOADS = "chat.uploads";
  /** The outcome of an upload that was stored. */
  public static final String STORED = "stored";
  /** The outcome of an upload the client cut off. */
  public static final String ABORTED = "aborted";

  private final MeterRegistry registry;

  public HistoryMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** An upload ended with {@code outcome} after {@code bytes} of its body were received. */
  public void upload(String outcome, long bytes) {
    DistributionSummary.builder(UPLOADS)
        .description("Uploads that ended, by outcome: count, and bytes received")
        .baseUnit("bytes")
        .tag("outcome", outcome)
        .register(registry)
        .record(bytes);
  }
}

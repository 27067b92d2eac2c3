package io.chatplatform.notification.domain;

/**
 * The push rules the domain applies (see NotificationConfig for the settings' names).
 *
 * @param delayMs how long a message waits for a delivered receipt before it is pushed
 * @param leaseMs how long a claim holds a record; after it (a crashed instance) another may take it
 * @param maxAttempts sends of one push to one device, the first included
 * @param retryBaseMs first retry delay; doubled each attempt, with up to 50 % jitter added
 * @param retryMaxMs longest retry delay (a Retry-After above it is honoured all the same)
 * @param idOnly pushes carry the room and seq only, no name or text
 * @param previewMaxChars longest preview, in code points
 * @param ttlSeconds how long a push service keeps a push for an unreachable device
 * @param sentKeepMs how long a sent marker is kept (must exceed the lease and the retries)
 */
public record PushPolicy(
    long delayMs, long leaseMs, int maxAttempts, long retryBaseMs, long retryMaxMs, boolean idOnly, int previewMaxChars,
    int ttlSeconds, long sentKeepMs) {

  /** The text as a push may carry it: null in id-only mode, else at most {@code previewMaxChars} code points. */
  public String preview(String text) {
    if (idOnly || text == null) {
      return null;
    }
    if (text.codePointCount(0, text.length()) <= previewMaxChars) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, Math.max(0, previewMaxChars - 1))) + "…";
  }
}

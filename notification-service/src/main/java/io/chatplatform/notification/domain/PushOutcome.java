package io.chatplatform.notification.domain;

/** What a push service answered to one send. */
public sealed interface PushOutcome {
  /** Accepted by the push service. */
  record Delivered() implements PushOutcome {}

  /** The device is gone (unregistered, expired subscription): delete it. */
  record InvalidDevice(String reason) implements PushOutcome {}

  /** 429, 5xx or a network failure: try again later, after {@code retryAfterMs} when known (else -1). */
  record Retry(long retryAfterMs, String reason) implements PushOutcome {}

  /** Any other refusal: do not retry, keep the device. */
  record Failed(String reason) implements PushOutcome {}
}

package io.chatplatform.notification.domain;

/** What a push service answered, as the caller must act on it. */
public sealed interface PushOutcome {
  /** Accepted by the push service. */
  record Delivered() implements PushOutcome {}

  /** The device is gone (unregistered, expired): delete it. */
  record InvalidDevice(String reason) implements PushOutcome {}

  /** Try again later (429, 5xx, network); {@code retryAfterMs} is -1 when the service named no delay. */
  record Retry(long retryAfterMs, String reason) implements PushOutcome {}

  /** Refused for another reason (other 4xx): do not retry, keep the device. */
  record Failed(String reason) implements PushOutcome {}
}

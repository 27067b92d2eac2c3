package io.chatplatform.notification.domain;

/** How one delivery attempt ended. */
public sealed interface PushOutcome
    permits PushOutcome.Delivered, PushOutcome.InvalidDevice, PushOutcome.Retry, PushOutcome.Failed {

  /** The push service accepted the message. */
  record Delivered() implements PushOutcome {}

  /** The token is dead (unregistered, malformed, for another app): the device must be deleted. */
  record InvalidDevice(String reason) implements PushOutcome {}

  /** Try again later (429, 5xx, network): after {@code retryAfterMs}, or -1 when the service gave no hint. */
  record Retry(long retryAfterMs, String reason) implements PushOutcome {}

  /** Rejected for another reason (other 4xx): do not retry, keep the device. */
  record Failed(String reason) implements PushOutcome {}
}

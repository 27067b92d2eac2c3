package io.chatplatform.notification.domain;

import io.vertx.core.Future;

/** Delivers one push to one device through one push service (FCM, APNs or Web Push). */
public interface PushProvider {
  /** The outcome of the delivery; the future fails only on a bug, never on a push service's answer. */
  Future<PushOutcome> send(Device device, PushMessage message);

  /** "fcm", "apns" or "webpush": the {@link Device#kind()} this provider serves. */
  String kind();
}

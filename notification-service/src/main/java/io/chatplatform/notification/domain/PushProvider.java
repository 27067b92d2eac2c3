package io.chatplatform.notification.domain;

import io.vertx.core.Future;

/** Sends one push to one device through one push service (FCM, APNs or Web Push). */
public interface PushProvider {
  /** The outcome of the send; a provider never fails the future for a push service's refusal, only answers it. */
  Future<PushOutcome> send(Device device, PushMessage message);

  /** {@code "fcm"}, {@code "apns"} or {@code "webpush"}: the {@link Device#kind()} it serves. */
  String kind();

  /** Releases its connections when the service stops. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}

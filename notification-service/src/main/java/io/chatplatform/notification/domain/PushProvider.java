package io.chatplatform.notification.domain;

import io.vertx.core.Future;

/** One push service (FCM, APNs, Web Push): delivers one message to one device. */
public interface PushProvider {
  /** The outcome of one delivery attempt; the future fails only on a programming error. */
  Future<PushOutcome> send(Device device, PushMessage message);

  /** The device kind this provider serves: "fcm", "apns" or "webpush". */
  String kind();
}

package io.chatplatform.notification.domain;

/**
 * A registered push target of a user.
 *
 * @param deviceId "d_" + 32 hex
 * @param kind "fcm", "apns" or "webpush"
 * @param token the FCM registration token, the APNs device token (hex), or the Web Push endpoint URL
 * @param apnsTopic APNs only
 * @param apnsEnvironment "sandbox" or "production", APNs only
 * @param webPushP256dh the subscription's public key (base64url), Web Push only
 * @param webPushAuth the subscription's auth secret (base64url), Web Push only
 * @param createdAt epoch ms
 */
public record Device(
    String deviceId,
    String userId,
    String kind,
    String token,
    String apnsTopic,
    String apnsEnvironment,
    String webPushP256dh,
    String webPushAuth,
    long createdAt) {}

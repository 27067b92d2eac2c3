package io.chatplatform.notification.domain;

/**
 * A registered push target of one user.
 *
 * @param deviceId "d_" + 32 hex
 * @param kind "fcm", "apns" or "webpush"
 * @param token FCM registration token; APNs device token (hex); Web Push endpoint URL
 * @param apnsTopic the app's bundle id (apns only)
 * @param apnsEnvironment "sandbox" or "production" (apns only)
 * @param webPushP256dh the subscription's public key, base64url (webpush only)
 * @param webPushAuth the subscription's auth secret, base64url (webpush only)
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

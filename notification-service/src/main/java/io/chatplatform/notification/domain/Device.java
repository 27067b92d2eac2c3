package io.chatplatform.notification.domain;

/**
 * A device that receives pushes for {@code userId}.
 *
 * @param deviceId {@code "d_"} + 32 hex
 * @param kind {@code "fcm"}, {@code "apns"} or {@code "webpush"}
 * @param token FCM registration token; APNs device token (hex); for webpush the endpoint URL
 * @param apnsTopic apns only, else null
 * @param apnsEnvironment {@code "sandbox"} or {@code "production"}, apns only, else null
 * @param webPushP256dh base64url, webpush only, else null
 * @param webPushAuth base64url, webpush only, else null
 * @param createdAt epoch ms of the (last) registration
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
    long createdAt) {

  /** Tokens and keys never appear in a log line. */
  @Override
  public String toString() {
    return "Device[deviceId=" + deviceId + ", userId=" + userId + ", kind=" + kind + "]";
  }
}

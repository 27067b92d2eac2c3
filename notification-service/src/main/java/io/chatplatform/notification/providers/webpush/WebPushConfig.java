package io.chatplatform.notification.providers.webpush;

import io.chatplatform.runtime.Settings;
import java.nio.file.Path;

/**
 * The Web Push settings.
 *
 * @param allowedEndpoints {@code WEBPUSH_ALLOWED_ENDPOINTS}: the endpoints the server will call
 * @param vapidKeyFile {@code WEBPUSH_VAPID_KEY_FILE}: the VAPID P-256 private key (PEM); created on
 *     first start when missing (default {@code DATA_DIR/webpush-vapid.pem})
 * @param vapidSubject {@code WEBPUSH_VAPID_SUBJECT}: a mailto: or https: contact for the push services
 * @param timeoutMs {@code WEBPUSH_TIMEOUT_MS}: connect, and the whole request, to a push service
 * @param responseMaxBytes {@code WEBPUSH_RESPONSE_MAX_BYTES}: how much of a push service's answer is read
 * @param maxBodyBytes {@code WEBPUSH_MAX_BODY_BYTES}: the encrypted body's size limit (the preview is cut to fit)
 */
public record WebPushConfig(
    WebPushEndpoints allowedEndpoints,
    Path vapidKeyFile,
    String vapidSubject,
    long timeoutMs,
    int responseMaxBytes,
    int maxBodyBytes) {
  /** RFC 8030 only promises that push services accept 4096 bytes of body. */
  public static final int PUSH_SERVICE_BODY_LIMIT = 4096;

  public WebPushConfig {
    if (!vapidSubject.startsWith("mailto:") && !vapidSubject.startsWith("https://")) {
      throw new IllegalArgumentException("WEBPUSH_VAPID_SUBJECT must be a mailto: or https: URL");
    }
    if (timeoutMs <= 0 || responseMaxBytes <= 0) {
      throw new IllegalArgumentException("WEBPUSH_TIMEOUT_MS and WEBPUSH_RESPONSE_MAX_BYTES must be positive");
    }
    if (maxBodyBytes > PUSH_SERVICE_BODY_LIMIT || WebPushEncryption.maxPlaintextBytes(maxBodyBytes) < 256) {
      throw new IllegalArgumentException("WEBPUSH_MAX_BODY_BYTES must be between 360 and " + PUSH_SERVICE_BODY_LIMIT);
    }
  }

  public static WebPushConfig from(Settings settings) {
    Path dataDir = Path.of(settings.string("DATA_DIR", "./data"));
    return new WebPushConfig(
        WebPushEndpoints.parse(settings.string("WEBPUSH_ALLOWED_ENDPOINTS", WebPushEndpoints.DEFAULT)),
        Path.of(settings.string("WEBPUSH_VAPID_KEY_FILE", dataDir.resolve("webpush-vapid.pem").toString())),
        settings.string("WEBPUSH_VAPID_SUBJECT", "mailto:push@localhost"),
        settings.longValue("WEBPUSH_TIMEOUT_MS", 10_000),
        settings.integer("WEBPUSH_RESPONSE_MAX_BYTES", 4096),
        settings.integer("WEBPUSH_MAX_BODY_BYTES", PUSH_SERVICE_BODY_LIMIT));
  }
}

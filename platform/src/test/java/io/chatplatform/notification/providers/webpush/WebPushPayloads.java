package io.chatplatform.notification.providers.webpush;

import io.chatplatform.notification.domain.PushMessage;
import java.nio.charset.StandardCharsets;

/**
 * What a browser's service worker receives for a push, made by notification-service's own
 * (package-private) {@link WebPushPayload} with the default body limit, so the browser tests
 * deliver exactly that text. The platform's tests reach it from this package; the production code
 * keeps it private.
 */
public final class WebPushPayloads {
  private WebPushPayloads() {}

  /** The decrypted payload, as the service worker's {@code event.data.text()} gives it. */
  public static String of(PushMessage message) throws Exception {
    return new String(WebPushPayload.encode(message, WebPushEncryption.maxPlaintextBytes(WebPushConfig.PUSH_SERVICE_BODY_LIMIT)), StandardCharsets.UTF_8);
  }
}

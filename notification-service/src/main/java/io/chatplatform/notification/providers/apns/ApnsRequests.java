package io.chatplatform.notification.providers.apns;

import io.chatplatform.notification.domain.PushMessage;
import io.chatplatform.notification.providers.PushTexts;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * What goes to APNs for one push: the headers besides authorization and the JSON payload.
 *
 * <ul>
 *   <li>A message with a preview: a visible alert (room or sender as title, the text as body).
 *   <li>Id-only mode (no preview): a generic alert with {@code mutable-content: 1}, so the app's
 *       notification service extension fetches and shows the real text; nothing readable passes Apple.
 *   <li>{@code count == 0} (nothing new to show, e.g. the badge changed after a read elsewhere): a
 *       background push, {@code content-available: 1}, priority 5 as Apple requires for it.
 * </ul>
 */
public final class ApnsRequests {
  static final String GENERIC_ALERT = "New message";
  /** Apple's limit on apns-collapse-id. */
  static final int COLLAPSE_ID_MAX_BYTES = 64;
  /** Device tokens are hex (32 bytes today; Apple says not to assume a length). Anything else must not reach the path. */
  private static final Pattern DEVICE_TOKEN = Pattern.compile("[0-9a-fA-F]{16,200}");

  /** The headers and payload of one push. {@code collapseId} is null when the key is too long to send. */
  public record ApnsRequest(String pushType, int priority, long expirationSeconds, String collapseId, JsonObject payload) {}

  private ApnsRequests() {}

  public static boolean wellFormedToken(String deviceToken) {
    return deviceToken != null && DEVICE_TOKEN.matcher(deviceToken).matches();
  }

  public static ApnsRequest of(PushMessage message, long nowMs) {
    JsonObject aps = new JsonObject();
    JsonObject payload =
        new JsonObject()
            .put("roomId", message.roomId())
            .put("seq", message.seq())
            .put("count", message.count())
            .put("mentioned", message.mentioned());
    if (message.badge() != null) {
      aps.put("badge", message.badge());
    }
    String pushType;
    int priority;
    if (message.count() == 0) {
      aps.put("content-available", 1);
      pushType = "background";
      priority = 5;
    } else {
      aps.put("thread-id", message.roomId()).put("sound", "default");
      if (message.preview() != null) {
        aps.put("alert", new JsonObject().put("title", PushTexts.title(message)).put("body", PushTexts.body(message)));
      } else {
        aps.put("alert", new JsonObject().put("body", GENERIC_ALERT)).put("mutable-content", 1);
      }
      pushType = "alert";
      priority = 10;
    }
    String collapseId =
        message.collapseKey() != null && message.collapseKey().getBytes(StandardCharsets.UTF_8).length <= COLLAPSE_ID_MAX_BYTES
            ? message.collapseKey()
            : null;
    long expiration = nowMs / 1000 + Math.max(0, message.ttlSeconds());
    return new ApnsRequest(pushType, priority, expiration, collapseId, payload.put("aps", aps));
  }
}

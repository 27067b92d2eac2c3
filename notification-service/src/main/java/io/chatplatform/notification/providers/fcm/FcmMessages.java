package io.chatplatform.notification.providers.fcm;

import io.chatplatform.notification.domain.Device;
import io.chatplatform.notification.domain.PushMessage;
import io.chatplatform.notification.providers.PushTexts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The FCM HTTP v1 request body for one push. With a preview the message carries a notification
 * (shown by the system); in id-only mode it is data-only: the app wakes, fetches the messages
 * itself, and no name or text passes through Google.
 */
public final class FcmMessages {
  private FcmMessages() {}

  public static JsonObject body(Device device, PushMessage message) {
    JsonObject data =
        new JsonObject()
            .put("roomId", message.roomId())
            .put("seq", Long.toString(message.seq()))
            .put("count", Integer.toString(message.count()))
            .put("mentioned", Boolean.toString(message.mentioned()));
    JsonObject android =
        new JsonObject()
            .put("collapse_key", message.collapseKey())
            .put("priority", "high")
            .put("ttl", message.ttlSeconds() + "s");
    JsonObject webpush =
        new JsonObject()
            .put("headers", new JsonObject().put("TTL", Integer.toString(message.ttlSeconds())).put("Urgency", "high"));
    JsonObject fcm = new JsonObject().put("token", device.token());
    if (message.preview() != null) {
      String title = PushTexts.title(message);
      String body = PushTexts.body(message);
      data.put("roomName", message.roomName()).put("senderName", message.senderName());
      fcm.put("notification", new JsonObject().put("title", title).put("body", body));
      JsonObject androidNotification = new JsonObject().put("tag", message.collapseKey());
      if (message.badge() != null) {
        androidNotification.put("notification_count", message.badge());
      }
      android.put("notification", androidNotification);
      webpush.put("notification", new JsonObject().put("title", title).put("body", body).put("tag", message.collapseKey()));
    }
    return new JsonObject().put("message", fcm.put("android", android).put("webpush", webpush).put("data", data));
  }

  /** FCM's error code for a refused send (details[].errorCode), or "" when it gave none. */
  static String errorCode(JsonObject error) {
    JsonArray details = error.getJsonArray("details", new JsonArray());
    for (int i = 0; i < details.size(); i++) {
      Object detail = details.getValue(i);
      if (detail instanceof JsonObject json && json.getString("errorCode") != null) {
        return json.getString("errorCode");
      }
    }
    return "";
  }

  /** Whether a 400 names the registration token as the bad field (a malformed or foreign token). */
  static boolean tokenRejected(JsonObject error) {
    JsonArray details = error.getJsonArray("details", new JsonArray());
    for (int i = 0; i < details.size(); i++) {
      if (details.getValue(i) instanceof JsonObject detail) {
        JsonArray violations = detail.getJsonArray("fieldViolations", new JsonArray());
        for (int j = 0; j < violations.size(); j++) {
          if (violations.getValue(j) instanceof JsonObject violation && "message.token".equals(violation.getString("field"))) {
            return true;
          }
        }
      }
    }
    return false;
  }
}

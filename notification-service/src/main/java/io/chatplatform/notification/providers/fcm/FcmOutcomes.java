package io.chatplatform.notification.providers.fcm;

import io.chatplatform.notification.domain.PushOutcome;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * What FCM's answer means for the device. Reasons carry the status and FCM's error code only: never
 * a token, and not FCM's free-text message (which may quote the request).
 */
public final class FcmOutcomes {
  private FcmOutcomes() {}

  /**
   * @param retryAfterMs from the Retry-After header, -1 when absent
   */
  public static PushOutcome of(int status, long retryAfterMs, String body) {
    if (status >= 200 && status < 300) {
      return new PushOutcome.Delivered();
    }
    if (status == 429 || status >= 500) {
      return new PushOutcome.Retry(retryAfterMs, "fcm " + status);
    }
    JsonObject error = error(body);
    String code = FcmMessages.errorCode(error);
    String reason = "fcm " + status + (code.isEmpty() ? "" : " " + code);
    if (status == 404 && code.equals("UNREGISTERED")) {
      return new PushOutcome.InvalidDevice(reason);
    }
    if (status == 400 && FcmMessages.tokenRejected(error)) {
      return new PushOutcome.InvalidDevice(reason + " message.token");
    }
    return new PushOutcome.Failed(reason);
  }

  private static JsonObject error(String body) {
    try {
      JsonObject json = body == null || body.isBlank() ? new JsonObject() : new JsonObject(body);
      return json.getJsonObject("error", new JsonObject());
    } catch (DecodeException | ClassCastException notJson) {
      return new JsonObject();
    }
  }
}

package io.chatplatform.notification.providers.apns;

import io.chatplatform.notification.domain.PushOutcome;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/** What APNs's answer means for the device; the reason is the status and Apple's reason code, never a token. */
public final class ApnsOutcomes {
  /** The token is dead or belongs to another app (or the other environment): delete the device. */
  private static final Set<String> DEAD_TOKEN = Set.of("BadDeviceToken", "Unregistered", "DeviceTokenNotForTopic");

  private ApnsOutcomes() {}

  public static PushOutcome of(int status, long retryAfterMs, String body) {
    if (status == 200) {
      return new PushOutcome.Delivered();
    }
    String reason = reason(body);
    String described = "apns " + status + (reason.isEmpty() ? "" : " " + reason);
    if (status == 410 || DEAD_TOKEN.contains(reason)) {
      return new PushOutcome.InvalidDevice(described);
    }
    if (status == 429 || status >= 500 || reason.equals("ExpiredProviderToken")) {
      return new PushOutcome.Retry(retryAfterMs, described);
    }
    return new PushOutcome.Failed(described);
  }

  public static String reason(String body) {
    try {
      return body == null || body.isBlank() ? "" : new JsonObject(body).getString("reason", "");
    } catch (DecodeException | ClassCastException notJson) {
      return "";
    }
  }
}

package io.chatplatform.contracts.notification;

import io.chatplatform.contracts.Ack;
import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.Endpoint;
import io.chatplatform.contracts.Fields;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.Shape;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What notification-service serves. {@link NewMessage} comes from chat-service (trusted); the rest
 * from clients through the gateway, which sets {@code callerId} from the token. Field types are
 * checked here; what the values may be (token forms, allowed endpoints, the device cap) is
 * notification-service's to check.
 */
public final class NotificationApi {
  private NotificationApi() {}

  /**
   * One stored message, as a push needs it: sent once per message (never per member) by
   * chat-service after history stored it. {@code text} is the message text; notification-service
   * cuts it to its preview length, and keeps none of it in id-only mode.
   */
  public record NewMessage(String roomId, long seq, String senderId, List<String> mentions, String text) {
    public NewMessage {
      mentions = List.copyOf(mentions);
    }

    public static final Shape<NewMessage> SHAPE = Shape.of(NewMessage.class, NewMessage::read, NewMessage::write);

    static NewMessage read(JsonObject json) {
      return new NewMessage(
          Fields.string(json, "roomId"), json.getLong("seq", 0L), Fields.string(json, "senderId"),
          Fields.strings(json, "mentions", "mentions must be a list"), json.getString("text", ""));
    }

    JsonObject write() {
      return new JsonObject()
          .put("roomId", roomId).put("seq", seq).put("senderId", senderId).put("mentions", Fields.array(mentions)).put("text", text);
    }
  }

  /**
   * The caller registers a device: {@code kind} fcm ({@code token}), apns ({@code token},
   * {@code topic}, {@code environment}) or webpush ({@code subscription: {endpoint, keys:
   * {p256dh, auth}}}, as a browser's {@code PushSubscription.toJSON()} gives it).
   */
  public record DeviceRegistration(
      String callerId, String kind, String token, String topic, String environment, String endpoint, String p256dh, String auth) {

    static DeviceRegistration read(JsonObject json) {
      String endpoint = null;
      String p256dh = null;
      String auth = null;
      Object subscription = json.getValue("subscription");
      if (subscription != null) {
        if (!(subscription instanceof JsonObject sub)) {
          throw ServiceException.badRequest("subscription must be an object");
        }
        endpoint = Fields.optString(sub, "endpoint");
        Object keys = sub.getValue("keys");
        if (keys != null) {
          if (!(keys instanceof JsonObject k)) {
            throw ServiceException.badRequest("subscription.keys must be an object");
          }
          p256dh = Fields.optString(k, "p256dh");
          auth = Fields.optString(k, "auth");
        }
      }
      return new DeviceRegistration(
          Fields.string(json, "callerId"), Fields.optString(json, "kind"), Fields.optString(json, "token"),
          Fields.optString(json, "topic"), Fields.optString(json, "environment"), endpoint, p256dh, auth);
    }

    JsonObject write() {
      JsonObject json = new JsonObject()
          .put("callerId", callerId).put("kind", kind).put("token", token).put("topic", topic).put("environment", environment);
      if (endpoint != null || p256dh != null || auth != null) {
        json.put("subscription", new JsonObject().put("endpoint", endpoint).put("keys", new JsonObject().put("p256dh", p256dh).put("auth", auth)));
      }
      return json;
    }

    /** Push tokens are credentials of a sort: never in a log line. */
    @Override
    public String toString() {
      return "DeviceRegistration[callerId=" + callerId + ", kind=" + kind + "]";
    }
  }

  /** One of the caller's devices. */
  public record DeviceRef(String callerId, String deviceId) {
    static DeviceRef read(JsonObject json) {
      return new DeviceRef(Fields.string(json, "callerId"), Fields.string(json, "deviceId"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("deviceId", deviceId);
    }
  }

  /** A request with nothing but its caller. */
  public record Caller(String callerId) {
    static Caller read(JsonObject json) {
      return new Caller(Fields.string(json, "callerId"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId);
    }
  }

  /** The caller's notification mode in a room: {@code all}, {@code mentions} or {@code none}. */
  public record RoomMode(String callerId, String roomId, String mode) {
    static RoomMode read(JsonObject json) {
      return new RoomMode(Fields.string(json, "callerId"), Fields.string(json, "roomId"), Fields.optString(json, "mode"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("roomId", roomId).put("mode", mode);
    }
  }

  private static final Shape<Caller> CALLER = Shape.of(Caller.class, Caller::read, Caller::write);

  /** Reply: the client-facing device (201). */
  public static final Endpoint<DeviceRegistration, JsonObject> DEVICE_REGISTER = Endpoint.of(
      Addresses.Notification.DEVICE_REGISTER,
      Shape.of(DeviceRegistration.class, DeviceRegistration::read, DeviceRegistration::write), Shape.JSON);
  /** Reply: client-facing {@code {devices: [device]}}, newest first. */
  public static final Endpoint<Caller, JsonObject> DEVICE_LIST = Endpoint.of(Addresses.Notification.DEVICE_LIST, CALLER, Shape.JSON);
  /** {@code not_found} for a device that is not the caller's. */
  public static final Endpoint<DeviceRef, Ack> DEVICE_DELETE = Endpoint.of(
      Addresses.Notification.DEVICE_DELETE, Shape.of(DeviceRef.class, DeviceRef::read, DeviceRef::write), Ack.SHAPE);
  /** Reply: client-facing {@code {roomId, mode}}; {@code not_found} when the caller is no member. */
  public static final Endpoint<RoomMode, JsonObject> ROOM_MODE_SET = Endpoint.of(
      Addresses.Notification.ROOM_MODE_SET, Shape.of(RoomMode.class, RoomMode::read, RoomMode::write), Shape.JSON);
  /** Reply: client-facing {@code {publicKey}}; {@code unavailable} "push not configured" without Web Push. */
  public static final Endpoint<Caller, JsonObject> WEBPUSH_KEY = Endpoint.of(Addresses.Notification.WEBPUSH_KEY, CALLER, Shape.JSON);

  public static final List<Endpoint<?, ?>> ALL = List.of(DEVICE_REGISTER, DEVICE_LIST, DEVICE_DELETE, ROOM_MODE_SET, WEBPUSH_KEY);

  /** Payloads sent rather than requested. */
  public static final List<Shape<?>> PUBLISHED = List.of(NewMessage.SHAPE);
}

package io.chatplatform.notification.domain;

import io.chatplatform.contracts.Ack;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.notification.NotificationApi.DeviceRegistration;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * A user's devices: registered with every field checked, listed, deleted; at most
 * {@code maxDevicesPerUser}, the oldest dropped when a new one would pass it.
 */
public final class Devices {
  public static final String FCM = "fcm";
  public static final String APNS = "apns";
  public static final String WEBPUSH = "webpush";

  /** FCM registration tokens: base64url-ish with ':' (observed lengths ~150-250; 4096 leaves room). */
  private static final Pattern FCM_TOKEN = Pattern.compile("[A-Za-z0-9_:\\-]{16,4096}");
  /** APNs device tokens: hex, 32 bytes today, up to 100 bytes allowed by Apple. */
  private static final Pattern APNS_TOKEN = Pattern.compile("[0-9a-fA-F]{64,200}");
  /** A bundle id, possibly with a suffix such as {@code .voip}. */
  private static final Pattern APNS_TOPIC = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.\\-]{0,254}");
  private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_\\-]+={0,2}");
  static final int MAX_ENDPOINT_LENGTH = 2048;

  private final DeviceStore store;
  private final EndpointPolicy endpoints;
  private final int maxDevicesPerUser;
  private final LongSupplier clock;
  private final SecureRandom random = new SecureRandom();

  public Devices(DeviceStore store, EndpointPolicy endpoints, int maxDevicesPerUser, LongSupplier clock) {
    this.store = store;
    this.endpoints = endpoints;
    this.maxDevicesPerUser = maxDevicesPerUser;
    this.clock = clock;
  }

  /** Registers (or moves to the caller) the device; the caller's oldest beyond the cap are deleted. */
  public Future<Device> register(DeviceRegistration request) {
    Device device = checked(request);
    return store.register(device).compose(stored -> trim(stored.userId()).map(stored));
  }

  public Future<List<Device>> list(String userId) {
    return store.ofUser(userId);
  }

  public Future<Ack> delete(String userId, String deviceId) {
    return store.delete(userId, deviceId)
        .compose(found -> found ? Future.succeededFuture(Ack.DONE) : Future.failedFuture(ServiceException.notFound("device not found")));
  }

  private Future<Void> trim(String userId) {
    return store.ofUser(userId).compose(devices -> {
      List<Device> beyond = devices.stream().skip(maxDevicesPerUser).toList();
      return Future.all(beyond.stream().map(d -> store.delete(userId, d.deviceId())).toList()).mapEmpty();
    });
  }

  private Device checked(DeviceRegistration r) {
    String kind = r.kind();
    long now = clock.getAsLong();
    String id = newId();
    if (FCM.equals(kind)) {
      only(r, "token");
      require(r.token() != null && FCM_TOKEN.matcher(r.token()).matches(), "token must be an FCM registration token");
      return new Device(id, r.callerId(), FCM, r.token(), null, null, null, null, now);
    }
    if (APNS.equals(kind)) {
      only(r, "token", "topic", "environment");
      require(r.token() != null && APNS_TOKEN.matcher(r.token()).matches(), "token must be an APNs device token (hex)");
      require(r.topic() != null && APNS_TOPIC.matcher(r.topic()).matches(), "topic must be the app's bundle id");
      require("sandbox".equals(r.environment()) || "production".equals(r.environment()), "environment must be sandbox or production");
      return new Device(id, r.callerId(), APNS, r.token().toLowerCase(Locale.ROOT), r.topic(), r.environment(), null, null, now);
    }
    if (WEBPUSH.equals(kind)) {
      only(r, "subscription");
      require(r.endpoint() != null && r.endpoint().length() <= MAX_ENDPOINT_LENGTH && endpoints.allowed(r.endpoint()),
          "subscription.endpoint is not an allowed push service URL");
      // RFC 8291: the client's P-256 public key is 65 bytes uncompressed (0x04 ...), its auth secret 16.
      byte[] p256dh = base64url(r.p256dh(), "subscription.keys.p256dh");
      require(p256dh.length == 65 && p256dh[0] == 4, "subscription.keys.p256dh must be an uncompressed P-256 public key");
      require(base64url(r.auth(), "subscription.keys.auth").length == 16, "subscription.keys.auth must be 16 bytes");
      return new Device(id, r.callerId(), WEBPUSH, r.endpoint(), null, null, r.p256dh(), r.auth(), now);
    }
    throw ServiceException.badRequest("kind must be fcm, apns or webpush");
  }

  /** A field of another kind is a client's mistake, not something to ignore. */
  private static void only(DeviceRegistration r, String... allowed) {
    List<String> fields = List.of(allowed);
    boolean subscription = r.endpoint() != null || r.p256dh() != null || r.auth() != null;
    require(r.token() == null || fields.contains("token"), "token is not a field of this kind");
    require(r.topic() == null || fields.contains("topic"), "topic is only for apns");
    require(r.environment() == null || fields.contains("environment"), "environment is only for apns");
    require(!subscription || fields.contains("subscription"), "subscription is only for webpush");
  }

  private static byte[] base64url(String value, String field) {
    require(value != null && value.length() <= 256 && BASE64URL.matcher(value).matches(), field + " must be base64url");
    try {
      return Base64.getUrlDecoder().decode(value.replace("=", ""));
    } catch (IllegalArgumentException e) {
      throw ServiceException.badRequest(field + " must be base64url");
    }
  }

  private static void require(boolean condition, String problem) {
    if (!condition) {
      throw ServiceException.badRequest(problem);
    }
  }

  private String newId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return "d_" + HexFormat.of().formatHex(bytes);
  }
}

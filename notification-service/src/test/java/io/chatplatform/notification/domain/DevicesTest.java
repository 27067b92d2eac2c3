package io.chatplatform.notification.domain;

import io.chatplatform.notification.providers.webpush.WebPushEndpoints;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.notification.NotificationApi.DeviceRegistration;
import io.chatplatform.testsupport.Await;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Devices")
class DevicesTest {
  static final String P256DH = Base64.getUrlEncoder().withoutPadding().encodeToString(key());
  static final String AUTH = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[16]);

  final AtomicLong now = new AtomicLong(1000);
  final MemoryDeviceStore store = new MemoryDeviceStore();
  final Devices devices = new Devices(store, WebPushEndpoints.parse("https://push.example.com/,https://p.example.com/"), 3, () -> now.incrementAndGet());

  static byte[] key() {
    byte[] k = new byte[65];
    k[0] = 4;
    return k;
  }

  static DeviceRegistration fcm(String user, String token) {
    return new DeviceRegistration(user, "fcm", token, null, null, null, null, null);
  }

  static DeviceRegistration webpush(String user, String endpoint) {
    return new DeviceRegistration(user, "webpush", null, null, null, endpoint, P256DH, AUTH);
  }

  String problem(DeviceRegistration r) {
    try {
      devices.register(r);
    } catch (ServiceException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a refusal of " + r);
  }

  @Test
  @DisplayName("each kind registers with its fields; wrong or foreign fields are refused")
  void validation() {
    assertThat(Await.result(devices.register(fcm("u1", "fcm-token-0123456789:abc"))).kind()).isEqualTo("fcm");
    Device apns = Await.result(devices.register(
        new DeviceRegistration("u1", "apns", "AB".repeat(32), "com.example.chat", "sandbox", null, null, null)));
    assertThat(apns.token()).isEqualTo("ab".repeat(32));
    assertThat(apns.deviceId()).matches("d_[0-9a-f]{32}");
    assertThat(Await.result(devices.register(webpush("u1", "https://push.example.com/abc"))).token())
        .isEqualTo("https://push.example.com/abc");

    assertThat(problem(fcm("u1", "short"))).contains("token");
    assertThat(problem(new DeviceRegistration("u1", "apns", "zz".repeat(32), "com.example.chat", "sandbox", null, null, null))).contains("token");
    assertThat(problem(new DeviceRegistration("u1", "apns", "ab".repeat(32), "com.example.chat", "staging", null, null, null))).contains("environment");
    assertThat(problem(new DeviceRegistration("u1", "fcm", "fcm-token-0123456789", "com.x", null, null, null, null))).contains("topic");
    assertThat(problem(webpush("u1", "http://push.example.com/abc"))).contains("endpoint");
    assertThat(problem(webpush("u1", "https://user@push.example.com/abc"))).contains("endpoint");
    assertThat(problem(webpush("u1", "https://internal.example.org/abc"))).as("not on the allow-list").contains("endpoint");
    assertThat(problem(new DeviceRegistration("u1", "webpush", null, null, null, "https://p.example.com/a", "AAAA", AUTH))).contains("p256dh");
    assertThat(problem(new DeviceRegistration("u1", "webpush", null, null, null, "https://p.example.com/a", P256DH, "AAAA"))).contains("auth");
    assertThat(problem(new DeviceRegistration("u1", "sms", "x", null, null, null, null, null))).contains("kind");
  }

  @Test
  @DisplayName("at most MAX_DEVICES_PER_USER: the oldest is dropped")
  void capDropsOldest() {
    for (int i = 0; i < 4; i++) {
      Await.result(devices.register(fcm("u1", "fcm-token-000000000" + i)));
    }
    assertThat(Await.result(devices.list("u1"))).extracting(Device::token)
        .containsExactly("fcm-token-0000000003", "fcm-token-0000000002", "fcm-token-0000000001");
  }

  @Test
  @DisplayName("re-registering a token moves it (to the new user, newest again), never duplicates it")
  void reregisterMoves() {
    Device first = Await.result(devices.register(fcm("u1", "fcm-token-shared-0001")));
    Await.result(devices.register(fcm("u1", "fcm-token-other-00001")));
    Device again = Await.result(devices.register(fcm("u1", "fcm-token-shared-0001")));
    assertThat(again.deviceId()).isEqualTo(first.deviceId());
    assertThat(Await.result(devices.list("u1"))).extracting(Device::token)
        .containsExactly("fcm-token-shared-0001", "fcm-token-other-00001");
    Await.result(devices.register(fcm("u2", "fcm-token-shared-0001")));
    assertThat(Await.result(devices.list("u1"))).extracting(Device::token).containsExactly("fcm-token-other-00001");
    assertThat(Await.result(devices.list("u2"))).extracting(Device::deviceId).containsExactly(first.deviceId());
  }

  @Test
  @DisplayName("a user deletes only their own device")
  void deleteOwnOnly() {
    Device d = Await.result(devices.register(fcm("u1", "fcm-token-0123456789")));
    assertThat(Await.failure(devices.delete("u2", d.deviceId()))).hasMessageContaining("not found");
    Await.result(devices.delete("u1", d.deviceId()));
    assertThat(Await.result(devices.list("u1"))).isEmpty();
  }
}

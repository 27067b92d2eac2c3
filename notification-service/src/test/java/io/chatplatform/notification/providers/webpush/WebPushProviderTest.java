package io.chatplatform.notification.providers.webpush;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.notification.domain.Device;
import io.chatplatform.notification.domain.PushMessage;
import io.chatplatform.notification.domain.PushOutcome;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Web Push provider against a stand-in push service on a real socket. */
class WebPushProviderTest {
  static final String SUBJECT = "mailto:ops@chat.example";
  static Vertx vertx;
  static byte[] p256dh;
  static byte[] auth;
  static SubscriptionDecryptor browser;

  @TempDir Path dataDir;
  StandInPushService pushService;
  SimpleMeterRegistry metrics;
  WebPushProvider provider;

  @BeforeAll
  static void subscribe() {
    vertx = Vertx.vertx();
    // What a browser's PushManager.subscribe() makes: a P-256 key pair and a 16-byte auth secret.
    KeyPair subscription = P256.generate();
    p256dh = P256.uncompressed((ECPublicKey) subscription.getPublic());
    auth = new byte[16];
    new SecureRandom().nextBytes(auth);
    browser = new SubscriptionDecryptor(P256.scalar((ECPrivateKey) subscription.getPrivate()), p256dh, auth);
  }

  @AfterAll
  static void stopVertx() {
    Await.result(vertx.close());
  }

  @BeforeEach
  void start() {
    pushService = new StandInPushService(vertx, browser).start();
    metrics = new SimpleMeterRegistry();
    provider = Await.result(WebPushProvider.start(vertx, config(), metrics));
  }

  @AfterEach
  void stop() {
    Await.result(provider.close());
    pushService.close();
  }

  WebPushConfig config() {
    return WebPushConfig.from(Settings.of(Map.of(
        "DATA_DIR", dataDir.toString(),
        // The stand-in is plain http on 127.0.0.1, so the test allows exactly its /sub/ paths.
        "WEBPUSH_ALLOWED_ENDPOINTS", pushService.url("/sub/"),
        "WEBPUSH_VAPID_SUBJECT", SUBJECT,
        "WEBPUSH_TIMEOUT_MS", "5000")));
  }

  @Test
  @DisplayName("an endpoint outside WEBPUSH_ALLOWED_ENDPOINTS is refused before any connection: the stand-in sees nothing")
  void refusesEndpointsOutsideTheAllowedPrefixes() {
    for (String endpoint : new String[] {
        pushService.url("/other/ok/1"),
        pushService.url("/sub/../other/ok"),
        pushService.url("/sub/%2e%2e/other"),
        "http://localhost:" + pushService.url("").split(":")[2] + "/sub/ok/1",
        pushService.url("/sub/ok/1").replace("http://", "http://user@")}) {
      assertThat(send(endpoint, message("hi"))).as(endpoint).isInstanceOf(PushOutcome.Failed.class);
    }
    assertThat(pushService.connections()).isZero();
    assertThat(count("refused")).isEqualTo(5);
  }

  @Test
  @DisplayName("201: Delivered; the VAPID token verifies with k= and names the origin, the body decrypts to the message")
  void deliversAnEncryptedSignedPush() {
    long before = System.currentTimeMillis() / 1000;
    PushMessage message = new PushMessage("r_lobby", "Lobby", 42, 3, "ada", "hello there", "r_lobby", true, 2, 600);

    assertThat(send(pushService.url("/sub/ok/1"), message)).isEqualTo(new PushOutcome.Delivered());

    assertThat(pushService.refusals()).isEmpty();
    assertThat(pushService.received()).hasSize(1);
    StandInPushService.Received got = pushService.received().get(0);
    assertThat(got.vapidKey()).isEqualTo(provider.publicKey());
    assertThat(got.claims().getString("aud")).isEqualTo(pushService.url(""));
    assertThat(got.claims().getString("sub")).isEqualTo(SUBJECT);
    assertThat(got.claims().getLong("exp")).isGreaterThan(before).isLessThanOrEqualTo(before + 24 * 3600);
    assertThat(got.contentEncoding()).isEqualTo("aes128gcm");
    assertThat(got.ttl()).isEqualTo("600");
    assertThat(got.urgency()).isEqualTo("high");
    assertThat(got.topic()).matches("[A-Za-z0-9_-]{1,32}");
    assertThat(new JsonObject(new String(got.plaintext(), StandardCharsets.UTF_8))).isEqualTo(new JsonObject()
        .put("roomId", "r_lobby").put("roomName", "Lobby").put("seq", 42).put("count", 3)
        .put("senderName", "ada").put("preview", "hello there"));
    assertThat(count("delivered")).isEqualTo(1);
  }

  @Test
  @DisplayName("id-only mode: no preview in the payload; one room gives one Topic, another room another")
  void idOnlyPayloadAndTopicPerRoom() {
    send(pushService.url("/sub/ok/1"), new PushMessage("r_a", "", 1, 1, "ada", null, "r_a", false, null, 60));
    send(pushService.url("/sub/ok/2"), new PushMessage("r_a", "", 2, 1, "ada", null, "r_a", false, null, 60));
    send(pushService.url("/sub/ok/3"), new PushMessage("r_b", "", 1, 1, "ada", null, "r_b", false, null, 60));

    var received = pushService.received();
    assertThat(new JsonObject(new String(received.get(0).plaintext(), StandardCharsets.UTF_8)).containsKey("preview")).isFalse();
    assertThat(received.get(0).urgency()).isEqualTo("normal");
    assertThat(received.get(0).topic()).isEqualTo(received.get(1).topic()).isNotEqualTo(received.get(2).topic());
  }

  @Test
  @DisplayName("a preview too long for 4096 bytes is cut to fit; the body stays within the limit and decrypts")
  void cutsALongPreview() {
    String preview = "é".repeat(5000);
    assertThat(send(pushService.url("/sub/ok/1"), message(preview))).isEqualTo(new PushOutcome.Delivered());

    StandInPushService.Received got = pushService.received().get(0);
    System.out.println("body bytes for a 10000-byte preview: " + got.body().length);
    assertThat(got.body().length).isLessThanOrEqualTo(4096);
    String sent = new JsonObject(new String(got.plaintext(), StandardCharsets.UTF_8)).getString("preview");
    assertThat(sent).hasSizeBetween(1000, 4096);
    assertThat(preview).startsWith(sent.substring(0, sent.length() - 1));
    assertThat(sent).endsWith("…");
  }

  @Test
  @DisplayName("404 and 410: InvalidDevice (the core deletes the device)")
  void goneIsAnInvalidDevice() {
    assertThat(send(pushService.url("/sub/gone/1"), message("x"))).isInstanceOf(PushOutcome.InvalidDevice.class);
    assertThat(send(pushService.url("/sub/notfound/1"), message("x"))).isInstanceOf(PushOutcome.InvalidDevice.class);
    assertThat(count("invalid_device")).isEqualTo(2);
  }

  @Test
  @DisplayName("429 with Retry-After: Retry after that many ms; 503 without: Retry(-1)")
  void busyAndDownAreRetried() {
    PushOutcome busy = send(pushService.url("/sub/busy/1"), message("x"));
    PushOutcome down = send(pushService.url("/sub/down/1"), message("x"));
    assertThat(busy).isInstanceOfSatisfying(PushOutcome.Retry.class, r -> assertThat(r.retryAfterMs()).isEqualTo(7000));
    assertThat(down).isInstanceOfSatisfying(PushOutcome.Retry.class, r -> assertThat(r.retryAfterMs()).isEqualTo(-1));
    assertThat(count("retry")).isEqualTo(2);
  }

  @Test
  @DisplayName("400: Failed, not retried and the device kept")
  void badRequestFails() {
    assertThat(send(pushService.url("/sub/bad/1"), message("x"))).isInstanceOf(PushOutcome.Failed.class);
    assertThat(count("failed")).isEqualTo(1);
  }

  @Test
  @DisplayName("a redirect is not followed: Failed, and the target is never asked")
  void redirectsAreNotFollowed() {
    assertThat(send(pushService.url("/sub/redirect/1"), message("x"))).isInstanceOf(PushOutcome.Failed.class);
    assertThat(pushService.received()).extracting(StandInPushService.Received::path).containsExactly("/sub/redirect/1");
  }

  @Test
  @DisplayName("an endless answer is cut at WEBPUSH_RESPONSE_MAX_BYTES: the outcome comes and the connection is closed")
  void oversizedAnswersAreCut() {
    assertThat(send(pushService.url("/sub/huge/1"), message("x"))).isInstanceOf(PushOutcome.Failed.class);
    long written = Await.result(pushService.hugeClosed());
    System.out.println("the stand-in wrote " + written + " bytes before the provider closed the connection");
  }

  @Test
  @DisplayName("the VAPID key is created once in DATA_DIR and kept: a restart signs with the same public key")
  void vapidKeyIsKept() {
    Path file = dataDir.resolve("webpush-vapid.pem");
    assertThat(file).exists();
    WebPushProvider again = Await.result(WebPushProvider.start(vertx, config(), metrics));
    assertThat(again.publicKey()).isEqualTo(provider.publicKey());
    assertThat(Base64.getUrlDecoder().decode(provider.publicKey())).hasSize(65).startsWith(4);
    Await.result(again.close());
  }

  @Test
  @DisplayName("a VAPID key file written by openssl (SEC 1 'EC PRIVATE KEY') is read")
  void readsAnOpensslKey() throws Exception {
    // The SEC 1 form `openssl ecparam -name prime256v1 -genkey -noout` writes, holding the sender key of RFC 8291 Appendix A.
    String pem = "-----BEGIN EC PRIVATE KEY-----\n"
        + "MHcCAQEEIMn1j4mBPp+Ohy5x9CqmThdXySVNzGK3LdwBC7QEPqEcoAoGCCqGSM49\n"
        + "AwEHoUQDQgAE/jP0qw3qcZFNtVgj9ztUlI9BMG2SBzLbuaWaUyhkgiAOWXp7e8Jg\n"
        + "uhwieZhYCZLpOXMALzASooro8Gu7eOXsDw==\n"
        + "-----END EC PRIVATE KEY-----\n";
    Path file = dataDir.resolve("openssl.pem");
    Files.writeString(file, pem);
    assertThat(Vapid.loadOrCreate(file, SUBJECT).publicKey()).isEqualTo(WebPushEncryptionTest.AS_PUBLIC);
  }

  PushOutcome send(String endpoint, PushMessage message) {
    Device device = new Device("d_" + "0".repeat(32), "u_1", "webpush", endpoint, null, null,
        Base64.getUrlEncoder().withoutPadding().encodeToString(p256dh),
        Base64.getUrlEncoder().withoutPadding().encodeToString(auth), 0);
    return Await.result(provider.send(device, message));
  }

  static PushMessage message(String preview) {
    return new PushMessage("r_1", "Room", 1, 1, "ada", preview, "r_1", false, null, 60);
  }

  double count(String result) {
    var counter = metrics.find("chat.push.sent").tag("provider", "webpush").tag("result", result).counter();
    return counter == null ? 0 : counter.count();
  }
}

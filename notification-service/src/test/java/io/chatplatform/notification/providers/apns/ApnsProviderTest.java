package io.chatplatform.notification.providers.apns;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.notification.domain.Device;
import io.chatplatform.notification.domain.PushMessage;
import io.chatplatform.notification.domain.PushOutcome;
import io.chatplatform.notification.providers.MutableClock;
import io.chatplatform.notification.providers.PushMetrics;
import io.chatplatform.notification.providers.TestKeys;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The APNs provider against Pushy's MockApnsServer: TLS, HTTP/2, ES256 provider tokens checked with the team's public key. */
class ApnsProviderTest {
  private static final String KEY_ID = "ABC123DEFG";
  private static final String TEAM_ID = "TEAM456XYZ";
  private static final String TOPIC = "io.chatplatform.ios";
  private static final String DEVICE = "a1".repeat(32);
  private static final String GONE = "b2".repeat(32);
  private static final String FOREIGN = "c3".repeat(32);
  /** Well-formed hex, but not the 32 bytes the stand-in (like Apple today) expects. */
  private static final String BAD = "d4".repeat(33);

  @TempDir Path dir;
  private Vertx vertx;
  private KeyPair teamKey;
  private ApnsStandIn apple;
  private SimpleMeterRegistry metrics;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    teamKey = TestKeys.p256();
    apple =
        new ApnsStandIn(
            dir, (ECPublicKey) teamKey.getPublic(), KEY_ID, TEAM_ID, TOPIC, Set.of(DEVICE, GONE, BAD),
            Map.of(GONE, Instant.now().minusSeconds(3600)));
    metrics = new SimpleMeterRegistry();
  }

  @AfterEach
  void stop() throws Exception {
    Await.result(vertx.close());
    apple.close();
  }

  @Test
  void anAlertIsAcceptedWithAValidProviderTokenAndApplesHeaders() {
    Instant now = Instant.now();
    ApnsProvider apns = provider(teamKey, Clock.fixed(now, java.time.ZoneOffset.UTC));

    PushOutcome outcome = Await.result(apns.send(device(DEVICE, "production"), withPreview()));

    ApnsStandIn.Seen seen = apple.seen.get(0);
    System.out.println("outcome " + outcome + "; stand-in saw " + seen.headers().keySet() + " " + seen.payload());
    assertThat(outcome).isEqualTo(new PushOutcome.Delivered());
    assertThat(seen.rejection()).isNull();
    assertThat(seen.headers())
        .containsEntry(":path", "/3/device/" + DEVICE)
        .containsEntry("apns-topic", TOPIC)
        .containsEntry("apns-push-type", "alert")
        .containsEntry("apns-collapse-id", "r_1")
        .containsEntry("apns-priority", "10")
        .containsEntry("apns-expiration", Long.toString(now.getEpochSecond() + 600));
    assertThat(seen.headers().get("authorization")).startsWith("bearer ");
    JsonObject payload = new JsonObject(seen.payload());
    assertThat(payload.getJsonObject("aps"))
        .isEqualTo(
            new JsonObject()
                .put("badge", 4).put("thread-id", "r_1").put("sound", "default")
                .put("alert", new JsonObject().put("title", "general").put("body", "Ann: see you at 5 (+2 more)")));
    assertThat(payload.getString("roomId")).isEqualTo("r_1");
    assertThat(payload.getLong("seq")).isEqualTo(42);
    assertThat(metrics.counter(PushMetrics.SENT_METRIC, "provider", "apns", "result", "delivered").count()).isEqualTo(1);
  }

  @Test
  void idOnlyModeSendsAGenericMutableAlertWithNoNamesOrText() {
    ApnsProvider apns = provider(teamKey, Clock.systemUTC());

    assertThat(Await.result(apns.send(device(DEVICE, "production"), idOnly()))).isEqualTo(new PushOutcome.Delivered());

    String payload = apple.seen.get(0).payload();
    System.out.println("id-only payload: " + payload);
    JsonObject aps = new JsonObject(payload).getJsonObject("aps");
    assertThat(aps.getInteger("mutable-content")).isEqualTo(1);
    assertThat(aps.getJsonObject("alert")).isEqualTo(new JsonObject().put("body", ApnsRequests.GENERIC_ALERT));
    assertThat(payload).doesNotContain("Ann").doesNotContain("general");
  }

  @Test
  void nothingNewToShowIsABackgroundPushAtPriorityFive() {
    ApnsProvider apns = provider(teamKey, Clock.systemUTC());
    PushMessage badgeOnly = new PushMessage("r_1", "general", 42, 0, "Ann", null, "r_1", false, 0, 600);

    assertThat(Await.result(apns.send(device(DEVICE, "production"), badgeOnly))).isEqualTo(new PushOutcome.Delivered());

    ApnsStandIn.Seen seen = apple.seen.get(0);
    assertThat(seen.headers()).containsEntry("apns-push-type", "background").containsEntry("apns-priority", "5");
    assertThat(new JsonObject(seen.payload()).getJsonObject("aps")).isEqualTo(new JsonObject().put("badge", 0).put("content-available", 1));
  }

  @Test
  void aTokenSignedByAKeyAppleDoesNotKnowIsRefused() {
    ApnsProvider apns = provider(TestKeys.p256(), Clock.systemUTC());

    PushOutcome outcome = Await.result(apns.send(device(DEVICE, "production"), withPreview()));

    System.out.println("foreign signing key: " + outcome);
    assertThat(apple.seen.get(0).rejection()).isEqualTo("INVALID_PROVIDER_TOKEN");
    assertThat(outcome).isEqualTo(new PushOutcome.Failed("apns 403 InvalidProviderToken"));
  }

  @Test
  void deadDeviceTokensMakeInvalidDevices() {
    ApnsProvider apns = provider(teamKey, Clock.systemUTC());

    assertThat(Await.result(apns.send(device(GONE, "production"), idOnly()))).isEqualTo(new PushOutcome.InvalidDevice("apns 410 Unregistered"));
    assertThat(Await.result(apns.send(device(BAD, "production"), idOnly()))).isEqualTo(new PushOutcome.InvalidDevice("apns 400 BadDeviceToken"));
    assertThat(Await.result(apns.send(device(FOREIGN, "production"), idOnly())))
        .isEqualTo(new PushOutcome.InvalidDevice("apns 400 DeviceTokenNotForTopic"));
    assertThat(Await.result(apns.send(device("not/hex?x=1", "production"), idOnly())))
        .isEqualTo(new PushOutcome.InvalidDevice("apns malformed device token"));

    assertThat(apple.seen).hasSize(3); // the malformed token never left the process
    assertThat(metrics.counter(PushMetrics.SENT_METRIC, "provider", "apns", "result", "invalid_device").count()).isEqualTo(4);
  }

  @Test
  void theProviderTokenIsReusedThenReplacedBeforeItsHourRunsOut() {
    // Start 50 minutes in the past so every token the clock produces is one Apple's clock accepts.
    MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofMinutes(50)));
    ApnsProvider apns = provider(teamKey, clock);

    Await.result(apns.send(device(DEVICE, "production"), idOnly()));
    clock.advance(Duration.ofMinutes(49));
    Await.result(apns.send(device(DEVICE, "production"), idOnly()));
    clock.advance(Duration.ofMinutes(1)); // 50 minutes old: APNS_TOKEN_REFRESH_SECONDS' default
    PushOutcome afterRefresh = Await.result(apns.send(device(DEVICE, "production"), idOnly()));

    var tokens = apple.seen.stream().map(seen -> seen.headers().get("authorization")).toList();
    System.out.println("distinct provider tokens over 3 sends: " + tokens.stream().distinct().count());
    assertThat(afterRefresh).isEqualTo(new PushOutcome.Delivered());
    assertThat(apple.seen).allSatisfy(seen -> assertThat(seen.rejection()).isNull());
    assertThat(tokens.get(1)).isEqualTo(tokens.get(0));
    assertThat(tokens.get(2)).isNotEqualTo(tokens.get(1));
  }

  @Test
  void aTokenOlderThanAnHourIsRefusedByApple() {
    // The failure the refresh prevents: a token signed 61 minutes ago.
    ApnsProvider apns = provider(teamKey, new MutableClock(Instant.now().minus(Duration.ofMinutes(61))));

    PushOutcome outcome = Await.result(apns.send(device(DEVICE, "production"), idOnly()));

    System.out.println("stale provider token: " + outcome);
    assertThat(outcome).isEqualTo(new PushOutcome.Retry(-1, "apns 403 ExpiredProviderToken"));
  }

  @Test
  void theDevicesEnvironmentPicksTheHost() {
    // Production points nowhere: only a sandbox device can reach the stand-in.
    ApnsProvider apns = provider(teamKey, Clock.systemUTC(), Map.of("APNS_HOST_PRODUCTION", "apns-production.invalid", "APNS_HOST_SANDBOX", "localhost"));

    assertThat(Await.result(apns.send(device(DEVICE, "sandbox"), idOnly()))).isEqualTo(new PushOutcome.Delivered());
    assertThat(Await.result(apns.send(device(DEVICE, "production"), idOnly()))).isInstanceOf(PushOutcome.Retry.class);
  }

  private ApnsProvider provider(KeyPair signing, Clock clock) {
    return provider(signing, clock, Map.of());
  }

  private ApnsProvider provider(KeyPair signing, Clock clock, Map<String, String> overrides) {
    Path p8 = dir.resolve("AuthKey_" + System.nanoTime() + ".p8");
    try {
      Files.writeString(p8, TestKeys.pkcs8Pem(signing.getPrivate()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    ApnsConfig config =
        ApnsConfig.from(
            Settings.of(
                    Map.of(
                        "APNS_KEY_FILE", p8.toString(), "APNS_KEY_ID", KEY_ID, "APNS_TEAM_ID", TEAM_ID,
                        "APNS_HOST_PRODUCTION", "localhost", "APNS_HOST_SANDBOX", "localhost",
                        "APNS_PORT", Integer.toString(apple.port), "APNS_TRUST_FILE", apple.trustFile.toString(),
                        "APNS_TIMEOUT_MS", "5000"))
                .with(overrides));
    ECPrivateKey key = ApnsProviderToken.readP8(config.keyFile());
    return new ApnsProvider(
        vertx, config, new ApnsProviderToken(key, KEY_ID, TEAM_ID, clock, config.tokenRefreshSeconds() * 1000), metrics, clock);
  }

  private static Device device(String token, String environment) {
    return new Device("d_" + "1".repeat(32), "u_1", "apns", token, TOPIC, environment, null, null, 0);
  }

  private static PushMessage withPreview() {
    return new PushMessage("r_1", "general", 42, 3, "Ann", "see you at 5", "r_1", true, 4, 600);
  }

  private static PushMessage idOnly() {
    return new PushMessage("r_1", "general", 42, 3, "Ann", null, "r_1", false, null, 600);
  }
}

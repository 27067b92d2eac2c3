package io.chatplatform.notification.providers.fcm;

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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FCM provider against a stand-in of Google's token endpoint and FCM's send endpoint, over real sockets. */
class FcmProviderTest {
  private static final String PROJECT = "chat-test";
  private static final String CLIENT_EMAIL = "push@chat-test.iam.gserviceaccount.com";

  @TempDir Path dir;
  private Vertx vertx;
  private KeyPair serviceAccount;
  private FcmStandIn standIn;
  private SimpleMeterRegistry metrics;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    serviceAccount = TestKeys.rsa();
    standIn = new FcmStandIn(vertx, serviceAccount.getPublic(), CLIENT_EMAIL, PROJECT, 3600);
    metrics = new SimpleMeterRegistry();
  }

  @AfterEach
  void stop() {
    standIn.close();
    Await.result(vertx.close());
  }

  @Test
  void fetchesOneAccessTokenAndReusesItForEverySend() {
    FcmProvider fcm = provider(keyFile(serviceAccount, standIn.tokenUri()), Map.of(), Clock.systemUTC());

    for (int i = 0; i < 3; i++) {
      assertThat(Await.result(fcm.send(device("tok-" + i), withPreview()))).isEqualTo(new PushOutcome.Delivered());
    }

    System.out.println("token requests: " + standIn.tokenRequests.get() + ", sends: " + standIn.sends.size());
    assertThat(standIn.assertionErrors).isEmpty();
    assertThat(standIn.tokenRequests.get()).isEqualTo(1);
    assertThat(standIn.bearers).hasSize(3).containsOnly("ya29.standin-1");
    assertThat(metrics.counter(PushMetrics.SENT_METRIC, "provider", "fcm", "result", "delivered").count()).isEqualTo(3);
  }

  @Test
  void sendsConcurrentlyOnOneTokenFetch() {
    FcmProvider fcm = provider(keyFile(serviceAccount, standIn.tokenUri()), Map.of(), Clock.systemUTC());

    var sends = java.util.stream.IntStream.range(0, 5).mapToObj(i -> fcm.send(device("tok-" + i), withPreview())).toList();
    sends.forEach(send -> assertThat(Await.result(send)).isEqualTo(new PushOutcome.Delivered()));

    assertThat(standIn.tokenRequests.get()).isEqualTo(1);
  }

  @Test
  void fetchesANewAccessTokenShortlyBeforeTheOldOneExpires() {
    MutableClock clock = new MutableClock(Instant.now());
    FcmProvider fcm = provider(keyFile(serviceAccount, standIn.tokenUri()), Map.of(), clock);
    Await.result(fcm.send(device("tok"), withPreview()));

    clock.advance(Duration.ofMinutes(54)); // 6 minutes left: still outside the 5-minute margin
    Await.result(fcm.send(device("tok"), withPreview()));
    assertThat(standIn.tokenRequests.get()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(2)); // 4 minutes left: inside the margin
    assertThat(Await.result(fcm.send(device("tok"), withPreview()))).isEqualTo(new PushOutcome.Delivered());

    assertThat(standIn.tokenRequests.get()).isEqualTo(2);
    assertThat(standIn.bearers).containsExactly("ya29.standin-1", "ya29.standin-1", "ya29.standin-2");
  }

  @Test
  void aKeyTheServiceAccountDoesNotOwnIsRefusedAtTheTokenEndpointAndNothingIsSent() {
    KeyPair stranger = TestKeys.rsa();
    FcmProvider fcm = provider(keyFile(stranger, standIn.tokenUri()), Map.of(), Clock.systemUTC());

    PushOutcome outcome = Await.result(fcm.send(device("tok"), withPreview()));

    System.out.println("outcome with a foreign key: " + outcome + ", stand-in said " + standIn.assertionErrors);
    assertThat(standIn.assertionErrors).containsExactly("bad signature");
    assertThat(outcome).isInstanceOf(PushOutcome.Retry.class);
    assertThat(standIn.sends).isEmpty();
  }

  @Test
  void fcmTokenUriReplacesTheKeyFilesTokenUri() {
    FcmProvider fcm =
        provider(keyFile(serviceAccount, "http://127.0.0.1:1/token"), Map.of("FCM_TOKEN_URI", standIn.tokenUri()), Clock.systemUTC());

    assertThat(Await.result(fcm.send(device("tok"), withPreview()))).isEqualTo(new PushOutcome.Delivered());
    assertThat(standIn.tokenRequests.get()).isEqualTo(1);
  }

  @Test
  void aPreviewBecomesANotificationForAndroidAndTheWeb() {
    FcmProvider fcm = provider(keyFile(serviceAccount, standIn.tokenUri()), Map.of(), Clock.systemUTC());

    Await.result(fcm.send(device("tok-a"), withPreview()));

    JsonObject message = standIn.sends.get(0).getJsonObject("message");
    System.out.println("with preview: " + message.encodePrettily());
    assertThat(message.getString("token")).isEqualTo("tok-a");
    assertThat(message.getJsonObject("notification")).isEqualTo(new JsonObject().put("title", "general").put("body", "Ann: see you at 5 (+2 more)"));
    JsonObject android = message.getJsonObject("android");
    assertThat(android.getString("collapse_key")).isEqualTo("r_1");
    assertThat(android.getString("priority")).isEqualTo("high");
    assertThat(android.getString("ttl")).isEqualTo("600s");
    assertThat(android.getJsonObject("notification")).isEqualTo(new JsonObject().put("tag", "r_1").put("notification_count", 4));
    assertThat(message.getJsonObject("webpush").getJsonObject("headers")).isEqualTo(new JsonObject().put("TTL", "600").put("Urgency", "high"));
    assertThat(message.getJsonObject("webpush").getJsonObject("notification").getString("tag")).isEqualTo("r_1");
    assertThat(message.getJsonObject("data"))
        .isEqualTo(
            new JsonObject()
                .put("roomId", "r_1").put("seq", "42").put("count", "3").put("mentioned", "true")
                .put("roomName", "general").put("senderName", "Ann"));
  }

  @Test
  void idOnlyModeSendsADataOnlyMessageWithNoNamesOrText() {
    FcmProvider fcm = provider(keyFile(serviceAccount, standIn.tokenUri()), Map.of(), Clock.systemUTC());

    Await.result(fcm.send(device("tok-a"), idOnly()));

    JsonObject message = standIn.sends.get(0).getJsonObject("message");
    System.out.println("id-only: " + message.encode());
    assertThat(message.containsKey("notification")).isFalse();
    assertThat(message.getJsonObject("android").containsKey("notification")).isFalse();
    assertThat(message.getJsonObject("webpush").containsKey("notification")).isFalse();
    assertThat(message.getJsonObject("data"))
        .isEqualTo(new JsonObject().put("roomId", "r_1").put("seq", "42").put("count", "3").put("mentioned", "false"));
    assertThat(message.encode()).doesNotContain("Ann").doesNotContain("general");
  }

  @Test
  void fcmsAnswersBecomeOutcomes() {
    FcmProvider fcm = provider(keyFile(serviceAccount, standIn.tokenUri()), Map.of(), Clock.systemUTC());
    standIn.answer(
        token ->
            switch (token) {
              case "unregistered" -> new FcmStandIn.Answer(404, null, FcmStandIn.error(404, "NOT_FOUND", "UNREGISTERED"));
              case "malformed" -> new FcmStandIn.Answer(400, null,
                  FcmStandIn.error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", FcmStandIn.badField("message.token")));
              case "throttled" -> new FcmStandIn.Answer(429, "30", FcmStandIn.error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED"));
              case "unavailable" -> new FcmStandIn.Answer(503, null, FcmStandIn.error(503, "UNAVAILABLE", "UNAVAILABLE"));
              case "bad-ttl" -> new FcmStandIn.Answer(400, null,
                  FcmStandIn.error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", FcmStandIn.badField("message.android.ttl")));
              default -> FcmStandIn.OK;
            });

    assertThat(Await.result(fcm.send(device("unregistered"), idOnly()))).as(arrived()).isEqualTo(new PushOutcome.InvalidDevice("fcm 404 UNREGISTERED"));
    assertThat(Await.result(fcm.send(device("malformed"), idOnly()))).as(arrived())
        .isEqualTo(new PushOutcome.InvalidDevice("fcm 400 INVALID_ARGUMENT message.token"));
    assertThat(Await.result(fcm.send(device("throttled"), idOnly()))).as(arrived()).isEqualTo(new PushOutcome.Retry(30_000, "fcm 429"));
    assertThat(Await.result(fcm.send(device("unavailable"), idOnly()))).as(arrived()).isEqualTo(new PushOutcome.Retry(-1, "fcm 503"));
    assertThat(Await.result(fcm.send(device("bad-ttl"), idOnly()))).as(arrived()).isEqualTo(new PushOutcome.Failed("fcm 400 INVALID_ARGUMENT"));

    assertThat(metrics.counter(PushMetrics.SENT_METRIC, "provider", "fcm", "result", "invalid_device").count()).isEqualTo(2);
    assertThat(metrics.counter(PushMetrics.SENT_METRIC, "provider", "fcm", "result", "retry").count()).isEqualTo(2);
    assertThat(metrics.counter(PushMetrics.SENT_METRIC, "provider", "fcm", "result", "failed").count()).isEqualTo(1);
  }

  /**
   * Sends from a plain thread, one after another on the kept-alive connection, as the test thread
   * makes them: each gets its own answer. Before the body was asked for in the send's own callback,
   * a short answer sometimes ended before it was, and the send waited for FCM_TIMEOUT_MS (about one
   * send in a hundred with both cores busy, 17 of 2,000; rarely on an idle machine).
   */
  @Test
  void everyAnswerReachesItsSend() {
    FcmProvider fcm = provider(keyFile(serviceAccount, standIn.tokenUri()), Map.of(), Clock.systemUTC());
    standIn.answer(token -> token.startsWith("gone") ? new FcmStandIn.Answer(404, null, FcmStandIn.error(404, "NOT_FOUND", "UNREGISTERED")) : FcmStandIn.OK);
    int sends = 300;
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < sends; i++) {
      String token = (i % 2 == 0 ? "gone-" : "tok-") + i;
      PushOutcome expected = i % 2 == 0 ? new PushOutcome.InvalidDevice("fcm 404 UNREGISTERED") : new PushOutcome.Delivered();
      PushOutcome outcome = Await.result(fcm.send(device(token), idOnly()));
      if (!outcome.equals(expected)) {
        wrong.add(token + ": " + outcome);
      }
    }
    System.out.println(sends + " sends, wrong outcomes: " + wrong);
    assertThat(wrong).as("sends whose outcome is not FCM's answer").isEmpty();
    assertThat(standIn.sends).hasSize(sends);
  }

  @Test
  void anUnreachableFcmIsARetry() {
    FcmProvider fcm =
        provider(keyFile(serviceAccount, standIn.tokenUri()), Map.of("FCM_BASE_URL", "http://127.0.0.1:1"), Clock.systemUTC());

    PushOutcome outcome = Await.result(fcm.send(device("tok"), idOnly()));

    System.out.println("unreachable: " + outcome);
    assertThat(outcome).isInstanceOf(PushOutcome.Retry.class);
    assertThat(((PushOutcome.Retry) outcome).retryAfterMs()).isEqualTo(-1);
  }

  /** For a failure's message: what reached the stand-in, so a timeout says whether its request arrived. */
  private java.util.function.Supplier<String> arrived() {
    return () -> "requests that reached the stand-in: " + standIn.arrivals;
  }

  private FcmProvider provider(Path keyFile, Map<String, String> overrides, Clock clock) {
    Settings settings =
        Settings.of(Map.of("FCM_PROJECT_ID", PROJECT, "FCM_SERVICE_ACCOUNT_FILE", keyFile.toString(), "FCM_BASE_URL", standIn.url()))
            .with(overrides);
    FcmConfig config = FcmConfig.from(settings);
    FcmAccessTokens tokens =
        new FcmAccessTokens(vertx, FcmAccessTokens.credentials(config), clock, config.tokenRefreshMarginSeconds() * 1000);
    return new FcmProvider(vertx, config, tokens, metrics, clock);
  }

  /** A service-account key file as the Google Cloud console downloads it. */
  private Path keyFile(KeyPair keys, String tokenUri) {
    JsonObject key =
        new JsonObject()
            .put("type", "service_account")
            .put("project_id", PROJECT)
            .put("private_key_id", "0123456789abcdef")
            .put("private_key", TestKeys.pkcs8Pem(keys.getPrivate()))
            .put("client_email", CLIENT_EMAIL)
            .put("client_id", "1234567890")
            .put("token_uri", tokenUri);
    try {
      return Files.writeString(dir.resolve("service-account-" + System.nanoTime() + ".json"), key.encode());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Device device(String token) {
    return new Device("d_" + "0".repeat(32), "u_1", "fcm", token, null, null, null, null, 0);
  }

  private static PushMessage withPreview() {
    return new PushMessage("r_1", "general", 42, 3, "Ann", "see you at 5", "r_1", true, 4, 600);
  }

  private static PushMessage idOnly() {
    return new PushMessage("r_1", "general", 42, 3, "Ann", null, "r_1", false, 4, 600);
  }
}

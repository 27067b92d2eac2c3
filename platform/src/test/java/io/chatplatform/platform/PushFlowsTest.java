package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.notification.NotificationConfig;
import io.chatplatform.notification.bus.NotificationVerticle;
import io.chatplatform.notification.domain.Device;
import io.chatplatform.notification.domain.PushMessage;
import io.chatplatform.notification.domain.PushOutcome;
import io.chatplatform.notification.domain.PushProvider;
import io.chatplatform.notification.providers.TestKeys;
import io.chatplatform.notification.providers.apns.ApnsStandIn;
import io.chatplatform.notification.providers.fcm.FcmStandIn;
import io.chatplatform.notification.providers.webpush.P256;
import io.chatplatform.notification.providers.webpush.StandInPushService;
import io.chatplatform.notification.providers.webpush.SubscriptionDecryptor;
import io.chatplatform.notification.providers.webpush.WebPushProvider;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push flows of issue 14 through the whole platform, with the real providers (Web Push, FCM,
 * APNs) talking to stand-ins that check what the real services check: the VAPID token and the
 * decrypted body (Web Push), the OAuth2 JWT-bearer assertion and the bearer token (FCM), HTTP/2
 * over TLS with a valid ES256 provider token (APNs, Pushy's mock server).
 *
 * <p>Settings raised or lowered, and why: {@code PUSH_DELAY_MS} 1.5 s instead of 10 s and
 * {@code PUSH_POLL_MS} 50 ms instead of 1 s, so a flow waits a fraction of the production time
 * (the decision is the same; 1.5 s leaves an acknowledging member ample time to send the receipt);
 * sign-ups per address lifted ({@link PlatformFixture#LIFTED_LIMITS}: every test user comes from
 * 127.0.0.1), with the production bursts of everything else put back.
 *
 * <p>"Nothing more was sent" is proven without waiting for an absence: pending pushes are handled
 * one at a time in the order they fall due, so once a push for a later marker message arrives, the
 * earlier batch has been decided and sent completely.
 */
@DisplayName("Push flows over the real providers")
class PushFlowsTest {
  private static final String FCM_PROJECT = "chat-flows";
  private static final String FCM_CLIENT = "push@chat-flows.iam.gserviceaccount.com";
  private static final String APNS_KEY_ID = "FLOWKEY123";
  private static final String APNS_TEAM_ID = "FLOWTEAM45";
  private static final String APNS_TOPIC = "io.chatplatform.ios";
  private static final String APNS_DEVICE = "b2".repeat(32);

  @TempDir Path dir;
  final Vertx standInVertx = Vertx.vertx();
  StandInPushService pushService;
  FcmStandIn fcm;
  ApnsStandIn apple;
  /** The one browser subscription's keys, shared by every Web Push device here (their endpoints differ). */
  String p256dh;
  String auth;
  final Map<String, String> settings = new HashMap<>();
  PlatformFixture fx;

  @BeforeEach
  void standIns() throws Exception {
    KeyPair browser = P256.generate();
    byte[] publicKey = P256.uncompressed((ECPublicKey) browser.getPublic());
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    p256dh = Base64.getUrlEncoder().withoutPadding().encodeToString(publicKey);
    auth = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    pushService = new StandInPushService(standInVertx, new SubscriptionDecryptor(P256.scalar((ECPrivateKey) browser.getPrivate()), publicKey, secret)).start();

    KeyPair serviceAccount = TestKeys.rsa();
    fcm = new FcmStandIn(standInVertx, serviceAccount.getPublic(), FCM_CLIENT, FCM_PROJECT, 3600);
    KeyPair team = TestKeys.p256();
    apple = new ApnsStandIn(dir, (ECPublicKey) team.getPublic(), APNS_KEY_ID, APNS_TEAM_ID, APNS_TOPIC, Set.of(APNS_DEVICE), Map.of());
    Path p8 = Files.writeString(dir.resolve("AuthKey_" + APNS_KEY_ID + ".p8"), TestKeys.pkcs8Pem(team.getPrivate()));

    settings.putAll(PlatformFixture.PRODUCTION_BURSTS);
    settings.putAll(Map.of("PUSH_DELAY_MS", "1500", "PUSH_POLL_MS", "50", "WEBPUSH_ALLOWED_ENDPOINTS", pushService.url("/sub/")));
    settings.putAll(Map.of(
        "FCM_PROJECT_ID", FCM_PROJECT, "FCM_SERVICE_ACCOUNT_FILE", serviceAccountFile(serviceAccount).toString(),
        "FCM_BASE_URL", fcm.url()));
    settings.putAll(Map.of(
        "APNS_KEY_FILE", p8.toString(), "APNS_KEY_ID", APNS_KEY_ID, "APNS_TEAM_ID", APNS_TEAM_ID,
        "APNS_HOST_SANDBOX", "localhost", "APNS_PORT", Integer.toString(apple.port), "APNS_TRUST_FILE", apple.trustFile.toString()));
  }

  void start() throws Exception {
    fx = new PlatformFixture(dir.resolve("data"), settings);
  }

  @AfterEach
  void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
    pushService.close();
    fcm.close();
    apple.close();
    Await.result(standInVertx.close());
  }

  @Test
  @DisplayName("an offline member is pushed on each provider with the right content; an online member who acknowledges, a member in dnd and one in mode none are not")
  void whoGetsAPush() throws Exception {
    start();
    Api.User alice = fx.newUser("alice");
    Api.User bob = fx.newUser("bob");
    Api.User carol = fx.newUser("carol");
    Api.User dave = fx.newUser("dave");
    Api.User erin = fx.newUser("erin");
    String team = fx.api.createRoom(alice, "Team", bob, carol, dave, erin).getString("roomId");
    String marker = fx.api.createRoom(alice, "Marker", bob).getString("roomId");
    registerWebPush(bob, "/sub/ok/bob");
    register(bob, new JsonObject().put("kind", "fcm").put("token", "fcm-token-of-bob-0001"));
    register(bob, new JsonObject().put("kind", "apns").put("token", APNS_DEVICE).put("topic", APNS_TOPIC).put("environment", "sandbox"));
    registerWebPush(carol, "/sub/ok/carol");
    registerWebPush(dave, "/sub/ok/dave");
    registerWebPush(erin, "/sub/ok/erin");
    assertThat(fx.api.call(io.vertx.core.http.HttpMethod.PUT, "/api/v1/rooms/" + team + "/notifications", erin.token(),
        new JsonObject().put("mode", "none")).status()).isEqualTo(200);
    // dave chooses dnd and closes the app: offline to everyone, and still not to be disturbed.
    try (SocketClient daveSocket = fx.readySocket(dave)) {
      daveSocket.ask("presence.set", new JsonObject().put("status", "dnd"));
    }
    Await.until("dave shown offline", Duration.ofSeconds(20), () -> "offline".equals(
        fx.api.get("/api/v1/presence?userIds=" + dave.userId(), alice.token()).json().getJsonArray("presence").getJsonObject(0).getString("status")));

    try (SocketClient carolSocket = fx.readySocket(carol)) {
      long seq = send(alice, team, "hello team");
      JsonObject event = carolSocket.awaitFrame(message(team, seq), Await.TIMEOUT);
      assertThat(event).isNotNull();
      carolSocket.ask("chat.receipt", new JsonObject().put("roomId", team).put("seq", seq).put("kind", "delivered"));

      Await.until("bob's pushes on Web Push, FCM and APNs", Duration.ofSeconds(20),
          () -> webPushesTo("bob").size() == 1 && fcm.sends.size() == 1 && apple.seen.size() == 1);
      send(alice, marker, "marker");
      Await.until("the marker push", Duration.ofSeconds(20), () -> webPushesTo("bob").size() == 2);
    }

    JsonObject web = webPushesTo("bob").get(0);
    System.out.println("web push: " + web + "\nfcm: " + fcm.sends.get(0) + "\napns: " + apple.seen.get(0).payload());
    assertThat(web.getString("roomId")).isEqualTo(team);
    assertThat(web.getString("roomName")).isEqualTo("Team");
    assertThat(web.getString("senderName")).isEqualTo(alice.username());
    assertThat(web.getString("preview")).isEqualTo("hello team");
    assertThat(web.getLong("seq")).isEqualTo(1);
    assertThat(web.getInteger("count")).isEqualTo(1);
    assertThat(pushService.refusals()).as("every VAPID token verified and every body decrypted").isEmpty();

    JsonObject fcmMessage = fcm.sends.get(0).getJsonObject("message");
    assertThat(fcm.assertionErrors).as("the OAuth2 JWT-bearer assertion held").isEmpty();
    assertThat(fcmMessage.getString("token")).isEqualTo("fcm-token-of-bob-0001");
    assertThat(fcmMessage.getJsonObject("data").getString("roomId")).isEqualTo(team);
    assertThat(fcmMessage.getJsonObject("android").getString("collapse_key")).isEqualTo(team);
    assertThat(fcmMessage.getJsonObject("notification").getString("body")).contains("hello team");

    ApnsStandIn.Seen seen = apple.seen.get(0);
    assertThat(seen.rejection()).as("a valid provider token, topic and device").isNull();
    assertThat(seen.headers()).containsEntry("apns-topic", APNS_TOPIC).containsEntry("apns-push-type", "alert")
        .containsEntry("apns-collapse-id", team);
    assertThat(new JsonObject(seen.payload()).getJsonObject("aps").getJsonObject("alert").getString("body")).contains("hello team");

    assertThat(webPushesTo("carol")).as("carol acknowledged within the delay").isEmpty();
    assertThat(webPushesTo("dave")).as("dave is in dnd, though offline").isEmpty();
    assertThat(webPushesTo("erin")).as("erin chose none for the room").isEmpty();
  }

  @Test
  @DisplayName("a burst is one push with its count; 410 deletes the device; 503 then 201 delivers exactly once")
  void burstGoneAndRetry() throws Exception {
    start();
    Api.User alice = fx.newUser("alice");
    Api.User bob = fx.newUser("bob");
    Api.User frank = fx.newUser("frank");
    String team = fx.api.createRoom(alice, "Team", bob, frank).getString("roomId");
    String marker = fx.api.createRoom(alice, "Marker", frank).getString("roomId");
    registerWebPush(bob, "/sub/gone/bob");
    registerWebPush(frank, "/sub/flaky/frank");

    for (int i = 1; i <= 3; i++) {
      send(alice, team, "burst " + i);
    }
    Await.until("bob's device deleted after 410", Duration.ofSeconds(20),
        () -> fx.api.get("/api/v1/devices", bob.token()).json().getJsonArray("devices").isEmpty());
    // The retry of frank's 503 waits PUSH_RETRY_BASE_MS (2 s) with jitter: production backoff.
    Await.until("frank's push after the retry", Duration.ofSeconds(30), () -> accepted("/sub/flaky/frank").size() == 1);
    send(alice, marker, "marker");
    Await.until("the marker push", Duration.ofSeconds(20), () -> accepted("/sub/flaky/frank").size() == 2);

    List<JsonObject> frankPushes = accepted("/sub/flaky/frank");
    assertThat(frankPushes.get(0).getString("roomId")).isEqualTo(team);
    assertThat(frankPushes.get(0).getInteger("count")).as("three messages, one push").isEqualTo(3);
    assertThat(frankPushes.get(0).getString("preview")).isEqualTo("burst 3");
    assertThat(frankPushes.get(1).getString("roomId")).isEqualTo(marker);
    assertThat(pushService.received().stream().filter(r -> r.path().equals("/sub/flaky/frank")).count())
        .as("the 503 and the one retry, then the marker").isEqualTo(3);
    assertThat(pushService.received().stream().filter(r -> r.path().equals("/sub/gone/bob")).count()).as("one attempt, then deleted").isEqualTo(1);
  }

  @Test
  @DisplayName("pushes pending when notification-service stops, their notices still lingering in memory, are written by the stop and sent once after it starts again")
  void restartSendsPendingOnce() throws Exception {
    settings.put("PUSH_DELAY_MS", "3000"); // long enough that the stop comes first
    // 5 s instead of 200 ms: the notice surely still lingers in memory when the stop comes.
    settings.put("PUSH_NOTICE_LINGER_MS", "5000");
    start();
    Api.User alice = fx.newUser("alice");
    Api.User bob = fx.newUser("bob");
    String team = fx.api.createRoom(alice, "Team", bob).getString("roomId");
    String marker = fx.api.createRoom(alice, "Marker", bob).getString("roomId");
    registerWebPush(bob, "/sub/ok/bob");
    send(alice, team, "before the restart");
    Await.until("the notice lingering in notification-service", Duration.ofSeconds(10),
        () -> fx.platform.node().operations().registry().get(NotificationVerticle.WAITING_METRIC).gauge().value() == 1);

    fx.restart(() -> assertThat(pushService.received()).as("nothing sent before the stop").isEmpty());

    Await.until("the pending push after the restart", Duration.ofSeconds(30), () -> webPushesTo("bob").size() == 1);
    send(alice, marker, "marker");
    Await.until("the marker push", Duration.ofSeconds(20), () -> webPushesTo("bob").size() == 2);
    assertThat(webPushesTo("bob")).extracting(p -> p.getString("roomId")).containsExactly(team, marker);
    assertThat(webPushesTo("bob").get(0).getString("preview")).isEqualTo("before the restart");
  }

  @Test
  @DisplayName("two notification-service instances share the pending pushes and never send one twice")
  void twoInstancesNeverDoubleSend() throws Exception {
    settings.put("PUSH_CLAIM_BATCH", "1"); // one claim per poll, so both instances take turns at the due records
    settings.put("RATE_LIMIT_REST_WRITES_BURST", "60"); // alice creates 21 rooms and sends 21 messages at once (production: 30)
    start();
    AtomicInteger secondSent = new AtomicInteger();
    EmbeddedPlatform platform = fx.platform;
    NotificationConfig config = NotificationConfig.from(platform.settings());
    Vertx vertx = platform.node().vertx();
    WebPushProvider web = Await.result(WebPushProvider.start(vertx, config.providers().webPush(), platform.node().operations().registry()));
    String second = Await.result(vertx.deployVerticle(
        new NotificationVerticle(config, platform.node().operations(), List.of(counting(web, secondSent)))));
    assertThat(second).isNotNull();

    Api.User alice = fx.newUser("alice");
    Api.User bob = fx.newUser("bob");
    registerWebPush(bob, "/sub/ok/bob");
    int rooms = 20;
    List<String> roomIds = new ArrayList<>();
    for (int i = 0; i < rooms; i++) {
      roomIds.add(fx.api.createRoom(alice, "Room " + i, bob).getString("roomId"));
    }
    for (String roomId : roomIds) {
      send(alice, roomId, "to " + roomId);
    }
    Await.until("a push per room", Duration.ofSeconds(30), () -> webPushesTo("bob").size() >= rooms);
    String marker = fx.api.createRoom(alice, "Marker", bob).getString("roomId");
    send(alice, marker, "marker");
    Await.until("the marker push", Duration.ofSeconds(20),
        () -> webPushesTo("bob").stream().anyMatch(p -> p.getString("roomId").equals(marker)));

    List<String> pushedRooms = webPushesTo("bob").stream().map(p -> p.getString("roomId")).toList();
    System.out.println("pushes " + pushedRooms.size() + ", sent by the second instance: " + secondSent.get());
    assertThat(pushedRooms).as("each room exactly once").doesNotHaveDuplicates().containsAll(roomIds).hasSize(rooms + 1);
    assertThat(secondSent.get()).as("the second instance took part").isPositive().isLessThan(rooms + 1);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private long send(Api.User from, String roomId, String text) {
    Api.Response sent = fx.api.post("/api/v1/rooms/" + roomId + "/messages", from.token(),
        new JsonObject().put("clientMsgId", "c-" + System.nanoTime()).put("text", text));
    assertThat(sent.status()).isEqualTo(201);
    return sent.json().getLong("seq");
  }

  private void registerWebPush(Api.User user, String path) {
    register(user, new JsonObject().put("kind", "webpush").put("subscription", new JsonObject()
        .put("endpoint", pushService.url(path)).put("keys", new JsonObject().put("p256dh", p256dh).put("auth", auth))));
  }

  private void register(Api.User user, JsonObject device) {
    Api.Response registered = fx.api.post("/api/v1/devices", user.token(), device);
    assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);
  }

  /** The decrypted pushes the stand-in accepted (201) at paths ending with the user's name. */
  private List<JsonObject> webPushesTo(String user) {
    return pushService.accepted().stream().filter(r -> r.path().endsWith("/" + user)).map(PushFlowsTest::payload).toList();
  }

  private List<JsonObject> accepted(String path) {
    return pushService.accepted().stream().filter(r -> r.path().equals(path)).map(PushFlowsTest::payload).toList();
  }

  private static JsonObject payload(StandInPushService.Received received) {
    return new JsonObject(new String(received.plaintext(), StandardCharsets.UTF_8));
  }

  private static Predicate<JsonObject> message(String roomId, long seq) {
    return f -> "rec".equals(f.getString("type"))
        && f.getJsonObject("body") != null
        && "message".equals(f.getJsonObject("body").getString("type"))
        && roomId.equals(f.getJsonObject("body").getJsonObject("message").getString("roomId"))
        && f.getJsonObject("body").getJsonObject("message").getLong("seq") == seq;
  }

  private static PushProvider counting(PushProvider delegate, AtomicInteger sent) {
    return new PushProvider() {
      @Override
      public Future<PushOutcome> send(Device device, PushMessage message) {
        sent.incrementAndGet();
        return delegate.send(device, message);
      }

      @Override
      public String kind() {
        return delegate.kind();
      }

      @Override
      public Future<Void> close() {
        return delegate.close();
      }
    };
  }

  /** A service-account key file as the Google Cloud console downloads it, naming the stand-in's token endpoint. */
  private Path serviceAccountFile(KeyPair keys) throws Exception {
    JsonObject key = new JsonObject()
        .put("type", "service_account")
        .put("project_id", FCM_PROJECT)
        .put("private_key_id", "0123456789abcdef")
        .put("private_key", TestKeys.pkcs8Pem(keys.getPrivate()))
        .put("client_email", FCM_CLIENT)
        .put("client_id", "1234567890")
        .put("token_uri", fcm.tokenUri());
    return Files.writeString(dir.resolve("service-account.json"), key.encode());
  }
}

package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.notification.domain.Device;
import io.chatplatform.notification.domain.PushMessage;
import io.chatplatform.notification.domain.PushOutcome;
import io.chatplatform.notification.domain.PushProvider;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Devices and room modes over REST, and the decision a push carries, with a recording
 * {@link PushProvider} in place of FCM (the platform lets a test replace a provider by kind); the
 * real providers against their stand-ins are {@link PushFlowsTest}'s. PUSH_DELAY_MS and
 * PUSH_POLL_MS are lowered (200 ms, 50 ms) so the test waits a fraction of a second instead of
 * the production 10 s; the decision is the same.
 */
@DisplayName("Push end to end")
class PushEndToEndTest {
  @TempDir Path dir;
  final List<PushMessage> pushed = new CopyOnWriteArrayList<>();
  final List<Device> pushedTo = new CopyOnWriteArrayList<>();
  final PushProvider recording = new PushProvider() {
    @Override
    public Future<PushOutcome> send(Device device, PushMessage message) {
      pushedTo.add(device);
      pushed.add(message);
      return Future.succeededFuture(new PushOutcome.Delivered());
    }

    @Override
    public String kind() {
      return "fcm";
    }
  };
  EmbeddedPlatform platform;
  Vertx clientVertx = Vertx.vertx();
  Api api;

  void start() throws Exception {
    Map<String, String> settings = new java.util.HashMap<>(PlatformFixture.LIFTED_LIMITS);
    settings.putAll(Map.of("DATA_DIR", dir.toString(), "HTTP_PORT", "0", "HTTP_HOST", "127.0.0.1",
        "PASSWORD_HASH_ITERATIONS", "1000", "PUSH_DELAY_MS", "200", "PUSH_POLL_MS", "50"));
    platform = EmbeddedPlatform.start(Settings.of(settings), List.of(recording));
    api = new Api(clientVertx, platform.port());
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
    Await.result(clientVertx.close());
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  @DisplayName("devices are registered, listed and deleted; a burst to an offline member is one push; mode none stops it")
  void pushToOfflineMember() throws Exception {
    start();
    Api.User alice = api.register("alice-push");
    Api.User bob = api.register("bob-push");
    String roomId = api.createRoom(alice, "Team", bob).getString("roomId");

    Api.Response bad = api.post("/api/v1/devices", bob.token(), new JsonObject().put("kind", "fcm").put("token", "x").put("extra", 1));
    assertThat(bad.status()).isEqualTo(400);
    Api.Response web = api.post("/api/v1/devices", bob.token(), new JsonObject().put("kind", "webpush")
        .put("subscription", new JsonObject().put("endpoint", "http://10.0.0.1/x")
            .put("keys", new JsonObject().put("p256dh", "BAAA").put("auth", "AAAA"))));
    assertThat(web.status()).as("a plain-http endpoint").isEqualTo(400);
    Api.Response registered = api.post("/api/v1/devices", bob.token(), new JsonObject().put("kind", "fcm").put("token", "fcm-token-of-bob-0001"));
    assertThat(registered.status()).isEqualTo(201);
    String deviceId = registered.json().getString("deviceId");
    assertThat(registered.json().containsKey("token")).as("a token is never echoed").isFalse();
    assertThat(api.get("/api/v1/devices", bob.token()).json().getJsonArray("devices")).hasSize(1);
    Api.Response key = api.get("/api/v1/push/webpush-key", bob.token());
    assertThat(key.status()).isEqualTo(200);
    assertThat(key.json().getString("publicKey")).as("an uncompressed P-256 point, base64url").matches("B[A-Za-z0-9_-]{86}");

    for (int i = 1; i <= 3; i++) {
      Api.Response sent = api.post("/api/v1/rooms/" + roomId + "/messages", alice.token(),
          new JsonObject().put("clientMsgId", "m" + i).put("text", "hello " + i));
      assertThat(sent.status()).isEqualTo(201);
    }
    Await.until("a push to bob", Duration.ofSeconds(20), () -> !pushed.isEmpty());
    PushMessage push = pushed.get(0);
    System.out.println("pushed " + pushed.size() + ": " + push);
    assertThat(pushedTo.get(0).deviceId()).isEqualTo(deviceId);
    assertThat(push.roomId()).isEqualTo(roomId);
    assertThat(push.roomName()).isEqualTo("Team");
    assertThat(push.senderName()).isEqualTo("alice-push");
    assertThat(push.preview()).isEqualTo("hello 3");
    assertThat(push.seq()).isEqualTo(3);

    Api.Response mode = api.call(HttpMethod.PUT, "/api/v1/rooms/" + roomId + "/notifications", bob.token(), new JsonObject().put("mode", "none"));
    assertThat(mode.status()).isEqualTo(200);
    assertThat(api.call(HttpMethod.PUT, "/api/v1/rooms/" + roomId + "/notifications", bob.token(), new JsonObject().put("mode", "loud")).status())
        .isEqualTo(400);
    int before = pushed.size();
    api.post("/api/v1/rooms/" + roomId + "/messages", alice.token(), new JsonObject().put("clientMsgId", "m4").put("text", "quiet"));
    // Mode none: the room's next batch is decided with no push. A message in another room proves the poller ran past it.
    String other = api.createRoom(alice, "Other", bob).getString("roomId");
    api.post("/api/v1/rooms/" + other + "/messages", alice.token(), new JsonObject().put("clientMsgId", "o1").put("text", "loud"));
    Await.until("the push of the other room", Duration.ofSeconds(20), () -> pushed.stream().anyMatch(p -> p.roomId().equals(other)));
    assertThat(pushed.stream().filter(p -> p.roomId().equals(roomId))).hasSize(before);

    assertThat(api.delete("/api/v1/devices/" + deviceId, alice.token()).status()).as("not alice's device").isEqualTo(404);
    assertThat(api.delete("/api/v1/devices/" + deviceId, bob.token()).status()).isEqualTo(204);
    assertThat(api.get("/api/v1/devices", bob.token()).json().getJsonArray("devices")).isEmpty();
  }
}

package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code EMBEDDED_NOTIFICATION_SERVICE=false}: the embedded platform as a cluster without a
 * notification-service process. Chat is untouched (chat-service's one-way notice finds no
 * consumer and is dropped); the push endpoints answer 503, as any service that is not running.
 * bin/bench's push part measures the push path's cost against exactly this platform.
 */
@DisplayName("The embedded platform without notification-service")
class EmbeddedWithoutPushTest {
  @TempDir Path dir;

  @Test
  @DisplayName("messages are stored and delivered; device registration and the VAPID key answer 503")
  void chatWorksPushIsAbsent() throws Exception {
    try (PlatformFixture fx = new PlatformFixture(dir, Map.of("EMBEDDED_NOTIFICATION_SERVICE", "false"))) {
      Api.User alice = fx.newUser("alice-nopush");
      Api.User bob = fx.newUser("bob-nopush");
      String roomId = fx.api.createRoom(alice, "Team", bob).getString("roomId");
      try (SocketClient bobSocket = fx.readySocket(bob)) {
        Api.Response sent = fx.api.post("/api/v1/rooms/" + roomId + "/messages", alice.token(),
            new JsonObject().put("clientMsgId", "m1").put("text", "hello"));
        assertThat(sent.status()).isEqualTo(201);
        JsonObject event = bobSocket.awaitEvent("message");
        assertThat(event.getJsonObject("message").getString("text")).isEqualTo("hello");
      }

      Api.Response register = fx.api.post("/api/v1/devices", bob.token(),
          new JsonObject().put("kind", "fcm").put("token", "fcm-token-of-bob-0001"));
      assertThat(register.status()).as("no notification-service to register with").isEqualTo(503);
      assertThat(fx.api.get("/api/v1/push/webpush-key", bob.token()).status()).isEqualTo(503);
    }
  }
}

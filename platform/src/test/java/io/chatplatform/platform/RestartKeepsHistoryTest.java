package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The embedded platform keeps everything across a restart")
class RestartKeepsHistoryTest {
  @TempDir Path dataDir;

  @Test
  @DisplayName("users, rooms, messages and seq survive a restart on the same DATA_DIR, and tokens stay valid")
  void restartKeepsHistory() throws Exception {
    Api.User alice;
    String roomId;
    try (PlatformFixture first = new PlatformFixture(dataDir)) {
      alice = first.newUser("keep");
      JsonObject room = first.api.createRoom(alice, "Durable");
      roomId = room.getString("roomId");
      try (SocketClient s = first.socket(alice)) {
        for (int i = 1; i <= 5; i++) {
          s.ask("chat.send", PlatformEndToEndTest.send(room, "d" + i, "before restart " + i));
        }
      }
    }
    try (PlatformFixture second = new PlatformFixture(dataDir)) {
      // The JWT secret was kept in DATA_DIR, so the old token still works.
      assertThat(second.api.get("/api/v1/me", alice.token()).status()).isEqualTo(200);
      assertThat(second.api.login(alice.username()).userId()).isEqualTo(alice.userId());
      JsonArray messages = second.api.get("/api/v1/rooms/" + roomId + "/messages", alice.token()).json().getJsonArray("messages");
      assertThat(messages).hasSize(5);
      assertThat(messages.getJsonObject(4).getString("text")).isEqualTo("before restart 5");
      try (SocketClient s = second.socket(alice)) {
        JsonObject next = s.ask("chat.send", new JsonObject().put("roomId", roomId).put("clientMsgId", "d6").put("text", "after"));
        assertThat(next.getLong("seq")).isEqualTo(6L);
        JsonObject retry = s.ask("chat.send", new JsonObject().put("roomId", roomId).put("clientMsgId", "d1").put("text", "before restart 1"));
        assertThat(retry.getLong("seq")).isEqualTo(1L);
      }
    }
  }
}

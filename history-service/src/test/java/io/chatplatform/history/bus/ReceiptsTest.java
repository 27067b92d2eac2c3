package io.chatplatform.history.bus;

import io.chatplatform.history.HistoryConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.embeddedstore.EmbeddedMongo;
import io.chatplatform.runtime.Operations;
import io.chatplatform.runtime.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Receipts and unread counts in history-service")
class ReceiptsTest {
  EmbeddedMongo mongo;
  Vertx vertx;

  @BeforeEach
  void deploy() {
    mongo = EmbeddedMongo.inMemory();
    vertx = Vertx.vertx();
    HistoryConfig config =
        HistoryConfig.from(Settings.of(Map.of("MONGO_URI", mongo.connectionString(), "HISTORY_UNREAD_SCAN_MAX", "5")));
    vertx.deployVerticle(new HistoryVerticle(config, new Operations())).await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
    mongo.close();
  }

  private JsonObject request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body).await().body();
  }

  private void send(String room, String sender, String id) {
    request(Addresses.History.APPEND, HistoryServiceTest.message(room, sender, id));
  }

  private JsonObject mark(String room, String user, long seq, String kind) {
    return request(Addresses.History.RECEIPT_MARK,
        new JsonObject().put("roomId", room).put("userId", user).put("seq", seq).put("kind", kind));
  }

  private long unread(String room, String user) {
    return request(Addresses.History.ROOM_STATES, new JsonObject().put("userId", user).put("roomIds", new JsonArray().add(room)))
        .getJsonObject("rooms").getJsonObject(room).getLong("unread");
  }

  @Test
  @DisplayName("watermarks only move forward, read raises delivered, and each mark says what moved")
  void watermarksAreMonotonic() {
    for (int i = 1; i <= 6; i++) {
      send("room", "alice", "m" + i);
    }
    assertThat(mark("room", "bob", 3, "delivered").getString("moved")).isEqualTo("delivered");
    assertThat(mark("room", "bob", 2, "delivered").getString("moved")).as("backward").isNull();
    JsonObject read = mark("room", "bob", 5, "read");
    assertThat(read.getString("moved")).isEqualTo("read");
    assertThat(read.getLong("delivered")).as("read implies delivered").isEqualTo(5L);
    assertThat(mark("room", "bob", 4, "read").getString("moved")).isNull();
    assertThat(mark("room", "bob", 4, "delivered").getString("moved")).isNull();
    assertThat(mark("room", "bob", 6, "delivered"))
        .isEqualTo(new JsonObject().put("delivered", 6L).put("read", 5L).put("moved", "delivered"));

    JsonObject list = request(Addresses.History.RECEIPT_LIST,
        new JsonObject().put("roomId", "room").put("userIds", new JsonArray().add("bob").add("carol")));
    assertThat(list.getJsonArray("members")).containsExactly(
        new JsonObject().put("userId", "bob").put("delivered", 6L).put("read", 5L),
        new JsonObject().put("userId", "carol").put("delivered", 0L).put("read", 0L));
  }

  private JsonObject behind(String room, long seq, long version, String... members) {
    JsonArray ids = new JsonArray();
    for (String m : members) {
      ids.add(m);
    }
    return request(Addresses.History.RECEIPT_BEHIND,
        new JsonObject().put("roomId", room).put("seq", seq).put("version", version).put("memberIds", ids));
  }

  @Test
  @DisplayName("who is behind: out of date until built, then each delivered receipt takes its member off the list")
  void behindFollowsReceipts() {
    for (int i = 1; i <= 3; i++) {
      send("room", "alice", "m" + i);
    }
    assertThat(behind("room", 3, 4).getBoolean("current")).isFalse();
    JsonObject built = behind("room", 3, 4, "alice", "bob", "carol");
    assertThat(built.getBoolean("current")).isTrue();
    assertThat(built.getJsonArray("members")).extracting(o -> ((JsonObject) o).getString("userId"))
        .containsExactly("alice", "bob", "carol");

    mark("room", "bob", 3, "delivered");
    mark("room", "carol", 2, "read");
    // The raise is not awaited by the receipt's answer: the next question may come before it.
    io.chatplatform.testsupport.Await.until("the two receipts raised the index", java.time.Duration.ofSeconds(5),
        () -> behind("room", 3, 4).getJsonArray("members").size() == 2);
    assertThat(behind("room", 3, 4).getJsonArray("members")).containsExactly(
        new JsonObject().put("userId", "alice").put("delivered", 0L).put("read", 0L),
        new JsonObject().put("userId", "carol").put("delivered", 2L).put("read", 2L));
  }

  @Test
  @DisplayName("a watermark past the room's last message is refused")
  void beyondLastSeqIsRefused() {
    send("room", "alice", "m1");
    assertThatThrownBy(() -> mark("room", "bob", 2, "read"))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(400));
  }

  @Test
  @DisplayName("unread counts the others' messages after the read watermark, not one's own")
  void unreadCounts() {
    // seq: 1 alice, 2 bob, 3 alice, 4 bob, 5 alice
    send("room", "alice", "a1");
    send("room", "bob", "b1");
    send("room", "alice", "a2");
    send("room", "bob", "b2");
    send("room", "alice", "a3");
    assertThat(unread("room", "bob")).isEqualTo(3);
    assertThat(unread("room", "alice")).isEqualTo(2);
    mark("room", "bob", 3, "read");
    assertThat(unread("room", "bob")).isEqualTo(1);
    mark("room", "bob", 5, "read");
    assertThat(unread("room", "bob")).isZero();
    assertThat(unread("empty-room", "bob")).isZero();
  }

  @Test
  @DisplayName("beyond the scan limit, older unread messages are counted without checking their sender")
  void unreadScanIsBounded() {
    for (int i = 1; i <= 7; i++) {
      send("room", "bob", "b" + i);
    }
    // Scan limit 5: the newest five are bob's own; the two older ones count unchecked.
    assertThat(unread("room", "bob")).isEqualTo(2);
  }
}

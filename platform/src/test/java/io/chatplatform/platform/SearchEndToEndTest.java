package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Searching messages ({@code GET /api/v1/search}) and jumping to one ({@code GET …/messages?around=})
 * through a running platform, over REST. Production limits (the fixture lifts the throughput
 * bursts of sends and writes only; {@code RATE_LIMIT_SEARCH_*} stays at its default and one test
 * runs into it).
 */
@DisplayName("Search and jump to a message end to end")
class SearchEndToEndTest {
  @TempDir static Path dataDir;
  static PlatformFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new PlatformFixture(dataDir, Map.of());
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static long send(Api.User sender, String roomId, String text) {
    JsonObject body = new JsonObject().put("roomId", roomId).put("clientMsgId", UUID.randomUUID().toString()).put("text", text);
    Api.Response sent = fx.api.post("/api/v1/rooms/" + roomId + "/messages", sender.token(), body);
    assertThat(sent.status()).isEqualTo(201);
    return sent.json().getLong("seq");
  }

  static Api.Response search(Api.User user, String q, String... more) {
    StringBuilder path = new StringBuilder("/api/v1/search?q=").append(URLEncoder.encode(q, StandardCharsets.UTF_8));
    for (int i = 0; i + 1 < more.length; i += 2) {
      path.append('&').append(more[i]).append('=').append(URLEncoder.encode(more[i + 1], StandardCharsets.UTF_8));
    }
    return fx.api.get(path.toString(), user.token());
  }

  static List<String> texts(Api.Response reply) {
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200);
    JsonArray messages = reply.json().getJsonArray("messages");
    return messages.stream().map(m -> ((JsonObject) m).getString("text")).toList();
  }

  @Test
  @DisplayName("finds the caller's rooms only, whatever the case: not another room's message, not a room the caller left; roomId narrows, a stranger's roomId is not_found")
  void onlyTheCallersRooms() {
    Api.User alice = fx.newUser("alice");
    Api.User bob = fx.newUser("bob");
    Api.User carol = fx.newUser("carol");
    String shared = fx.api.createRoom(alice, "shared", bob).getString("roomId");
    String notBobs = fx.api.createRoom(alice, "not bob's", carol).getString("roomId");
    String left = fx.api.createRoom(alice, "bob leaves", bob).getString("roomId");
    send(alice, shared, "Launch plan is READY");
    send(carol, notBobs, "launch plan, the secret one");
    send(alice, left, "launch plan from before");

    assertThat(texts(search(bob, "LAUNCH plan"))).containsExactly("launch plan from before", "Launch plan is READY");
    assertThat(texts(search(bob, "launch", "roomId", shared))).containsExactly("Launch plan is READY");
    Api.Response stranger = search(bob, "launch", "roomId", notBobs);
    assertThat(stranger.status()).isEqualTo(404);
    assertThat(stranger.errorCode()).isEqualTo("not_found");

    assertThat(fx.api.delete("/api/v1/rooms/" + left + "/members/" + bob.userId(), bob.token()).status()).isEqualTo(204);
    assertThat(texts(search(bob, "launch plan"))).containsExactly("Launch plan is READY");
    assertThat(texts(search(alice, "launch plan"))).hasSize(3);
    assertThat(texts(search(bob, "launch ready secret"))).isEmpty();
  }

  @Test
  @DisplayName("bad input is a clear bad_request: no q, a wordless q, too many words, too long, a forged cursor, a bad limit")
  void badInput() {
    Api.User alice = fx.newUser("alice");
    for (Api.Response bad : List.of(
        fx.api.get("/api/v1/search", alice.token()),
        search(alice, "   "),
        search(alice, "?!…"),
        search(alice, "a b c d e f g h i"),
        search(alice, "x".repeat(201)),
        search(alice, "hello", "before", "not-a-cursor"),
        search(alice, "hello", "limit", "0"))) {
      System.out.println("refused: " + bad.status() + " " + bad.json().encode());
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.errorCode()).isEqualTo("bad_request");
    }
  }

  @Test
  @DisplayName("pages newest first: each reply says the next cursor, the last page has none")
  void pagesNewestFirst() {
    Api.User alice = fx.newUser("alice");
    String roomId = fx.api.createRoom(alice, "pages").getString("roomId");
    for (int i = 1; i <= 5; i++) {
      send(alice, roomId, "marker number " + i);
    }
    send(alice, roomId, "something else");
    Api.Response first = search(alice, "MARKER", "limit", "2");
    assertThat(texts(first)).containsExactly("marker number 5", "marker number 4");
    Api.Response second = search(alice, "marker", "limit", "2", "before", first.json().getString("next"));
    assertThat(texts(second)).containsExactly("marker number 3", "marker number 2");
    Api.Response last = search(alice, "marker", "limit", "2", "before", second.json().getString("next"));
    assertThat(texts(last)).containsExactly("marker number 1");
    assertThat(last.json().containsKey("next")).isFalse();
  }

  @Test
  @DisplayName("follows edits (the old word no longer finds the message, the new one does) and deletes (gone)")
  void followsEditsAndDeletes() {
    Api.User alice = fx.newUser("alice");
    String roomId = fx.api.createRoom(alice, "edits").getString("roomId");
    long seq = send(alice, roomId, "meeting in teh office");
    String path = "/api/v1/rooms/" + roomId + "/messages/" + seq;
    assertThat(fx.api.call(HttpMethod.PATCH, path, alice.token(), new JsonObject().put("text", "meeting in the office")).status())
        .isEqualTo(200);
    assertThat(texts(search(alice, "teh"))).isEmpty();
    assertThat(texts(search(alice, "the office"))).containsExactly("meeting in the office");
    assertThat(fx.api.delete(path, alice.token()).status()).isEqualTo(200);
    assertThat(texts(search(alice, "office"))).isEmpty();
    assertThat(texts(search(alice, "meeting"))).isEmpty();
  }

  @Test
  @DisplayName("around a seq: the message with its neighbours and cursors that page on either way; an unknown seq is not_found; around with before is bad_request")
  void jumpToAMessage() {
    Api.User alice = fx.newUser("alice");
    Api.User bob = fx.newUser("bob");
    String roomId = fx.api.createRoom(alice, "jumps", bob).getString("roomId");
    for (int i = 1; i <= 30; i++) {
      send(alice, roomId, "line " + i);
    }
    String messages = "/api/v1/rooms/" + roomId + "/messages";
    JsonObject page = fx.api.get(messages + "?around=15&limit=10", bob.token()).json();
    assertThat(page.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getLong("seq")).toList())
        .containsExactly(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L);
    JsonObject around = page.getJsonObject("around");
    assertThat(around).isEqualTo(new JsonObject().put("seq", 15).put("before", 10).put("after", 20));
    assertThat(page.getBoolean("hasMore")).isTrue();

    JsonObject older = fx.api.get(messages + "?before=" + around.getLong("before") + "&limit=3", bob.token()).json();
    assertThat(older.getJsonArray("messages").getJsonObject(2).getLong("seq")).isEqualTo(9L);
    JsonObject newer = fx.api.get(messages + "?after=" + around.getLong("after") + "&limit=3", bob.token()).json();
    assertThat(newer.getJsonArray("messages").getJsonObject(0).getLong("seq")).isEqualTo(21L);

    JsonObject end = fx.api.get(messages + "?around=29&limit=10", bob.token()).json();
    assertThat(end.getJsonObject("around")).isEqualTo(new JsonObject().put("seq", 29).put("before", 24).putNull("after"));

    assertThat(fx.api.get(messages + "?around=31", bob.token()).errorCode()).isEqualTo("not_found");
    assertThat(fx.api.get(messages + "?around=5&before=3", bob.token()).errorCode()).isEqualTo("bad_request");
    Api.User stranger = fx.newUser("stranger");
    assertThat(fx.api.get(messages + "?around=5", stranger.token()).errorCode()).isEqualTo("not_found");
  }

  @Test
  @DisplayName("search has a per-user rate limit of its own (RATE_LIMIT_SEARCH_*): a burst runs into 429 with Retry-After, and another user is not affected")
  void rateLimited() {
    Api.User eager = fx.newUser("eager");
    Api.Response refused = null;
    int allowed = 0;
    for (int i = 0; i < 100 && refused == null; i++) {
      Api.Response reply = search(eager, "anything");
      if (reply.status() == 429) {
        refused = reply;
      } else {
        assertThat(reply.status()).isEqualTo(200);
        allowed++;
      }
    }
    System.out.println("searches allowed before the first 429: " + allowed);
    assertThat(refused).as("a 429 within 100 searches").isNotNull();
    assertThat(refused.errorCode()).isEqualTo("rate_limited");
    assertThat(refused.raw().getHeader("Retry-After")).isNotNull();
    assertThat(search(fx.newUser("calm"), "anything").status()).isEqualTo(200);
  }
}

package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reactions and replies through a running platform: over the socket and REST, live to the room as
 * {@code message.updated}, to a client that was away through {@code chat.sync}'s {@code changes},
 * and in history pages. Production limits (the fixture's lifted throughput bursts), except one
 * platform of its own with {@code MAX_REACTIONS_PER_MESSAGE=3} and {@code REACTION_NAMES_SHOWN=2},
 * so the cap and the shortened list of ids are reached with a few requests.
 */
@DisplayName("Reactions and replies end to end")
class ReactionsRepliesEndToEndTest {
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

  static JsonObject send(String roomId, String text) {
    return new JsonObject().put("roomId", roomId).put("clientMsgId", UUID.randomUUID().toString()).put("text", text);
  }

  static JsonObject react(String roomId, long seq, String emoji, boolean on) {
    return new JsonObject().put("roomId", roomId).put("seq", seq).put("emoji", emoji).put("on", on);
  }

  static String reactionsPath(String roomId, long seq) {
    return "/api/v1/rooms/" + roomId + "/messages/" + seq + "/reactions";
  }

  static SocketClient listening(PlatformFixture platform, Api.User user) {
    SocketClient socket = platform.socket(user);
    socket.register("user." + user.userId());
    socket.ask("chat.sync", new JsonObject().put("rooms", new JsonObject()));
    return socket;
  }

  /** The next {@code message} or {@code message.updated} event (presence and other events are skipped). */
  static JsonObject nextMessageEvent(SocketClient socket) {
    return socket.awaitFrame(f -> f.getString("address", "").startsWith("user.")
        && f.getJsonObject("body").getString("type", "").startsWith("message"), Await.TIMEOUT).getJsonObject("body");
  }

  static String errorWord(JsonObject errFrame) {
    assertThat(errFrame.getString("type")).as(errFrame.encode()).isEqualTo("err");
    return errFrame.getString("body");
  }

  static JsonObject reaction(JsonObject emoji, String userId) {
    return new JsonObject().put("emoji", emoji.getString("emoji")).put("count", emoji.getInteger("count")).put("userIds", new JsonArray().add(userId));
  }

  @Test
  @DisplayName("on reaches the other member live with count and ids; on twice sends nothing; off removes it; REST toggles too; a history page shows the reactions")
  void toggleLive() {
    Api.User alice = fx.newUser("alice");
    Api.User bob = fx.newUser("bob");
    String roomId = fx.api.createRoom(alice, "reactions", bob).getString("roomId");
    try (SocketClient aliceSocket = listening(fx, alice); SocketClient bobSocket = listening(fx, bob)) {
      long seq = aliceSocket.ask("chat.send", send(roomId, "lunch?")).getLong("seq");
      bobSocket.awaitEvent("message");

      JsonObject reacted = bobSocket.ask("chat.react", react(roomId, seq, "👍", true));
      assertThat(reacted.getJsonArray("reactions")).containsExactly(
          new JsonObject().put("emoji", "👍").put("count", 1).put("userIds", new JsonArray().add(bob.userId())));
      JsonObject live = aliceSocket.awaitEvent("message.updated").getJsonObject("message");
      assertThat(live.getLong("seq")).isEqualTo(seq);
      assertThat(live.getString("text")).isEqualTo("lunch?");
      assertThat(live.getJsonArray("reactions")).isEqualTo(reacted.getJsonArray("reactions"));
      assertThat(live.getLong("updatedSeq")).isEqualTo(reacted.getLong("updatedSeq"));
      bobSocket.awaitEvent("message.updated"); // every member's sockets get it, the reacting one's too

      // On twice is on once: the same message back, no event (alice's next event is the next message).
      assertThat(bobSocket.ask("chat.react", react(roomId, seq, "👍", true))).isEqualTo(reacted);
      bobSocket.ask("chat.send", send(roomId, "yes"));
      assertThat(nextMessageEvent(aliceSocket).getString("type")).isEqualTo("message");

      Api.Response byRest = fx.api.call(HttpMethod.PUT, reactionsPath(roomId, seq), alice.token(),
          new JsonObject().put("emoji", ":tada:").put("on", true));
      assertThat(byRest.status()).isEqualTo(200);
      assertThat(byRest.json().getJsonArray("reactions")).containsExactly(
          new JsonObject().put("emoji", "👍").put("count", 1).put("userIds", new JsonArray().add(bob.userId())),
          new JsonObject().put("emoji", ":tada:").put("count", 1).put("userIds", new JsonArray().add(alice.userId())));
      assertThat(bobSocket.awaitEvent("message.updated").getJsonObject("message").getJsonArray("reactions")).hasSize(2);
      aliceSocket.awaitEvent("message.updated"); // her own

      JsonObject off = bobSocket.ask("chat.react", react(roomId, seq, "👍", false));
      assertThat(off.getJsonArray("reactions")).containsExactly(
          new JsonObject().put("emoji", ":tada:").put("count", 1).put("userIds", new JsonArray().add(alice.userId())));
      assertThat(aliceSocket.awaitEvent("message.updated").getJsonObject("message").getJsonArray("reactions"))
          .isEqualTo(off.getJsonArray("reactions"));

      JsonObject page = fx.api.get("/api/v1/rooms/" + roomId + "/messages", bob.token()).json();
      JsonObject stored = page.getJsonArray("messages").getJsonObject(0);
      assertThat(stored.getLong("seq")).isEqualTo(seq);
      assertThat(stored.getJsonArray("reactions")).isEqualTo(off.getJsonArray("reactions"));
      assertThat(stored.containsKey("reactedBy")).as("storage-only field").isFalse();
    }
  }

  @Test
  @DisplayName("refused: a non-member (not_found), a deleted message (gone, 410), not an emoji (bad_request), a seq with no message (not_found)")
  void refusals() {
    Api.User alice = fx.newUser("alice");
    Api.User bob = fx.newUser("bob");
    Api.User stranger = fx.newUser("stranger");
    String roomId = fx.api.createRoom(alice, "refusals", bob).getString("roomId");
    long seq = fx.api.post("/api/v1/rooms/" + roomId + "/messages", alice.token(), send(roomId, "hi")).json().getLong("seq");
    try (SocketClient strangerSocket = listening(fx, stranger); SocketClient bobSocket = listening(fx, bob)) {
      assertThat(errorWord(strangerSocket.request("chat.react", react(roomId, seq, "👍", true)))).isEqualTo("not_found");
      Api.Response byStranger = fx.api.call(HttpMethod.PUT, reactionsPath(roomId, seq), stranger.token(),
          new JsonObject().put("emoji", "👍").put("on", true));
      assertThat(byStranger.status()).isEqualTo(404);
      assertThat(errorWord(bobSocket.request("chat.react", react(roomId, seq, "thumbs", true)))).isEqualTo("bad_request");
      assertThat(errorWord(bobSocket.request("chat.react", react(roomId, seq, "👍👍", true)))).isEqualTo("bad_request");
      assertThat(errorWord(bobSocket.request("chat.react", react(roomId, 999, "👍", true)))).isEqualTo("not_found");

      fx.api.delete("/api/v1/rooms/" + roomId + "/messages/" + seq, alice.token());
      assertThat(errorWord(bobSocket.request("chat.react", react(roomId, seq, "👍", true)))).isEqualTo("gone");
      Api.Response gone = fx.api.call(HttpMethod.PUT, reactionsPath(roomId, seq), bob.token(),
          new JsonObject().put("emoji", "👍").put("on", false));
      assertThat(gone.status()).isEqualTo(410);
    }
  }

  @Test
  @DisplayName("a client away during reactions gets them from chat.sync's changes with its last updatedSeq")
  void syncBringsReactions() {
    Api.User alice = fx.newUser("alice");
    Api.User bob = fx.newUser("bob");
    String roomId = fx.api.createRoom(alice, "away", bob).getString("roomId");
    long seq = fx.api.post("/api/v1/rooms/" + roomId + "/messages", alice.token(), send(roomId, "vote")).json().getLong("seq");
    long held;
    try (SocketClient bobSocket = listening(fx, bob)) {
      JsonObject sync = bobSocket.ask("chat.sync", new JsonObject()
          .put("rooms", new JsonObject().put(roomId, 0)).put("changes", new JsonObject().put(roomId, 0)));
      held = sync.getJsonObject("rooms").getJsonObject(roomId).getJsonObject("changes").getLong("updatedSeq");
    }
    // bob is away
    fx.api.call(HttpMethod.PUT, reactionsPath(roomId, seq), alice.token(), new JsonObject().put("emoji", "🎉").put("on", true));
    fx.api.call(HttpMethod.PUT, reactionsPath(roomId, seq), alice.token(), new JsonObject().put("emoji", "👍").put("on", true));

    try (SocketClient bobSocket = listening(fx, bob)) {
      JsonObject room = bobSocket.ask("chat.sync", new JsonObject()
          .put("rooms", new JsonObject().put(roomId, seq)).put("changes", new JsonObject().put(roomId, held)))
          .getJsonObject("rooms").getJsonObject(roomId);
      System.out.println("sync after two reactions: " + room.encode());
      JsonArray changed = room.getJsonObject("changes").getJsonArray("messages");
      assertThat(changed).hasSize(1);
      assertThat(changed.getJsonObject(0).getLong("seq")).isEqualTo(seq);
      assertThat(changed.getJsonObject(0).getJsonArray("reactions").stream().map(r -> ((JsonObject) r).getString("emoji")))
          .containsExactly("🎉", "👍");
      assertThat(room.getJsonObject("changes").getLong("updatedSeq")).isEqualTo(changed.getJsonObject(0).getLong("updatedSeq"));
    }
  }

  @Test
  @DisplayName("six members react at once with the same emoji: all six counted, each with one message.updated")
  void concurrentReactionsAllCount() {
    Api.User alice = fx.newUser("alice");
    List<Api.User> members = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      members.add(fx.newUser("m" + i));
    }
    String roomId = fx.api.createRoom(alice, "busy", members.toArray(Api.User[]::new)).getString("roomId");
    long seq = fx.api.post("/api/v1/rooms/" + roomId + "/messages", alice.token(), send(roomId, "party?")).json().getLong("seq");
    List<SocketClient> sockets = new ArrayList<>();
    try (SocketClient aliceSocket = listening(fx, alice)) {
      members.forEach(m -> sockets.add(listening(fx, m)));
      // Every request is written before any answer is awaited: they race in the services.
      List<String> replies = new ArrayList<>();
      for (SocketClient socket : sockets) {
        replies.add(socket.send("chat.react", react(roomId, seq, "🎉", true)));
      }
      for (int i = 0; i < sockets.size(); i++) {
        assertThat(sockets.get(i).awaitReply(replies.get(i)).frame().getString("type")).isEqualTo("rec");
      }
      List<Integer> counts = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        counts.add(aliceSocket.awaitEvent("message.updated").getJsonObject("message").getJsonArray("reactions").getJsonObject(0).getInteger("count"));
      }
      System.out.println("counts in the events, in arrival order: " + counts);
      JsonObject stored = fx.api.get("/api/v1/rooms/" + roomId + "/messages", alice.token()).json().getJsonArray("messages").getJsonObject(0);
      JsonObject party = stored.getJsonArray("reactions").getJsonObject(0);
      assertThat(party.getInteger("count")).isEqualTo(6);
      assertThat(party.getJsonArray("userIds")).hasSize(6)
          .containsExactlyInAnyOrderElementsOf(members.stream().map(Api.User::userId).toList());
      assertThat(counts).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
    } finally {
      sockets.forEach(SocketClient::close);
    }
  }

  @Test
  @DisplayName("with MAX_REACTIONS_PER_MESSAGE=3 a fourth emoji is bad_request but an existing one takes more users; REACTION_NAMES_SHOWN=2 shows two ids of three with count 3")
  void capAndNamesShown(@TempDir Path capDir) throws Exception {
    try (PlatformFixture capped = new PlatformFixture(capDir, Map.of("MAX_REACTIONS_PER_MESSAGE", "3", "REACTION_NAMES_SHOWN", "2"))) {
      Api.User alice = capped.newUser("alice");
      Api.User bob = capped.newUser("bob");
      Api.User carol = capped.newUser("carol");
      String roomId = capped.api.createRoom(alice, "capped", bob, carol).getString("roomId");
      long seq = capped.api.post("/api/v1/rooms/" + roomId + "/messages", alice.token(), send(roomId, "pick")).json().getLong("seq");
      for (String emoji : List.of("👍", "🎉", "❤️")) {
        assertThat(capped.api.call(HttpMethod.PUT, reactionsPath(roomId, seq), alice.token(),
            new JsonObject().put("emoji", emoji).put("on", true)).status()).isEqualTo(200);
      }
      Api.Response fourth = capped.api.call(HttpMethod.PUT, reactionsPath(roomId, seq), bob.token(),
          new JsonObject().put("emoji", "😀").put("on", true));
      assertThat(fourth.status()).isEqualTo(400);
      assertThat(fourth.json().getJsonObject("error").getString("message")).contains("at most 3 different reactions");
      capped.api.call(HttpMethod.PUT, reactionsPath(roomId, seq), bob.token(), new JsonObject().put("emoji", "👍").put("on", true));
      JsonObject thumbs = capped.api.call(HttpMethod.PUT, reactionsPath(roomId, seq), carol.token(),
          new JsonObject().put("emoji", "👍").put("on", true)).json().getJsonArray("reactions").getJsonObject(0);
      assertThat(thumbs.getInteger("count")).isEqualTo(3);
      assertThat(thumbs.getJsonArray("userIds")).containsExactly(alice.userId(), bob.userId());
    }
  }

  @Test
  @DisplayName("a reply stores its quote (sender, excerpt of 100 code points), live and in a history page; REST send replies too; a missing replyTo is bad_request")
  void replyQuotes() {
    Api.User alice = fx.newUser("alice");
    Api.User bob = fx.newUser("bob");
    String roomId = fx.api.createRoom(alice, "replies", bob).getString("roomId");
    String longText = "😀".repeat(60) + "x".repeat(60);
    try (SocketClient aliceSocket = listening(fx, alice); SocketClient bobSocket = listening(fx, bob)) {
      long quoted = aliceSocket.ask("chat.send", send(roomId, longText)).getLong("seq");
      bobSocket.awaitEvent("message");
      aliceSocket.awaitEvent("message"); // her own
      JsonObject reply = bobSocket.ask("chat.send", send(roomId, "sure").put("replyTo", quoted));
      JsonObject expected = new JsonObject().put("seq", quoted).put("senderId", alice.userId())
          .put("excerpt", "😀".repeat(60) + "x".repeat(40)).put("deleted", false);
      assertThat(reply.getLong("replyTo")).isEqualTo(quoted);
      assertThat(reply.getJsonObject("quote")).isEqualTo(expected);
      assertThat(aliceSocket.awaitEvent("message").getJsonObject("message").getJsonObject("quote")).isEqualTo(expected);

      JsonObject page = fx.api.get("/api/v1/rooms/" + roomId + "/messages", alice.token()).json();
      JsonObject stored = page.getJsonArray("messages").stream().map(m -> (JsonObject) m)
          .filter(m -> m.getLong("seq") == reply.getLong("seq")).findFirst().orElseThrow();
      assertThat(stored.getJsonObject("quote")).isEqualTo(expected);

      Api.Response byRest = fx.api.post("/api/v1/rooms/" + roomId + "/messages", alice.token(), send(roomId, "short").put("replyTo", reply.getLong("seq")));
      assertThat(byRest.status()).isEqualTo(201);
      assertThat(byRest.json().getJsonObject("quote").getString("excerpt")).isEqualTo("sure");

      assertThat(errorWord(bobSocket.request("chat.send", send(roomId, "to nothing").put("replyTo", 999)))).isEqualTo("bad_request");
      Api.Response missing = fx.api.post("/api/v1/rooms/" + roomId + "/messages", alice.token(), send(roomId, "x").put("replyTo", 999));
      assertThat(missing.status()).isEqualTo(400);
    }
  }

  @Test
  @DisplayName("deleting a message shows its replies' quotes deleted (empty excerpt) in history; a reply to a deleted message is stored with a deleted quote")
  void replyToDeleted() {
    Api.User alice = fx.newUser("alice");
    Api.User bob = fx.newUser("bob");
    String roomId = fx.api.createRoom(alice, "deleted", bob).getString("roomId");
    long quoted = fx.api.post("/api/v1/rooms/" + roomId + "/messages", alice.token(), send(roomId, "regrettable")).json().getLong("seq");
    long reply = fx.api.post("/api/v1/rooms/" + roomId + "/messages", bob.token(), send(roomId, "what?").put("replyTo", quoted))
        .json().getLong("seq");
    long unrelated = fx.api.post("/api/v1/rooms/" + roomId + "/messages", bob.token(), send(roomId, "other")).json().getLong("seq");
    assertThat(fx.api.delete("/api/v1/rooms/" + roomId + "/messages/" + quoted, alice.token()).status()).isEqualTo(200);

    JsonArray messages = fx.api.get("/api/v1/rooms/" + roomId + "/messages", bob.token()).json().getJsonArray("messages");
    JsonObject storedReply = messages.stream().map(m -> (JsonObject) m).filter(m -> m.getLong("seq") == reply).findFirst().orElseThrow();
    assertThat(storedReply.getString("text")).isEqualTo("what?");
    assertThat(storedReply.getJsonObject("quote")).isEqualTo(
        new JsonObject().put("seq", quoted).put("senderId", alice.userId()).put("excerpt", "").put("deleted", true));
    JsonObject storedOther = messages.stream().map(m -> (JsonObject) m).filter(m -> m.getLong("seq") == unrelated).findFirst().orElseThrow();
    assertThat(storedOther.containsKey("quote")).isFalse();

    JsonObject late = fx.api.post("/api/v1/rooms/" + roomId + "/messages", bob.token(), send(roomId, "gone?").put("replyTo", quoted)).json();
    assertThat(late.getJsonObject("quote").getBoolean("deleted")).isTrue();
    assertThat(late.getJsonObject("quote").getString("excerpt")).isEmpty();
  }
}

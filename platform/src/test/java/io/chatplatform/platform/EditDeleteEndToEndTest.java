package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Editing and deleting messages through a running platform: over the socket and REST, live to the
 * room as {@code message.updated}, and to a client that was away through {@code chat.sync}'s
 * {@code changes}. Production limits, but the fixture's lifted throughput bursts; one test sets
 * {@code EDIT_WINDOW_SECONDS} to 1 on a platform of its own to see an edit refused after it.
 */
@DisplayName("Editing and deleting messages end to end")
class EditDeleteEndToEndTest {
  /** The one admin ({@code ADMIN_USERNAMES}): its name is fixed before the platform starts. */
  static final String ADMIN = "admin-" + UUID.randomUUID().toString().substring(0, 8);

  @TempDir static Path dataDir;
  static PlatformFixture fx;
  static Uploads files;
  static MongoClient mongo;

  @BeforeAll
  static void start() throws Exception {
    fx = new PlatformFixture(dataDir, Map.of("ADMIN_USERNAMES", ADMIN));
    files = new Uploads(fx.clientVertx, fx.api, fx.platform);
    mongo = MongoClient.create(fx.clientVertx, new JsonObject().put("connection_string", fx.platform.mongoUri()).put("db_name", "chat"));
  }

  @AfterAll
  static void stop() {
    Await.result(mongo.close());
    files.close();
    fx.close();
  }

  static JsonObject send(String roomId, String text) {
    return new JsonObject().put("roomId", roomId).put("clientMsgId", UUID.randomUUID().toString()).put("text", text);
  }

  static String messagePath(String roomId, long seq) {
    return "/api/v1/rooms/" + roomId + "/messages/" + seq;
  }

  /** A socket with its inbox registered and its rooms subscribed. */
  static SocketClient listening(Api.User user) {
    SocketClient socket = fx.socket(user);
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
    assertThat(errFrame.getString("type")).isEqualTo("err");
    return errFrame.getString("body");
  }

  @Test
  @DisplayName("an edit keeps the seq, reaches the other member live with editedAt and the new text, and a history page shows it edited; the same text again sends nothing")
  void editLive() {
    Api.User alice = fx.newUser("alice");
    Api.User bob = fx.newUser("bob");
    String roomId = fx.api.createRoom(alice, "edits", bob).getString("roomId");
    try (SocketClient aliceSocket = listening(alice); SocketClient bobSocket = listening(bob)) {
      long seq = aliceSocket.ask("chat.send", send(roomId, "helo @" + bob.username())).getLong("seq");
      bobSocket.awaitEvent("message");

      JsonObject edited = aliceSocket.ask("chat.edit",
          new JsonObject().put("roomId", roomId).put("seq", seq).put("text", "hello @" + bob.username()));
      assertThat(edited.getLong("seq")).isEqualTo(seq);
      assertThat(edited.getLong("editedAt")).isNotNull();

      JsonObject event = bobSocket.awaitEvent("message.updated").getJsonObject("message");
      assertThat(event.getLong("seq")).isEqualTo(seq);
      assertThat(event.getString("text")).isEqualTo("hello @" + bob.username());
      assertThat(event.getLong("editedAt")).isEqualTo(edited.getLong("editedAt"));
      assertThat(event.getBoolean("deleted")).isFalse();
      assertThat(event.getJsonArray("mentions")).containsExactly(bob.userId());

      JsonObject page = fx.api.get("/api/v1/rooms/" + roomId + "/messages", bob.token()).json();
      JsonObject stored = page.getJsonArray("messages").getJsonObject(0);
      assertThat(stored.getString("text")).isEqualTo("hello @" + bob.username());
      assertThat(stored.getLong("editedAt")).isEqualTo(edited.getLong("editedAt"));

      // The same text again: success, no second event. The next event bob gets is the next message.
      Api.Response again = fx.api.call(HttpMethod.PATCH, messagePath(roomId, seq), alice.token(),
          new JsonObject().put("text", "hello @" + bob.username()));
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.json().getLong("editedAt")).isEqualTo(edited.getLong("editedAt"));
      aliceSocket.ask("chat.send", send(roomId, "next"));
      assertThat(nextMessageEvent(bobSocket).getString("type")).isEqualTo("message");

      // Only the sender edits: the room's owner may not edit bob's message either.
      long bobsSeq = bobSocket.ask("chat.send", send(roomId, "bob's")).getLong("seq");
      assertThat(errorWord(aliceSocket.request("chat.edit",
          new JsonObject().put("roomId", roomId).put("seq", bobsSeq).put("text", "not yours")))).isEqualTo("forbidden");
      assertThat(errorWord(aliceSocket.request("chat.edit",
          new JsonObject().put("roomId", roomId).put("seq", 999).put("text", "nothing there")))).isEqualTo("not_found");
      assertThat(errorWord(aliceSocket.request("chat.edit",
          new JsonObject().put("roomId", roomId).put("seq", seq).put("text", "x".repeat(4001))))).isEqualTo("bad_request");
    }
  }

  @Test
  @DisplayName("the sender deletes: a tombstone live and in history, its text gone from the store, its file no longer downloadable; a second delete succeeds without an event; editing it is gone")
  void deleteOwn() {
    Api.User alice = fx.newUser("alice");
    Api.User bob = fx.newUser("bob");
    String roomId = fx.api.createRoom(alice, "deletes", bob).getString("roomId");
    JsonObject file = files.uploaded(alice.token(), roomId, "notes.txt", "secret notes\n".getBytes());
    String filePath = "/api/v1/files/" + file.getString("fileId");
    try (SocketClient aliceSocket = listening(alice); SocketClient bobSocket = listening(bob)) {
      JsonObject sent = aliceSocket.ask("chat.send",
          send(roomId, "the secret").put("attachments", new JsonArray().add(file.getString("fileId"))));
      long seq = sent.getLong("seq");
      bobSocket.awaitEvent("message");
      assertThat(files.get(filePath, bob.token(), Map.of()).status()).isEqualTo(200);

      Api.Response deleted = fx.api.delete(messagePath(roomId, seq), alice.token());
      assertThat(deleted.status()).isEqualTo(200);
      JsonObject tombstone = deleted.json();
      assertThat(tombstone.getBoolean("deleted")).isTrue();
      assertThat(tombstone.getLong("deletedAt")).isNotNull();
      assertThat(tombstone.getString("text")).isEmpty();
      assertThat(tombstone.getJsonArray("attachments")).isEmpty();

      JsonObject event = bobSocket.awaitEvent("message.updated").getJsonObject("message");
      assertThat(event.getLong("seq")).isEqualTo(seq);
      assertThat(event.getBoolean("deleted")).isTrue();
      assertThat(event.getString("text")).isEmpty();

      JsonObject document = Await.result(mongo.findOne("messages", new JsonObject().put("_id", roomId + ":" + seq), null));
      System.out.println("the deleted message as stored: " + document);
      assertThat(document.containsKey("text")).isFalse();
      assertThat(document.getJsonArray("attachments")).isEmpty();
      assertThat(document.getBoolean("deleted")).isTrue();
      assertThat(files.get(filePath, alice.token(), Map.of()).status()).isEqualTo(404);
      assertThat(files.get(filePath, bob.token(), Map.of()).status()).isEqualTo(404);

      JsonObject page = fx.api.get("/api/v1/rooms/" + roomId + "/messages", bob.token()).json();
      JsonObject stored = page.getJsonArray("messages").getJsonObject(0);
      assertThat(stored.getBoolean("deleted")).isTrue();
      assertThat(stored.getString("text")).isEmpty();

      // Again: success, the same tombstone, no second event (bob's next event is the next message).
      assertThat(aliceSocket.ask("chat.delete", new JsonObject().put("roomId", roomId).put("seq", seq))).isEqualTo(tombstone);
      assertThat(errorWord(aliceSocket.request("chat.edit",
          new JsonObject().put("roomId", roomId).put("seq", seq).put("text", "undo")))).isEqualTo("gone");
      Api.Response editGone = fx.api.call(HttpMethod.PATCH, messagePath(roomId, seq), alice.token(), new JsonObject().put("text", "undo"));
      assertThat(editGone.status()).isEqualTo(410);
      assertThat(editGone.errorCode()).isEqualTo("gone");
      aliceSocket.ask("chat.send", send(roomId, "next"));
      assertThat(nextMessageEvent(bobSocket).getString("type")).isEqualTo("message");
    }
  }

  @Test
  @DisplayName("the room's owner and an admin delete others' messages; a plain member is forbidden; an unknown seq is not_found")
  void deleteOthers() {
    Api.User owner = fx.newUser("owner");
    Api.User bob = fx.newUser("bob");
    Api.User carol = fx.newUser("carol");
    Api.User admin = fx.api.register(ADMIN);
    String roomId = fx.api.createRoom(owner, "moderated", bob, carol, admin).getString("roomId");
    long bobs = fx.api.post("/api/v1/rooms/" + roomId + "/messages", bob.token(), send(roomId, "bob's")).json().getLong("seq");
    long carols = fx.api.post("/api/v1/rooms/" + roomId + "/messages", carol.token(), send(roomId, "carol's")).json().getLong("seq");

    Api.Response byMember = fx.api.delete(messagePath(roomId, bobs), carol.token());
    assertThat(byMember.status()).isEqualTo(403);
    assertThat(byMember.errorCode()).isEqualTo("forbidden");
    assertThat(fx.api.delete(messagePath(roomId, bobs), owner.token()).json().getBoolean("deleted")).isTrue();
    assertThat(fx.api.delete(messagePath(roomId, carols), admin.token()).json().getBoolean("deleted")).isTrue();
    assertThat(fx.api.delete(messagePath(roomId, 999), owner.token()).errorCode()).isEqualTo("not_found");
    Api.User stranger = fx.newUser("stranger");
    assertThat(fx.api.delete(messagePath(roomId, bobs), stranger.token()).errorCode()).isEqualTo("not_found");
  }

  @Test
  @DisplayName("a client away during an edit and a delete gets both from chat.sync with its last updatedSeq, and nothing once up to date; REST gives them too (changesAfter); a client that does not ask gets no changes")
  void syncBringsChanges() {
    Api.User alice = fx.newUser("alice");
    Api.User bob = fx.newUser("bob");
    String roomId = fx.api.createRoom(alice, "away", bob).getString("roomId");
    long first;
    long second;
    long heldUpdatedSeq;
    try (SocketClient bobSocket = listening(bob)) {
      first = fx.api.post("/api/v1/rooms/" + roomId + "/messages", alice.token(), send(roomId, "one")).json().getLong("seq");
      second = fx.api.post("/api/v1/rooms/" + roomId + "/messages", alice.token(), send(roomId, "two")).json().getLong("seq");
      JsonObject caughtUp = bobSocket.ask("chat.sync", new JsonObject()
          .put("rooms", new JsonObject().put(roomId, 0)).put("changes", new JsonObject().put(roomId, 0)));
      JsonObject changes = caughtUp.getJsonObject("rooms").getJsonObject(roomId).getJsonObject("changes");
      assertThat(changes.getJsonArray("messages")).isEmpty();
      assertThat(changes.getBoolean("hasMore")).isFalse();
      heldUpdatedSeq = changes.getLong("updatedSeq");
    }
    // bob is away
    fx.api.call(HttpMethod.PATCH, messagePath(roomId, first), alice.token(), new JsonObject().put("text", "one, edited"));
    fx.api.delete(messagePath(roomId, second), alice.token());

    try (SocketClient bobSocket = listening(bob)) {
      JsonObject sync = bobSocket.ask("chat.sync", new JsonObject()
          .put("rooms", new JsonObject().put(roomId, second)).put("changes", new JsonObject().put(roomId, heldUpdatedSeq)));
      JsonObject room = sync.getJsonObject("rooms").getJsonObject(roomId);
      System.out.println("sync after an edit and a delete: " + room.encode());
      assertThat(room.getJsonArray("messages")).isEmpty();
      JsonObject changes = room.getJsonObject("changes");
      JsonArray changed = changes.getJsonArray("messages");
      assertThat(changed).hasSize(2);
      assertThat(changed.getJsonObject(0).getLong("seq")).isEqualTo(first);
      assertThat(changed.getJsonObject(0).getString("text")).isEqualTo("one, edited");
      assertThat(changed.getJsonObject(1).getLong("seq")).isEqualTo(second);
      assertThat(changed.getJsonObject(1).getBoolean("deleted")).isTrue();
      assertThat(changes.getBoolean("hasMore")).isFalse();
      long now = changes.getLong("updatedSeq");
      assertThat(now).isEqualTo(changed.getJsonObject(1).getLong("updatedSeq"));

      // The same through REST: a history "page" of the changes.
      JsonObject restChanges = fx.api.get("/api/v1/rooms/" + roomId + "/messages?changesAfter=" + heldUpdatedSeq, bob.token()).json();
      assertThat(restChanges.getJsonArray("messages")).isEmpty();
      assertThat(restChanges.getJsonObject("changes")).isEqualTo(changes);
      assertThat(fx.api.get("/api/v1/rooms/" + roomId + "/messages?changesAfter=0&before=2", bob.token()).status()).isEqualTo(400);

      JsonObject upToDate = bobSocket.ask("chat.sync", new JsonObject()
          .put("rooms", new JsonObject().put(roomId, second)).put("changes", new JsonObject().put(roomId, now)));
      JsonObject none = upToDate.getJsonObject("rooms").getJsonObject(roomId).getJsonObject("changes");
      assertThat(none.getJsonArray("messages")).isEmpty();
      assertThat(none.getBoolean("hasMore")).isFalse();
      assertThat(none.getLong("updatedSeq")).isEqualTo(now);

      JsonObject oldClient = bobSocket.ask("chat.sync", new JsonObject().put("rooms", new JsonObject().put(roomId, second)));
      assertThat(oldClient.getJsonObject("rooms").getJsonObject(roomId).containsKey("changes")).isFalse();
    }
  }

  @Test
  @DisplayName("with EDIT_WINDOW_SECONDS=1, an edit 1 s after sending is refused (forbidden); a delete still works")
  void editWindow(@TempDir Path windowDir) throws Exception {
    try (PlatformFixture windowed = new PlatformFixture(windowDir, Map.of("EDIT_WINDOW_SECONDS", "1"))) {
      Api.User alice = windowed.newUser("alice");
      String roomId = windowed.api.createRoom(alice, "window").getString("roomId");
      long seq = windowed.api.post("/api/v1/rooms/" + roomId + "/messages", alice.token(), send(roomId, "quick")).json().getLong("seq");
      // The window is measured on the server's clock: let more than a second pass.
      Await.result(windowed.clientVertx.timer(1_100));
      Api.Response late = windowed.api.call(HttpMethod.PATCH, messagePath(roomId, seq), alice.token(), new JsonObject().put("text", "too late"));
      assertThat(late.status()).isEqualTo(403);
      assertThat(late.json().getJsonObject("error").getString("message")).contains("1 s");
      assertThat(windowed.api.delete(messagePath(roomId, seq), alice.token()).json().getBoolean("deleted")).isTrue();
    }
  }

  @Test
  @DisplayName("edits and deletes take from the user's send limit: with the production burst (30, no refill), one send and 29 edits pass, then edits, deletes and PATCH are rate_limited")
  void editsAreRateLimited(@TempDir Path limitedDir) throws Exception {
    Map<String, String> production = new java.util.HashMap<>(PlatformFixture.PRODUCTION_BURSTS);
    // One token per 1,000 s instead of 5 a second: what the user gets is exactly the burst, however slow the test runs.
    production.put("RATE_LIMIT_SEND_PER_SECOND", "0.001");
    try (PlatformFixture limited = new PlatformFixture(limitedDir, production)) {
      Api.User alice = limited.newUser("alice");
      String roomId = limited.api.createRoom(alice, "limited").getString("roomId");
      try (SocketClient socket = limited.readySocket(alice)) {
        long seq = socket.ask("chat.send", send(roomId, "text 0")).getLong("seq");
        int admitted = 0;
        int refused = 0;
        for (int i = 1; i <= 40; i++) {
          JsonObject answer = socket.request("chat.edit", new JsonObject().put("roomId", roomId).put("seq", seq).put("text", "text " + i));
          if ("rec".equals(answer.getString("type"))) {
            admitted++;
          } else {
            assertThat(answer.getString("message")).startsWith("rate_limited: too many chat.edit, retry in");
            refused++;
          }
        }
        System.out.printf("40 edits after one send, burst 30: %d admitted, %d refused%n", admitted, refused);
        assertThat(admitted).isEqualTo(29);
        assertThat(errorWord(socket.request("chat.delete", new JsonObject().put("roomId", roomId).put("seq", seq)))).isEqualTo("rate_limited");
        Api.Response patch = limited.api.call(HttpMethod.PATCH, messagePath(roomId, seq), alice.token(), new JsonObject().put("text", "rest"));
        assertThat(patch.status()).isEqualTo(429);
      }
    }
  }
}

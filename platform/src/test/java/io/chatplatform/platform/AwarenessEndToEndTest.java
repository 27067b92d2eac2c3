package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Presence, typing and receipts on the embedded platform, over real WebSockets. */
@DisplayName("Live awareness: presence, typing and receipts, end to end")
class AwarenessEndToEndTest {
  private static final Logger LOG = LoggerFactory.getLogger(AwarenessEndToEndTest.class);
  /** Shorter than the default (5 s) so that the offline can be awaited quickly. */
  static final long GRACE_MS = 1_500;
  /**
   * Shorter than the default (6 s) so that an expiry can be awaited quickly, yet far longer than
   * the two request round trips {@link #typingExpiresAndEndsOnDisconnect} makes before a typing it
   * started expires.
   */
  static final long TYPING_TIMEOUT_MS = 2_000;
  /**
   * Raised from the default (2 s) to an hour, so that a refresh of a typing that is still on is
   * never forwarded: a {@code typing:true} that is forwarded shows that the typing had ended
   * (stopped, expired or its socket closed). The order of the events then says what happened,
   * with no clock in the test.
   */
  static final long TYPING_THROTTLE_MS = 3_600_000;

  @TempDir static Path dataDir;
  static PlatformFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new PlatformFixture(dataDir, Map.of(
        "PRESENCE_OFFLINE_GRACE_MS", String.valueOf(GRACE_MS),
        "TYPING_TIMEOUT_MS", String.valueOf(TYPING_TIMEOUT_MS),
        "TYPING_THROTTLE_MS", String.valueOf(TYPING_THROTTLE_MS)));
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static Predicate<JsonObject> event(String type, Predicate<JsonObject> body) {
    return f -> "rec".equals(f.getString("type"))
        && f.getString("address", "").startsWith("user.")
        && type.equals(f.getJsonObject("body").getString("type"))
        && body.test(f.getJsonObject("body"));
  }

  static JsonObject awaitEvent(SocketClient socket, String type, Predicate<JsonObject> body) {
    return socket.awaitFrame(event(type, body), Await.TIMEOUT).getJsonObject("body");
  }

  static JsonObject presenceOf(Api.User asker, Api.User whom) {
    return fx.api.get("/api/v1/presence?userIds=" + whom.userId(), asker.token()).json()
        .getJsonArray("presence").getJsonObject(0);
  }

  static JsonObject directRoom(Api.User a, Api.User b) {
    return fx.api.post("/api/v1/rooms/direct", a.token(), new JsonObject().put("userId", b.userId())).json();
  }

  static SocketClient ready(Api.User user) {
    return fx.readySocket(user);
  }

  // ---- presence -------------------------------------------------------------------------------

  @Test
  @DisplayName("a user is online while any device is connected and offline with lastSeen after the last one closes")
  void presenceAcrossDevices() {
    Api.User alice = fx.newUser("p-alice");
    Api.User bob = fx.newUser("p-bob");
    directRoom(alice, bob);
    assertThat(presenceOf(bob, alice).getString("status")).isEqualTo("offline");
    try (SocketClient watcher = ready(bob)) {
      long connectAt = System.nanoTime();
      SocketClient phone = fx.socket(alice);
      JsonObject online = awaitEvent(watcher, "presence", b -> b.getString("userId").equals(alice.userId()));
      LOG.info("presence event latency, connect to the peer's event: {} ms", (System.nanoTime() - connectAt) / 1_000_000);
      assertThat(online.getString("status")).isEqualTo("online");

      SocketClient laptop = ready(alice);
      phone.close();
      phone.awaitClose();
      assertThat(presenceOf(bob, alice).getString("status")).as("the laptop is still connected").isEqualTo("online");

      long lastClosedAt = System.currentTimeMillis();
      laptop.close();
      JsonObject offline = awaitEvent(watcher, "presence", b -> b.getString("userId").equals(alice.userId()));
      assertThat(offline.getString("status")).as("no offline while the laptop was connected").isEqualTo("offline");
      assertThat(offline.getLong("lastSeen")).isGreaterThanOrEqualTo(lastClosedAt);
      assertThat(presenceOf(bob, alice).getLong("lastSeen")).isEqualTo(offline.getLong("lastSeen"));
    }
  }

  @Test
  @DisplayName("a reconnect within the grace period shows no offline flicker")
  void quickReconnectDoesNotFlicker() {
    Api.User alice = fx.newUser("f-alice");
    Api.User bob = fx.newUser("f-bob");
    directRoom(alice, bob);
    MeterRegistry metrics = fx.platform.node().operations().registry();
    Counter unchanged = metrics.counter("chat.presence.settled", "result", "unchanged");
    try (SocketClient watcher = ready(bob)) {
      SocketClient first = ready(alice);
      awaitEvent(watcher, "presence", b -> b.getString("userId").equals(alice.userId()) && b.getString("status").equals("online"));

      double settledBefore = unchanged.count();
      first.close();
      first.awaitClose();
      try (SocketClient again = ready(alice)) {
        // The grace timer of the closed socket fired and found alice connected again.
        Await.until("the grace period to end", Duration.ofSeconds(10), () -> unchanged.count() > settledBefore);
        again.ask("presence.set", new JsonObject().put("status", "away"));
        JsonObject next = awaitEvent(watcher, "presence", b -> b.getString("userId").equals(alice.userId()));
        assertThat(next.getString("status")).as("the event after online is away, not offline").isEqualTo("away");
      }
    }
  }

  @Test
  @DisplayName("presence.set accepts online, away and dnd only; the bulk query answers every user asked")
  void statusAndBulkQuery() {
    Api.User alice = fx.newUser("s-alice");
    Api.User bob = fx.newUser("s-bob");
    directRoom(alice, bob);
    try (SocketClient a = ready(alice)) {
      a.ask("presence.set", new JsonObject().put("status", "dnd"));
      JsonObject refused = a.request("presence.set", new JsonObject().put("status", "invisible"));
      assertThat(refused.getString("type")).isEqualTo("err");
      assertThat(refused.getInteger("failureCode")).isEqualTo(400);

      JsonArray both = fx.api.get("/api/v1/presence?userIds=" + alice.userId() + "," + bob.userId(), bob.token()).json()
          .getJsonArray("presence");
      assertThat(both.getJsonObject(0).getString("status")).isEqualTo("dnd");
      assertThat(both.getJsonObject(1).getString("status")).isEqualTo("offline");
      assertThat(both.getJsonObject(1).getValue("lastSeen")).isNull();
      a.ask("presence.set", new JsonObject().put("status", "online"));
    }
    assertThat(fx.api.get("/api/v1/presence", bob.token()).status()).isEqualTo(400);
    StringBuilder ids = new StringBuilder();
    for (int i = 0; i < 201; i++) {
      ids.append(i == 0 ? "" : ",").append("u_").append(i);
    }
    assertThat(fx.api.get("/api/v1/presence?userIds=" + ids, bob.token()).status()).isEqualTo(400);
    assertThat(fx.api.get("/api/v1/presence?userIds=" + alice.userId(), null).status()).isEqualTo(401);
  }

  // ---- typing ---------------------------------------------------------------------------------

  @Test
  @DisplayName("typing:true is forwarded once per throttle period to the others, and typing:false when the typer stops")
  void typingThrottleAndStop() {
    Api.User alice = fx.newUser("t-alice");
    Api.User bob = fx.newUser("t-bob");
    JsonObject room = directRoom(alice, bob);
    String roomId = room.getString("roomId");
    try (SocketClient a = ready(alice); SocketClient b = ready(bob)) {
      for (int i = 0; i < 3; i++) {
        a.ask("chat.typing", new JsonObject().put("roomId", roomId).put("typing", true));
      }
      a.ask("chat.typing", new JsonObject().put("roomId", roomId).put("typing", false));
      JsonObject started = awaitEvent(b, "typing", e -> true);
      assertThat(started).isEqualTo(new JsonObject().put("type", "typing").put("roomId", roomId).put("userId", alice.userId()).put("typing", true));
      JsonObject next = awaitEvent(b, "typing", e -> true);
      assertThat(next.getBoolean("typing")).as("the two refreshes were not forwarded").isFalse();

      // The typer's own sockets hear nothing of it: a message sent after shows what arrived before.
      a.ask("chat.send", PlatformEndToEndTest.send(room, "after-typing", "done"));
      awaitEvent(a, "message", e -> true);
      assertThat(a.drain()).noneMatch(event("typing", e -> true));

      JsonObject stranger = fx.socket(fx.newUser("t-eve")).request("chat.typing", new JsonObject().put("roomId", roomId).put("typing", true));
      assertThat(stranger.getInteger("failureCode")).isEqualTo(404);
    }
  }

  @Test
  @DisplayName("typing ends by itself when no refresh comes, a refresh keeps it on, and it ends when the typer disconnects")
  void typingExpiresAndEndsOnDisconnect() {
    Api.User alice = fx.newUser("x-alice");
    Api.User carol = fx.newUser("x-carol");
    Api.User bob = fx.newUser("x-bob");
    String roomId = fx.api.createRoom(alice, "typing", bob, carol).getString("roomId");
    try (SocketClient b = ready(bob); SocketClient c = ready(carol)) {
      try (SocketClient a = ready(alice)) {
        // A reply comes once presence-service has handled the request (and set its expiry timer),
        // so it handles these three in this order: alice starts, carol starts, alice refreshes.
        // Carol never refreshes: her expiry is the clock. Alice started first, so without her
        // refresh her typing would expire first; with it, hers ends after carol's. Expiry timers
        // fire in the order of their deadlines, and both events go out on the room's address
        // from presence-service's one event loop, so bob hears them in that order.
        a.ask("chat.typing", typing(roomId, true));
        c.ask("chat.typing", typing(roomId, true));
        a.ask("chat.typing", typing(roomId, true));
        assertThat(typingEvents(b, 4))
            .as("carol's unrefreshed typing ends first, alice's refreshed one after it, and the refresh was not forwarded")
            .containsExactly(typing(alice, true), typing(carol, true), typing(carol, false), typing(alice, false));

        // Alice's typing ended by itself (her socket is open, she sent no typing:false), so her
        // next typing:true is forwarded at once despite the hour-long throttle.
        a.ask("chat.typing", typing(roomId, true));
        assertThat(typingEvents(b, 1)).containsExactly(typing(alice, true));
      }
      // alice's socket closed while she was typing.
      assertThat(typingEvents(b, 1)).containsExactly(typing(alice, false));
      // A last event from presence-service shows that it sent bob nothing else before it.
      c.ask("chat.typing", typing(roomId, true));
      assertThat(typingEvents(b, 1)).as("no other typing event came before").containsExactly(typing(carol, true));
    }
  }

  static JsonObject typing(String roomId, boolean on) {
    return new JsonObject().put("roomId", roomId).put("typing", on);
  }

  static String typing(Api.User user, boolean on) {
    return user.userId() + (on ? " typing" : " stopped");
  }

  /** The next {@code count} typing events the socket receives, in order, each as {@link #typing(Api.User, boolean)}. */
  static List<String> typingEvents(SocketClient socket, int count) {
    List<String> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      JsonObject event = awaitEvent(socket, "typing", e -> true);
      events.add(event.getString("userId") + (event.getBoolean("typing") ? " typing" : " stopped"));
    }
    return events;
  }

  // ---- receipts -------------------------------------------------------------------------------

  @Test
  @DisplayName("watermarks move only forward, the room hears each move, and unread counts follow them")
  void receiptsAndUnread() {
    Api.User alice = fx.newUser("r-alice");
    Api.User bob = fx.newUser("r-bob");
    Api.User carol = fx.newUser("r-carol");
    JsonObject room = fx.api.createRoom(alice, "receipts", bob, carol);
    String roomId = room.getString("roomId");
    try (SocketClient a = ready(alice); SocketClient b = ready(bob)) {
      for (int i = 1; i <= 3; i++) {
        a.ask("chat.send", PlatformEndToEndTest.send(room, "m" + i, "message " + i));
      }
      b.ask("chat.send", PlatformEndToEndTest.send(room, "b1", "bob's own"));
      // seq 1-3 alice, 4 bob
      assertThat(unreadOf(bob, roomId)).isEqualTo(3);
      assertThat(unreadOf(carol, roomId)).isEqualTo(4);
      assertThat(unreadOf(alice, roomId)).isEqualTo(1);

      JsonObject marked = b.ask("chat.receipt", receipt(roomId, 3, "delivered"));
      assertThat(marked).isEqualTo(new JsonObject().put("delivered", 3L).put("read", 0L));
      JsonObject delivered = awaitEvent(a, "receipt", e -> true);
      assertThat(delivered).isEqualTo(new JsonObject().put("type", "receipt").put("roomId", roomId)
          .put("userId", bob.userId()).put("kind", "delivered").put("seq", 3L));

      b.ask("chat.receipt", receipt(roomId, 2, "read"));
      JsonObject read = awaitEvent(a, "receipt", e -> true);
      assertThat(read.getString("kind")).isEqualTo("read");
      assertThat(read.getLong("seq")).isEqualTo(2L);
      assertThat(b.ask("chat.receipt", receipt(roomId, 1, "read")))
          .as("a watermark never goes back").isEqualTo(new JsonObject().put("delivered", 3L).put("read", 2L));
      assertThat(unreadOf(bob, roomId)).isEqualTo(1);

      b.ask("chat.receipt", receipt(roomId, 4, "read"));
      assertThat(unreadOf(bob, roomId)).isZero();
      JsonObject beyond = b.request("chat.receipt", receipt(roomId, 99, "read"));
      assertThat(beyond.getInteger("failureCode")).isEqualTo(400);
      JsonObject badKind = b.request("chat.receipt", receipt(roomId, 1, "seen"));
      assertThat(badKind.getInteger("failureCode")).isEqualTo(400);

      // The backward mark (read 1) moved nothing, so the next receipt event alice sees is read 4.
      assertThat(awaitEvent(a, "receipt", e -> true).getLong("seq")).isEqualTo(4L);

      Api.Response list = fx.api.get("/api/v1/rooms/" + roomId + "/receipts", carol.token());
      assertThat(list.status()).isEqualTo(200);
      assertThat(list.json().getJsonArray("members")).containsExactlyInAnyOrder(
          new JsonObject().put("userId", alice.userId()).put("delivered", 0L).put("read", 0L),
          new JsonObject().put("userId", bob.userId()).put("delivered", 4L).put("read", 4L),
          new JsonObject().put("userId", carol.userId()).put("delivered", 0L).put("read", 0L));
    }
    Api.User eve = fx.newUser("r-eve");
    Api.Response stranger = fx.api.get("/api/v1/rooms/" + roomId + "/receipts", eve.token());
    assertThat(stranger.status()).as("like a missing room").isEqualTo(404);
    try (SocketClient e = ready(eve)) {
      assertThat(e.request("chat.receipt", receipt(roomId, 1, "read")).getInteger("failureCode")).isEqualTo(404);
    }
  }

  static JsonObject receipt(String roomId, long seq, String kind) {
    return new JsonObject().put("roomId", roomId).put("seq", seq).put("kind", kind);
  }

  static long unreadOf(Api.User user, String roomId) {
    JsonArray rooms = fx.api.get("/api/v1/rooms", user.token()).json().getJsonArray("rooms");
    return rooms.stream()
        .map(JsonObject.class::cast)
        .filter(r -> r.getString("roomId").equals(roomId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("room not listed among " + rooms))
        .getLong("unread");
  }
}

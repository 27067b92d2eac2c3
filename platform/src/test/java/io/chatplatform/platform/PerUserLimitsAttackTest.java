package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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

/**
 * Attacks that multiply one user's allowance, or read others' presence, on a running platform
 * (docs/security.md, "Per-user limits and presence privacy"). The platform runs with the
 * production limits, except where {@link #start} says which setting it changes and why.
 */
@DisplayName("Security: one user's many sockets gain nothing, and presence is for contacts only")
class PerUserLimitsAttackTest {
  private static final Logger LOG = LoggerFactory.getLogger(PerUserLimitsAttackTest.class);

  /** The production defaults, asserted below: MAX_SOCKETS_PER_USER, the sync and receipt bursts, PRESENCE_COALESCE_MS. */
  static final int MAX_SOCKETS_PER_USER = 20;
  static final int SYNC_BURST = 30;
  static final int RECEIPTS_BURST = 60;
  static final long COALESCE_MS = 500;
  /** What a socket over MAX_SOCKETS_PER_USER is closed with. */
  static final short TOO_MANY_SOCKETS = 4409;
  /** A user id of the right form that no user has. */
  static final String NOBODY = "u_00000000000000000000000000000000";

  @TempDir static Path dataDir;
  static PlatformFixture fx;

  @BeforeAll
  static void start() throws Exception {
    // Put the defaults back (the fixture lifts them for the other tests); sign-ups per address
    // stay lifted, as every test user comes from 127.0.0.1.
    Map<String, String> production = new HashMap<>(PlatformFixture.PRODUCTION_BURSTS);
    // Lowered from 5 and 10 a second to one token per 1,000 s, which no test here lives to see:
    // what a user gets is then exactly the burst, however fast or slow the test runs.
    production.put("RATE_LIMIT_SYNC_PER_SECOND", "0.001");
    production.put("RATE_LIMIT_RECEIPTS_PER_SECOND", "0.001");
    // Raised from 10 so that the coalescing alone bounds the presence events of a flipping user
    // (presenceFlipsAreCoalesced); the presence.set limit itself is proven in FrameRouterTest.
    production.put("RATE_LIMIT_PRESENCE_BURST", "1000000");
    fx = new PlatformFixture(dataDir, production);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static Map<String, JsonObject> presence(Api.User asker, String... userIds) {
    Api.Response r = fx.api.get("/api/v1/presence?userIds=" + String.join(",", userIds), asker.token());
    assertThat(r.status()).as("GET /presence").isEqualTo(200);
    Map<String, JsonObject> byId = new HashMap<>();
    for (Object entry : r.json().getJsonArray("presence")) {
      JsonObject p = (JsonObject) entry;
      byId.put(p.getString("userId"), p);
    }
    return byId;
  }

  /** Waits until the gateway holds no socket: every test here closes the sockets it opens. */
  static void awaitOpenSockets(int count, String what) {
    Await.until(what, Await.TIMEOUT, () -> fx.platform.gateway().openSessions() == count);
  }

  // ---- item 4: presence of non-contacts -------------------------------------------------------

  @Test
  @DisplayName("GET /presence answers for contacts and oneself; a non-contact reads unknown, exactly like a user that does not exist")
  void presenceOfNonContacts() {
    Api.User alice = fx.newUser("nosy");
    Api.User bob = fx.newUser("friend");
    Api.User carol = fx.newUser("stranger");
    fx.api.directRoom(alice, bob);
    try (SocketClient a = fx.readySocket(alice); SocketClient b = fx.readySocket(bob); SocketClient c = fx.readySocket(carol)) {
      c.ask("presence.set", new JsonObject().put("status", "dnd"));
      b.ask("presence.set", new JsonObject().put("status", "away"));

      Map<String, JsonObject> seen = presence(alice, bob.userId(), carol.userId(), NOBODY, alice.userId());
      assertThat(seen.get(bob.userId()).getString("status")).as("a contact's real status").isEqualTo("away");
      assertThat(seen.get(alice.userId()).getString("status")).as("one's own status").isEqualTo("online");
      assertThat(seen.get(carol.userId())).as("a non-contact, online and dnd")
          .isEqualTo(new JsonObject().put("userId", carol.userId()).put("status", "unknown").putNull("lastSeen"));
      assertThat(seen.get(NOBODY)).as("a user that does not exist reads the same")
          .isEqualTo(seen.get(carol.userId()).copy().put("userId", NOBODY));
      LOG.info("alice's view: {}", seen);

      assertThat(presence(carol, alice.userId()).get(alice.userId()).getString("status"))
          .as("and the other way round").isEqualTo("unknown");
      assertThat(presence(bob, alice.userId()).get(alice.userId()).getString("status"))
          .as("contacts see each other").isEqualTo("online");
    }
  }

  // ---- item 5: sockets per user ---------------------------------------------------------------

  @Test
  @DisplayName("one token opens MAX_SOCKETS_PER_USER sockets; the next is refused with 4409, and closing one lets a new one in")
  void socketCap() {
    Api.User hoarder = fx.newUser("hoarder");
    Api.User other = fx.newUser("other");
    List<SocketClient> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_SOCKETS_PER_USER; i++) {
        sockets.add(fx.readySocket(hoarder));
      }
      try (SocketClient extra = SocketClient.connect(fx.clientVertx, fx.port(), "access_token=" + hoarder.token())) {
        assertThat(extra.awaitClose()).as("the socket over the cap").isEqualTo(TOO_MANY_SOCKETS);
        assertThat(extra.closeReason()).startsWith("rate_limited: too many sockets");
        assertThat(extra.drain()).as("the reason, as an err frame first")
            .anySatisfy(f -> assertThat(f.getString("message")).startsWith("rate_limited: too many sockets"));
      }
      assertThat(sockets).as("the sockets within the cap still work").allSatisfy(s -> assertThat(s.isClosed()).isFalse());
      try (SocketClient others = fx.readySocket(other)) {
        assertThat(others.ask("chat.sync", new JsonObject().put("rooms", new JsonObject())).containsKey("rooms"))
            .as("another user is unaffected").isTrue();
      }

      SocketClient first = sockets.remove(0);
      first.close();
      first.awaitClose();
      awaitOpenSockets(MAX_SOCKETS_PER_USER - 1, "the gateway to forget the closed socket");
      SocketClient again = fx.readySocket(hoarder);
      sockets.add(again);
      assertThat(again.isClosed()).as("a socket in the freed place").isFalse();
    } finally {
      sockets.forEach(SocketClient::close);
    }
    awaitOpenSockets(0, "every socket closed");
  }

  // ---- item 5: per-user limits across sockets -------------------------------------------------

  /** Sends {@code count} requests round-robin over the sockets; answers how many were answered {@code rec}. */
  static int admitted(List<SocketClient> sockets, int count, String address, JsonObject body) {
    int admitted = 0;
    int refused = 0;
    for (int i = 0; i < count; i++) {
      JsonObject answer = sockets.get(i % sockets.size()).request(address, body);
      if ("rec".equals(answer.getString("type"))) {
        admitted++;
      } else {
        assertThat(answer.getString("message")).as(address + " refusal").startsWith("rate_limited: too many " + address + ", retry in");
        refused++;
      }
    }
    LOG.info("{} {} requests over {} sockets of one user: {} admitted, {} refused", count, address, sockets.size(), admitted, refused);
    return admitted;
  }

  @Test
  @DisplayName("chat.sync and chat.receipt are limited per user: five sockets get together what one would")
  void syncAndReceiptsPerUser() {
    Api.User reader = fx.newUser("reader");
    Api.User writer = fx.newUser("writer");
    JsonObject room = fx.api.directRoom(reader, writer);
    String roomId = room.getString("roomId");
    List<SocketClient> sockets = new ArrayList<>();
    try {
      // Opened by token, not readySocket: its sync would take from the bucket measured here.
      for (int i = 0; i < 5; i++) {
        sockets.add(fx.socket(reader));
      }
      try (SocketClient w = fx.readySocket(writer)) {
        w.ask("chat.send", PlatformEndToEndTest.send(room, "m1", "read me"));
      }
      int syncs = admitted(sockets, 3 * SYNC_BURST, "chat.sync", new JsonObject().put("rooms", new JsonObject().put(roomId, 0)));
      assertThat(syncs).as("chat.sync admitted over 5 sockets: one user's burst, not five").isEqualTo(SYNC_BURST);
      int receipts = admitted(sockets, 2 * RECEIPTS_BURST, "chat.receipt",
          new JsonObject().put("roomId", roomId).put("seq", 1).put("kind", "read"));
      assertThat(receipts).as("chat.receipt admitted over 5 sockets: one user's burst, not five").isEqualTo(RECEIPTS_BURST);
      assertThat(sockets).as("refusals spread over the sockets stay under the flooding close")
          .allSatisfy(s -> assertThat(s.isClosed()).isFalse());
    } finally {
      sockets.forEach(SocketClient::close);
    }
    awaitOpenSockets(0, "every socket closed");
  }

  // ---- item 5: presence flips are coalesced ---------------------------------------------------

  static Predicate<JsonObject> presenceOf(Api.User user) {
    return AwarenessEndToEndTest.event("presence", e -> user.userId().equals(e.getString("userId")));
  }

  @Test
  @DisplayName("a user flipping presence.set on MAX_SOCKETS_PER_USER sockets sends a contact at most one event per PRESENCE_COALESCE_MS, the last status last")
  void presenceFlipsAreCoalesced() throws Exception {
    Api.User flipper = fx.newUser("flipper");
    Api.User watcher = fx.newUser("watcher");
    fx.api.directRoom(flipper, watcher);
    List<SocketClient> sockets = new ArrayList<>();
    try (SocketClient watching = fx.readySocket(watcher)) {
      for (int i = 0; i < MAX_SOCKETS_PER_USER; i++) {
        sockets.add(fx.readySocket(flipper));
      }
      watching.awaitFrame(presenceOf(flipper), Await.TIMEOUT);
      watching.drain();

      // Each socket has spent 2 of its frame burst of 100 (register, sync); 45 flips each stay within it.
      int flips = 45 * sockets.size();
      long started = System.nanoTime();
      for (int i = 0; i < flips; i++) {
        sockets.get(i % sockets.size()).ask("presence.set", new JsonObject().put("status", i % 2 == 0 ? "away" : "online"));
      }
      sockets.get(0).ask("presence.set", new JsonObject().put("status", "dnd"));
      List<JsonObject> events = new ArrayList<>();
      while (events.isEmpty() || !"dnd".equals(events.get(events.size() - 1).getString("status"))) {
        events.add(watching.awaitFrame(presenceOf(flipper), Await.TIMEOUT).getJsonObject("body"));
      }
      long elapsedMs = (System.nanoTime() - started) / 1_000_000;
      // Two fan-outs of one user are at least PRESENCE_COALESCE_MS apart, and every one counted
      // here was decided after the first flip was sent and before the last event arrived.
      long bound = 1 + elapsedMs / COALESCE_MS;
      LOG.info("{} presence.set over {} sockets in {} ms: the contact received {} presence events (bound {}): {}",
          flips + 1, sockets.size(), elapsedMs, events.size(), bound, events.stream().map(e -> e.getString("status")).toList());
      assertThat(events.size()).as("presence events for %d flips in %d ms", flips + 1, elapsedMs).isLessThanOrEqualTo((int) bound);
      assertThat(presence(watcher, flipper.userId()).get(flipper.userId()).getString("status"))
          .as("the last write wins").isEqualTo("dnd");
    } finally {
      sockets.forEach(SocketClient::close);
    }
    awaitOpenSockets(0, "every socket closed");
  }
}

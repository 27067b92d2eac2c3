package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync bomb (issue 12, item 1): one small {@code chat.sync} naming many rooms full of
 * messages that JSON escaping inflates six-fold made the gateway encode a reply of a gigabyte on
 * its event loop. Every reply now has a byte budget, and the client asks again for the rest
 * (docs/security.md, "Reply size budgets"). Production limits, except the two that seeding the
 * data would otherwise take minutes under (see {@link #start}).
 */
@DisplayName("Security: one chat.sync or history page cannot make a reply larger than its byte budget")
class SyncBombAttackTest {
  private static final Logger LOG = LoggerFactory.getLogger(SyncBombAttackTest.class);

  /** {@code SYNC_MAX_REPLY_BYTES}, its production default. */
  static final int SYNC_BUDGET_BYTES = 256 * 1024;
  /** {@code HISTORY_PAGE_MAX_BYTES}, its production default. */
  static final int PAGE_BUDGET_BYTES = 1024 * 1024;
  /**
   * What a socket reply adds around its body: {@code {"type":"rec","address":"<replyAddress>","body":…}},
   * the address at most 128 bytes.
   */
  static final int REC_FRAME_ENVELOPE_BYTES = 256;

  static final int ROOMS = 20;
  static final int MESSAGES_PER_ROOM = 100;
  /**
   * The longest text allowed ({@code MESSAGE_MAX_TEXT_LENGTH}), of a character JSON writes as 6
   * bytes ({@code \u0001}), and one visible one (a text of nothing visible is refused).
   */
  static final String INFLATING_TEXT = "\u0001".repeat(3999) + "x";

  @TempDir static Path dataDir;
  static PlatformFixture fx;
  static Api.User attacker;
  static final List<String> roomIds = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    // Put the defaults back (the fixture lifts them); sign-ups per address stay lifted, as every
    // test user comes from 127.0.0.1.
    Map<String, String> production = new HashMap<>();
    production.put("RATE_LIMIT_REST_WRITES_BURST", "30");
    // Raised from 30 and 100: the attacker stores 2,000 messages before the attack, which the
    // production send rate (5 a second) would stretch over 7 minutes. The attack itself is one
    // frame of a few hundred bytes, which no rate limit stops: the budgets below are the defence.
    production.put("RATE_LIMIT_SEND_BURST", "1000000");
    production.put("RATE_LIMIT_SOCKET_FRAMES_BURST", "1000000");
    fx = new PlatformFixture(dataDir, production);
    attacker = fx.newUser("bomber");
    for (int i = 0; i < ROOMS; i++) {
      roomIds.add(fx.api.createRoom(attacker, "bomb " + i).getString("roomId"));
    }
    seed();
  }

  /** {@link #MESSAGES_PER_ROOM} inflating messages in every room, each room's sends in parallel with the others'. */
  static void seed() {
    long started = System.nanoTime();
    try (SocketClient socket = fx.readySocket(attacker)) {
      for (int n = 0; n < MESSAGES_PER_ROOM; n++) {
        List<String> replies = new ArrayList<>();
        for (String roomId : roomIds) {
          replies.add(socket.send("chat.send",
              new JsonObject().put("roomId", roomId).put("clientMsgId", "m" + n).put("text", INFLATING_TEXT)));
        }
        for (String reply : replies) {
          JsonObject answer = socket.awaitReply(reply).frame();
          assertThat(answer.getString("type")).as("a seeding send: %s", answer).isEqualTo("rec");
        }
      }
    }
    LOG.info("seeded {} rooms x {} messages of {} escaped bytes in {} ms", ROOMS, MESSAGES_PER_ROOM,
        new JsonObject().put("text", INFLATING_TEXT).encode().length(), (System.nanoTime() - started) / 1_000_000);
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  static JsonObject syncBody(Map<String, Long> from) {
    JsonObject rooms = new JsonObject();
    from.forEach(rooms::put);
    return new JsonObject().put("rooms", rooms);
  }

  @Test
  @DisplayName("one chat.sync of every room from seq 0: the reply stays within SYNC_MAX_REPLY_BYTES, hasMore marks what is left, "
      + "asking again catches up every message exactly once, and another user is answered meanwhile")
  void syncBomb() {
    Api.User bystander = fx.newUser("bystander");
    JsonObject bystanderRoom = fx.api.createRoom(bystander, "quiet");
    Map<String, Long> cursors = new LinkedHashMap<>();
    roomIds.forEach(id -> cursors.put(id, 0L));
    Map<String, TreeSet<Long>> received = new HashMap<>();
    roomIds.forEach(id -> received.put(id, new TreeSet<>()));
    try (SocketClient bomber = fx.readySocket(attacker); SocketClient other = fx.readySocket(bystander)) {
      String bomb = bomber.send("chat.sync", syncBody(cursors));
      long asked = System.nanoTime();
      other.ask("chat.send", PlatformEndToEndTest.send(bystanderRoom, "while-bombed", "still here?"));
      LOG.info("another user's chat.send during the sync bomb was answered in {} ms", (System.nanoTime() - asked) / 1_000_000);

      SocketClient.Received reply = bomber.awaitReply(bomb);
      int rounds = 0;
      long bytes = 0;
      int largest = 0;
      while (true) {
        rounds++;
        bytes += reply.bytes();
        largest = Math.max(largest, reply.bytes());
        assertThat(reply.frame().getString("type")).as("round %d: %s", rounds, reply.frame().getString("message")).isEqualTo("rec");
        assertThat(reply.bytes()).as("round %d's reply frame, in bytes", rounds)
            .isLessThanOrEqualTo(SYNC_BUDGET_BYTES + REC_FRAME_ENVELOPE_BYTES);
        JsonObject rooms = reply.frame().getJsonObject("body").getJsonObject("rooms");
        assertThat(rooms.fieldNames()).as("every room asked for is answered, read or not").containsExactlyInAnyOrderElementsOf(cursors.keySet());
        Map<String, Long> next = new LinkedHashMap<>();
        int messagesThisRound = 0;
        for (String roomId : cursors.keySet()) {
          JsonObject page = rooms.getJsonObject(roomId);
          JsonArray messages = page.getJsonArray("messages");
          long last = cursors.get(roomId);
          for (int i = 0; i < messages.size(); i++) {
            long seq = messages.getJsonObject(i).getLong("seq");
            assertThat(seq).as("room %s continues where it was asked from, without a gap", roomId).isEqualTo(last + 1);
            assertThat(received.get(roomId).add(seq)).as("seq %d of room %s arrives once", seq, roomId).isTrue();
            last = seq;
          }
          messagesThisRound += messages.size();
          boolean complete = last == MESSAGES_PER_ROOM;
          assertThat(page.getBoolean("hasMore")).as("room %s, answered up to %d of %d", roomId, last, MESSAGES_PER_ROOM).isEqualTo(!complete);
          if (!complete) {
            next.put(roomId, last);
          }
        }
        assertThat(messagesThisRound).as("round %d makes progress", rounds).isPositive();
        if (next.isEmpty()) {
          break;
        }
        cursors.clear();
        cursors.putAll(next);
        reply = bomber.requestMeasured("chat.sync", syncBody(cursors));
      }
      LOG.info("caught up {} messages in {} chat.sync replies, {} bytes in all, the largest {} bytes",
          ROOMS * MESSAGES_PER_ROOM, rounds, bytes, largest);
      assertThat(rounds).as("the bomb's %d bytes could not come in one reply", bytes).isGreaterThan(1);
      received.forEach((roomId, seqs) -> assertThat(seqs).as(roomId).hasSize(MESSAGES_PER_ROOM).first().isEqualTo(1L));
    }
  }

  @Test
  @DisplayName("history pages stay within HISTORY_PAGE_MAX_BYTES, and before/after cursors walk the whole room each message once")
  void historyPages() {
    String roomId = roomIds.get(0);
    String path = "/api/v1/rooms/" + roomId + "/messages?limit=100";

    TreeSet<Long> backwards = new TreeSet<>();
    Api.Response page = fx.api.get(path, attacker.token());
    int pages = 0;
    while (true) {
      pages++;
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.body().length()).as("a page's body, in bytes").isLessThanOrEqualTo(PAGE_BUDGET_BYTES);
      JsonArray messages = page.json().getJsonArray("messages");
      assertThat(messages).as("every page makes progress").isNotEmpty();
      long highest = messages.getJsonObject(messages.size() - 1).getLong("seq");
      assertThat(highest).as("the page ends just below the cursor")
          .isEqualTo(backwards.isEmpty() ? MESSAGES_PER_ROOM : backwards.first() - 1);
      for (int i = 0; i < messages.size(); i++) {
        assertThat(backwards.add(messages.getJsonObject(i).getLong("seq"))).isTrue();
      }
      boolean olderExist = backwards.first() > 1;
      assertThat(page.json().getBoolean("hasMore")).as("hasMore going back from %d", backwards.first()).isEqualTo(olderExist);
      if (!olderExist) {
        break;
      }
      page = fx.api.get(path + "&before=" + backwards.first(), attacker.token());
    }
    assertThat(backwards).hasSize(MESSAGES_PER_ROOM);
    assertThat(pages).as("100 messages of 24 KB cannot come in one page of 1 MiB").isGreaterThan(1);

    TreeSet<Long> forwards = new TreeSet<>();
    long after = 0;
    while (true) {
      Api.Response forward = fx.api.get(path + "&after=" + after, attacker.token());
      assertThat(forward.body().length()).isLessThanOrEqualTo(PAGE_BUDGET_BYTES);
      JsonArray messages = forward.json().getJsonArray("messages");
      assertThat(messages).isNotEmpty();
      for (int i = 0; i < messages.size(); i++) {
        long seq = messages.getJsonObject(i).getLong("seq");
        assertThat(seq).isEqualTo(after + 1);
        assertThat(forwards.add(seq)).isTrue();
        after = seq;
      }
      assertThat(forward.json().getBoolean("hasMore")).as("hasMore going forward from %d", after).isEqualTo(after < MESSAGES_PER_ROOM);
      if (after == MESSAGES_PER_ROOM) {
        break;
      }
    }
    assertThat(forwards).hasSize(MESSAGES_PER_ROOM);
    LOG.info("read a room of {} messages back in {} pages", MESSAGES_PER_ROOM, pages);
  }
}

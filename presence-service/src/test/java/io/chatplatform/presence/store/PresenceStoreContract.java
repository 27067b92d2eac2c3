package io.chatplatform.presence.store;

import io.chatplatform.presence.domain.PresenceStore;
import io.chatplatform.presence.domain.Presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.presence.domain.PresenceStore.Change;
import io.chatplatform.presence.domain.PresenceStore.Disconnected;
import io.chatplatform.presence.domain.PresenceStore.Session;
import io.chatplatform.testsupport.Await;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What every {@link PresenceStore} guarantees; each implementation's test extends this. */
abstract class PresenceStoreContract {
  /** Short, so that the expiry of a dead node can be awaited in a test. */
  static final long NODE_TTL_MS = 400;

  PresenceStore store;

  abstract PresenceStore newStore(long nodeTtlMs) throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = newStore(NODE_TTL_MS);
  }

  @AfterEach
  void closeStore() throws Exception {
    Await.result(store.close());
  }

  static long now() {
    return System.currentTimeMillis();
  }

  static Session session(String user, String session, String node) {
    return new Session(user, session, node, "web");
  }

  @Test
  @DisplayName("sessionsOnline counts the sockets registered on every node, and drops one at its disconnect")
  void sessionsOnline() {
    assertThat(Await.result(store.sessionsOnline())).isZero();
    Await.result(store.connect(session("alice", "phone", "n1"), now()));
    Await.result(store.connect(session("alice", "laptop", "n2"), now()));
    Await.result(store.connect(session("bob", "s1", "n1"), now()));
    assertThat(Await.result(store.sessionsOnline())).isEqualTo(3);
    Await.result(store.disconnect(session("alice", "phone", "n1"), now()));
    assertThat(Await.result(store.sessionsOnline())).isEqualTo(2);
  }

  @Test
  @DisplayName("a user is online while any of their devices is connected, and offline with lastSeen after the last one")
  void multiDeviceStatus() throws Exception {
    Change first = Await.result(store.connect(session("alice", "phone", "n1"), now()));
    assertThat(first.changed()).isTrue();
    assertThat(first.presence().status()).isEqualTo(Presence.ONLINE);
    assertThat(Await.result(store.connect(session("alice", "laptop", "n2"), now())).changed()).isFalse();

    Disconnected one = Await.result(store.disconnect(session("alice", "phone", "n1"), now()));
    assertThat(one.known()).isTrue();
    assertThat(one.sessionsLeft()).isEqualTo(1);
    assertThat(Await.result(store.settle("alice")).changed()).isFalse();
    assertThat(Await.result(store.get(List.of("alice"))).get(0).status()).isEqualTo(Presence.ONLINE);

    long closedAt = now();
    Disconnected last = Await.result(store.disconnect(session("alice", "laptop", "n2"), closedAt));
    assertThat(last.sessionsLeft()).isZero();
    Change settled = Await.result(store.settle("alice"));
    assertThat(settled.changed()).isTrue();
    assertThat(settled.presence()).isEqualTo(new Presence("alice", Presence.OFFLINE, closedAt));
    assertThat(Await.result(store.get(List.of("alice")))).containsExactly(new Presence("alice", Presence.OFFLINE, closedAt));
    assertThat(Await.result(store.settle("alice")).changed()).as("offline is announced once").isFalse();
  }

  @Test
  @DisplayName("a reconnect before the grace period ends changes nothing others can see")
  void quickReconnectDoesNotFlicker() throws Exception {
    Await.result(store.connect(session("bob", "s1", "n1"), now()));
    Await.result(store.disconnect(session("bob", "s1", "n1"), now()));
    assertThat(Await.result(store.get(List.of("bob"))).get(0).status()).isEqualTo(Presence.OFFLINE);

    assertThat(Await.result(store.connect(session("bob", "s2", "n1"), now())).changed()).isFalse();
    assertThat(Await.result(store.settle("bob")).changed()).isFalse();
    assertThat(Await.result(store.get(List.of("bob"))).get(0).status()).isEqualTo(Presence.ONLINE);
  }

  @Test
  @DisplayName("away and dnd are shown while connected, kept while offline, and shown again on return")
  void chosenStatus() throws Exception {
    Await.result(store.connect(session("carol", "s1", "n1"), now()));
    assertThat(Await.result(store.setStatus("carol", Presence.AWAY, now()))).isEqualTo(new Change(new Presence("carol", Presence.AWAY, null), true));
    assertThat(Await.result(store.setStatus("carol", Presence.AWAY, now())).changed()).isFalse();
    assertThat(Await.result(store.connect(session("carol", "s2", "n1"), now())).changed()).isFalse();
    assertThat(Await.result(store.get(List.of("carol"))).get(0).status()).isEqualTo(Presence.AWAY);

    Await.result(store.disconnect(session("carol", "s1", "n1"), now()));
    Await.result(store.disconnect(session("carol", "s2", "n1"), now()));
    assertThat(Await.result(store.settle("carol")).presence().status()).isEqualTo(Presence.OFFLINE);
    assertThat(Await.result(store.setStatus("carol", Presence.DND, now())).changed()).as("nobody sees a change while offline").isFalse();

    Change back = Await.result(store.connect(session("carol", "s3", "n1"), now()));
    assertThat(back.changed()).isTrue();
    assertThat(back.presence().status()).isEqualTo(Presence.DND);
  }

  @Test
  @DisplayName("dnd is known for a push whether or not the user is connected; away, online and strangers are not dnd")
  void doNotDisturbWhileOffline() throws Exception {
    Await.result(store.connect(session("dora", "s1", "n1"), now()));
    Await.result(store.setStatus("dora", Presence.DND, now()));
    Await.result(store.connect(session("eve", "s1", "n1"), now()));
    Await.result(store.setStatus("eve", Presence.AWAY, now()));
    assertThat(Await.result(store.inDoNotDisturb(List.of("dora", "eve", "nobody")))).containsExactly("dora");

    Await.result(store.disconnect(session("dora", "s1", "n1"), now()));
    Await.result(store.settle("dora"));
    assertThat(Await.result(store.get(List.of("dora"))).get(0).status()).isEqualTo(Presence.OFFLINE);
    assertThat(Await.result(store.inDoNotDisturb(List.of("dora", "eve")))).as("the choice outlives the socket").containsExactly("dora");

    Await.result(store.setStatus("dora", Presence.ONLINE, now()));
    assertThat(Await.result(store.inDoNotDisturb(List.of("dora", "eve")))).isEmpty();
    assertThat(Await.result(store.inDoNotDisturb(List.of()))).isEmpty();
  }

  @Test
  @DisplayName("shown is what others were last shown: online through the offline grace, then offline with lastSeen")
  void shownIsWhatOthersSaw() throws Exception {
    assertThat(Await.result(store.shown("frank"))).as("never seen").isEqualTo(new Presence("frank", Presence.OFFLINE, null));
    Await.result(store.connect(session("frank", "s1", "n1"), now()));
    Await.result(store.setStatus("frank", Presence.DND, now()));
    assertThat(Await.result(store.shown("frank"))).isEqualTo(new Presence("frank", Presence.DND, null));

    long closedAt = now();
    Await.result(store.disconnect(session("frank", "s1", "n1"), closedAt));
    assertThat(Await.result(store.get(List.of("frank"))).get(0).status()).as("the registry: no socket").isEqualTo(Presence.OFFLINE);
    assertThat(Await.result(store.shown("frank")).status()).as("not settled yet: others still see dnd").isEqualTo(Presence.DND);
    Await.result(store.settle("frank"));
    assertThat(Await.result(store.shown("frank"))).isEqualTo(new Presence("frank", Presence.OFFLINE, closedAt));
  }

  @Test
  @DisplayName("the sessions of a node whose heartbeats stop are dropped; other nodes' sessions stay")
  void deadNodesAreReaped() throws Exception {
    Await.result(store.connect(session("dave", "s1", "dying"), now()));
    Await.result(store.connect(session("erin", "s1", "dying"), now()));
    Await.result(store.connect(session("erin", "s2", "living"), now()));

    List<String> offline = List.of();
    long deadline = now() + 10_000;
    while (offline.isEmpty() && now() < deadline) {
      Await.result(store.heartbeat("living", now()));
      offline = Await.result(store.reap(now()));
      if (offline.isEmpty()) {
        TimeUnit.MILLISECONDS.sleep(50); // waiting for the node's TTL to run out in the store
      }
    }
    assertThat(offline).containsExactly("dave");
    assertThat(Await.result(store.settle("dave")).presence().status()).isEqualTo(Presence.OFFLINE);
    assertThat(Await.result(store.settle("erin")).changed()).isFalse();
    assertThat(Await.result(store.get(List.of("dave", "erin"))).stream().map(Presence::status))
        .containsExactly(Presence.OFFLINE, Presence.ONLINE);
    assertThat(Await.result(store.heartbeat("dying", now())))
        .as("a node that was reaped learns it must register its sockets again")
        .isFalse();
    assertThat(Await.result(store.heartbeat("dying", now()))).isTrue();
  }

  @Test
  @DisplayName("typing:true is forwarded at most once per throttle period, stops once, and expires without refresh")
  void typing() throws Exception {
    Session s = session("fay", "s1", "n1");
    long t = now();
    assertThat(Await.result(store.typingStarted(s, "room1", t, 2_000, 6_000))).isTrue();
    assertThat(Await.result(store.typingStarted(s, "room1", t + 1_000, 2_000, 6_000))).isFalse();
    assertThat(Await.result(store.typingStarted(s, "room1", t + 2_000, 2_000, 6_000))).isTrue();
    assertThat(Await.result(store.typingStarted(s, "room2", t + 2_000, 2_000, 6_000))).as("rooms are independent").isTrue();

    assertThat(Await.result(store.typingStopped("fay", "room1"))).isTrue();
    assertThat(Await.result(store.typingStopped("fay", "room1"))).as("stopping twice tells others once").isFalse();

    assertThat(Await.result(store.typingExpired("fay", "room2", t + 7_999))).isFalse();
    assertThat(Await.result(store.typingExpired("fay", "room2", t + 8_000))).isTrue();
    assertThat(Await.result(store.typingStopped("fay", "room2"))).isFalse();
  }

  @Test
  @DisplayName("a refresh moves the typing deadline")
  void typingRefresh() throws Exception {
    Session s = session("gus", "s1", "n1");
    long t = now();
    Await.result(store.typingStarted(s, "room1", t, 2_000, 6_000));
    Await.result(store.typingStarted(s, "room1", t + 5_000, 2_000, 6_000));
    assertThat(Await.result(store.typingExpired("gus", "room1", t + 6_000))).isFalse();
    assertThat(Await.result(store.typingExpired("gus", "room1", t + 11_000))).isTrue();
  }

  @Test
  @DisplayName("closing a socket clears the typing it started, and only that")
  void disconnectClearsTyping() throws Exception {
    Session phone = session("hal", "phone", "n1");
    Session laptop = session("hal", "laptop", "n1");
    Await.result(store.connect(phone, now()));
    Await.result(store.connect(laptop, now()));
    Await.result(store.typingStarted(phone, "room1", now(), 2_000, 6_000));
    Await.result(store.typingStarted(laptop, "room2", now(), 2_000, 6_000));

    assertThat(Await.result(store.disconnect(phone, now())).typingRooms()).containsExactly("room1");
    assertThat(Await.result(store.typingStopped("hal", "room1"))).isFalse();
    assertThat(Await.result(store.typingStopped("hal", "room2"))).isTrue();
  }

  @Test
  @DisplayName("a restore writes a chosen status only over an older one, a shown one only where none is known,"
      + " and gives a reported user their chosen status")
  void restore() throws Exception {
    long t = now();
    Await.result(store.setStatus("kai", Presence.DND, t));
    Await.result(store.connect(session("lea", "s1", "n1"), t));
    List<Change> changes = Await.result(store.restore(List.of(
        new PresenceStore.Remembered("kai", Presence.AWAY, t - 1, Presence.AWAY),
        new PresenceStore.Remembered("lea", Presence.AWAY, t, Presence.ONLINE),
        new PresenceStore.Remembered("max", Presence.AWAY, t, Presence.AWAY))));
    assertThat(changes).containsExactly(
        new Change(new Presence("kai", Presence.OFFLINE, null), false),
        new Change(new Presence("lea", Presence.AWAY, null), true),
        new Change(new Presence("max", Presence.OFFLINE, null), false));
    assertThat(Await.result(store.connect(session("kai", "s1", "n1"), t)))
        .as("the newer choice (dnd) stays, and differs from what others were shown (away)")
        .isEqualTo(new Change(new Presence("kai", Presence.DND, null), true));
    assertThat(Await.result(store.connect(session("max", "s1", "n1"), t)))
        .as("max was shown away and chose away: his return changes nothing others see")
        .isEqualTo(new Change(new Presence("max", Presence.AWAY, null), false));
    assertThat(Await.result(store.registryLost())).as("nothing was lost").isFalse();
  }

  @Test
  @DisplayName("a bulk query answers every user in order, unknown ones offline without lastSeen")
  void bulkQuery() throws Exception {
    Await.result(store.connect(session("ivy", "s1", "n1"), now()));
    assertThat(Await.result(store.get(List.of("nobody", "ivy"))))
        .containsExactly(new Presence("nobody", Presence.OFFLINE, null), new Presence("ivy", Presence.ONLINE, null));
  }

  @Test
  @DisplayName("closing an unknown session changes nothing")
  void unknownDisconnect() throws Exception {
    Await.result(store.connect(session("jay", "s1", "n1"), now()));
    Disconnected gone = Await.result(store.disconnect(session("jay", "nope", "n1"), now()));
    assertThat(gone.known()).isFalse();
    assertThat(gone.sessionsLeft()).isEqualTo(1);
    assertThat(Await.result(store.get(List.of("jay"))).get(0).lastSeen()).isNull();
  }
}

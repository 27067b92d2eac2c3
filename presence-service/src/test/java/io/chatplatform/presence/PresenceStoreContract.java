package io.chatplatform.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.presence.PresenceStore.Change;
import io.chatplatform.presence.PresenceStore.Disconnected;
import io.chatplatform.presence.PresenceStore.Session;
import io.vertx.core.Future;
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
    await(store.close());
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static long now() {
    return System.currentTimeMillis();
  }

  static Session session(String user, String session, String node) {
    return new Session(user, session, node, "web");
  }

  @Test
  @DisplayName("a user is online while any of their devices is connected, and offline with lastSeen after the last one")
  void multiDeviceStatus() throws Exception {
    Change first = await(store.connect(session("alice", "phone", "n1"), now()));
    assertThat(first.changed()).isTrue();
    assertThat(first.presence().status()).isEqualTo(Presence.ONLINE);
    assertThat(await(store.connect(session("alice", "laptop", "n2"), now())).changed()).isFalse();

    Disconnected one = await(store.disconnect(session("alice", "phone", "n1"), now()));
    assertThat(one.known()).isTrue();
    assertThat(one.sessionsLeft()).isEqualTo(1);
    assertThat(await(store.settle("alice")).changed()).isFalse();
    assertThat(await(store.get(List.of("alice"))).get(0).status()).isEqualTo(Presence.ONLINE);

    long closedAt = now();
    Disconnected last = await(store.disconnect(session("alice", "laptop", "n2"), closedAt));
    assertThat(last.sessionsLeft()).isZero();
    Change settled = await(store.settle("alice"));
    assertThat(settled.changed()).isTrue();
    assertThat(settled.presence()).isEqualTo(new Presence("alice", Presence.OFFLINE, closedAt));
    assertThat(await(store.get(List.of("alice")))).containsExactly(new Presence("alice", Presence.OFFLINE, closedAt));
    assertThat(await(store.settle("alice")).changed()).as("offline is announced once").isFalse();
  }

  @Test
  @DisplayName("a reconnect before the grace period ends changes nothing others can see")
  void quickReconnectDoesNotFlicker() throws Exception {
    await(store.connect(session("bob", "s1", "n1"), now()));
    await(store.disconnect(session("bob", "s1", "n1"), now()));
    assertThat(await(store.get(List.of("bob"))).get(0).status()).isEqualTo(Presence.OFFLINE);

    assertThat(await(store.connect(session("bob", "s2", "n1"), now())).changed()).isFalse();
    assertThat(await(store.settle("bob")).changed()).isFalse();
    assertThat(await(store.get(List.of("bob"))).get(0).status()).isEqualTo(Presence.ONLINE);
  }

  @Test
  @DisplayName("away and dnd are shown while connected, kept while offline, and shown again on return")
  void chosenStatus() throws Exception {
    await(store.connect(session("carol", "s1", "n1"), now()));
    assertThat(await(store.setStatus("carol", Presence.AWAY))).isEqualTo(new Change(new Presence("carol", Presence.AWAY, null), true));
    assertThat(await(store.setStatus("carol", Presence.AWAY)).changed()).isFalse();
    assertThat(await(store.connect(session("carol", "s2", "n1"), now())).changed()).isFalse();
    assertThat(await(store.get(List.of("carol"))).get(0).status()).isEqualTo(Presence.AWAY);

    await(store.disconnect(session("carol", "s1", "n1"), now()));
    await(store.disconnect(session("carol", "s2", "n1"), now()));
    assertThat(await(store.settle("carol")).presence().status()).isEqualTo(Presence.OFFLINE);
    assertThat(await(store.setStatus("carol", Presence.DND)).changed()).as("nobody sees a change while offline").isFalse();

    Change back = await(store.connect(session("carol", "s3", "n1"), now()));
    assertThat(back.changed()).isTrue();
    assertThat(back.presence().status()).isEqualTo(Presence.DND);
  }

  @Test
  @DisplayName("the sessions of a node whose heartbeats stop are dropped; other nodes' sessions stay")
  void deadNodesAreReaped() throws Exception {
    await(store.connect(session("dave", "s1", "dying"), now()));
    await(store.connect(session("erin", "s1", "dying"), now()));
    await(store.connect(session("erin", "s2", "living"), now()));

    List<String> offline = List.of();
    long deadline = now() + 10_000;
    while (offline.isEmpty() && now() < deadline) {
      await(store.heartbeat("living", now()));
      offline = await(store.reap(now()));
      if (offline.isEmpty()) {
        TimeUnit.MILLISECONDS.sleep(50); // waiting for the node's TTL to run out in the store
      }
    }
    assertThat(offline).containsExactly("dave");
    assertThat(await(store.settle("dave")).presence().status()).isEqualTo(Presence.OFFLINE);
    assertThat(await(store.settle("erin")).changed()).isFalse();
    assertThat(await(store.get(List.of("dave", "erin"))).stream().map(Presence::status))
        .containsExactly(Presence.OFFLINE, Presence.ONLINE);
    assertThat(await(store.heartbeat("dying", now())))
        .as("a node that was reaped learns it must register its sockets again")
        .isFalse();
    assertThat(await(store.heartbeat("dying", now()))).isTrue();
  }

  @Test
  @DisplayName("typing:true is forwarded at most once per throttle period, stops once, and expires without refresh")
  void typing() throws Exception {
    Session s = session("fay", "s1", "n1");
    long t = now();
    assertThat(await(store.typingStarted(s, "room1", t, 2_000, 6_000))).isTrue();
    assertThat(await(store.typingStarted(s, "room1", t + 1_000, 2_000, 6_000))).isFalse();
    assertThat(await(store.typingStarted(s, "room1", t + 2_000, 2_000, 6_000))).isTrue();
    assertThat(await(store.typingStarted(s, "room2", t + 2_000, 2_000, 6_000))).as("rooms are independent").isTrue();

    assertThat(await(store.typingStopped("fay", "room1"))).isTrue();
    assertThat(await(store.typingStopped("fay", "room1"))).as("stopping twice tells others once").isFalse();

    assertThat(await(store.typingExpired("fay", "room2", t + 7_999))).isFalse();
    assertThat(await(store.typingExpired("fay", "room2", t + 8_000))).isTrue();
    assertThat(await(store.typingStopped("fay", "room2"))).isFalse();
  }

  @Test
  @DisplayName("a refresh moves the typing deadline")
  void typingRefresh() throws Exception {
    Session s = session("gus", "s1", "n1");
    long t = now();
    await(store.typingStarted(s, "room1", t, 2_000, 6_000));
    await(store.typingStarted(s, "room1", t + 5_000, 2_000, 6_000));
    assertThat(await(store.typingExpired("gus", "room1", t + 6_000))).isFalse();
    assertThat(await(store.typingExpired("gus", "room1", t + 11_000))).isTrue();
  }

  @Test
  @DisplayName("closing a socket clears the typing it started, and only that")
  void disconnectClearsTyping() throws Exception {
    Session phone = session("hal", "phone", "n1");
    Session laptop = session("hal", "laptop", "n1");
    await(store.connect(phone, now()));
    await(store.connect(laptop, now()));
    await(store.typingStarted(phone, "room1", now(), 2_000, 6_000));
    await(store.typingStarted(laptop, "room2", now(), 2_000, 6_000));

    assertThat(await(store.disconnect(phone, now())).typingRooms()).containsExactly("room1");
    assertThat(await(store.typingStopped("hal", "room1"))).isFalse();
    assertThat(await(store.typingStopped("hal", "room2"))).isTrue();
  }

  @Test
  @DisplayName("a bulk query answers every user in order, unknown ones offline without lastSeen")
  void bulkQuery() throws Exception {
    await(store.connect(session("ivy", "s1", "n1"), now()));
    assertThat(await(store.get(List.of("nobody", "ivy"))))
        .containsExactly(new Presence("nobody", Presence.OFFLINE, null), new Presence("ivy", Presence.ONLINE, null));
  }

  @Test
  @DisplayName("closing an unknown session changes nothing")
  void unknownDisconnect() throws Exception {
    await(store.connect(session("jay", "s1", "n1"), now()));
    Disconnected gone = await(store.disconnect(session("jay", "nope", "n1"), now()));
    assertThat(gone.known()).isFalse();
    assertThat(gone.sessionsLeft()).isEqualTo(1);
    assertThat(await(store.get(List.of("jay"))).get(0).lastSeen()).isNull();
  }
}

package io.chatplatform.presence.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.presence.PresenceApi.DoNotDisturb;
import io.chatplatform.contracts.presence.PresenceApi.Query;
import io.chatplatform.contracts.presence.PresenceApi.Session;
import io.chatplatform.contracts.presence.PresenceApi.SetStatus;
import io.chatplatform.contracts.presence.PresenceApi.Typing;
import io.chatplatform.presence.PresenceConfig;
import io.chatplatform.presence.store.MemoryPresenceStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The presence tracker")
class PresenceTrackerTest {
  static final long COALESCE_MS = 500;
  static final PresenceConfig CONFIG = new PresenceConfig(null, "chat:", 1, 10_000, 2_000, 5_000, 2_000, 6_000, 3, COALESCE_MS, 1_000, 2_000, 30_000);

  record Shown(List<String> to, Presence presence) {}

  record TypingEvent(String roomId, String userId, boolean typing) {}

  final AtomicLong now = new AtomicLong(1_000_000);
  final ManualTimers timers = new ManualTimers(now);
  final List<Shown> shown = new ArrayList<>();
  final List<TypingEvent> typing = new ArrayList<>();
  /** How often the tracker asked the directory for someone's contacts. */
  final AtomicInteger contactLookups = new AtomicInteger();
  /** room → members; alice and bob share "team", carol is alone. */
  final Map<String, Set<String>> rooms = Map.of("team", Set.of("alice", "bob"), "solo", Set.of("carol"));

  final ChatDirectory chat = new ChatDirectory() {
    @Override
    public Future<Void> checkMember(String userId, String roomId) {
      return rooms.getOrDefault(roomId, Set.of()).contains(userId)
          ? Future.succeededFuture()
          : Future.failedFuture(ServiceException.notFound("room not found"));
    }

    @Override
    public Future<List<String>> contacts(String userId) {
      contactLookups.incrementAndGet();
      return Future.succeededFuture(rooms.values().stream()
          .filter(m -> m.contains(userId)).flatMap(Collection::stream).filter(u -> !u.equals(userId)).distinct().sorted().toList());
    }
  };
  final PresenceEvents events = new PresenceEvents() {
    @Override
    public void presence(Collection<String> to, Presence presence) {
      shown.add(new Shown(List.copyOf(to), presence));
    }

    @Override
    public void typing(String roomId, String userId, boolean on) {
      typing.add(new TypingEvent(roomId, userId, on));
    }
  };
  final PresenceStore store = new MemoryPresenceStore(CONFIG.nodeTtlMs());
  final PresenceTracker tracker = new PresenceTracker(store, chat, events, timers, now::get, CONFIG, new SimpleMeterRegistry());

  static <T> T result(Future<T> future) {
    assertThat(future.isComplete()).as("completed at once on the memory store").isTrue();
    if (future.failed()) {
      throw (RuntimeException) future.cause();
    }
    return future.result();
  }

  static Session socket(String userId, String sessionId) {
    return new Session(userId, sessionId, "node-1", "web");
  }

  @Test
  @DisplayName("shows a user online to their contacts when the first socket opens, and only then")
  void online() {
    result(tracker.connect(socket("alice", "s1")));
    result(tracker.connect(socket("alice", "s2")));
    assertThat(shown).containsExactly(new Shown(List.of("bob"), new Presence("alice", Presence.ONLINE, null)));
  }

  @Test
  @DisplayName("shows offline only after the grace period, and not at all after a quick reconnect")
  void offlineAfterGrace() {
    result(tracker.connect(socket("alice", "s1")));
    result(tracker.disconnect(socket("alice", "s1")));
    result(tracker.connect(socket("alice", "s2")));
    timers.advance(CONFIG.offlineGraceMs() + 1);
    assertThat(shown).hasSize(1);

    long closedAt = now.get();
    result(tracker.disconnect(socket("alice", "s2")));
    timers.advance(CONFIG.offlineGraceMs() - 1);
    assertThat(shown).hasSize(1);
    timers.advance(1);
    assertThat(shown).last().isEqualTo(new Shown(List.of("bob"), new Presence("alice", Presence.OFFLINE, closedAt)));
  }

  @Test
  @DisplayName("forwards typing of members at most once per throttle, and clears it when not refreshed")
  void typing() {
    result(tracker.connect(socket("alice", "s1")));
    Typing start = new Typing("alice", "s1", "node-1", "team", true);
    result(tracker.typing(start));
    result(tracker.typing(start));
    assertThat(typing).containsExactly(new TypingEvent("team", "alice", true));
    timers.advance(CONFIG.typingTimeoutMs() + 10);
    assertThat(typing).containsExactly(new TypingEvent("team", "alice", true), new TypingEvent("team", "alice", false));
    assertThat(timers.scheduled()).isZero();
  }

  @Test
  @DisplayName("refuses typing in a room the user is not in, and relays nothing")
  void typingNonMember() {
    Future<?> refused = tracker.typing(new Typing("carol", "s1", "node-1", "team", true));
    assertThat(refused.failed()).isTrue();
    assertThat(typing).isEmpty();
  }

  @Test
  @DisplayName("clears a closed socket's typing at once")
  void typingEndsWithSocket() {
    result(tracker.connect(socket("alice", "s1")));
    result(tracker.typing(new Typing("alice", "s1", "node-1", "team", true)));
    result(tracker.disconnect(socket("alice", "s1")));
    assertThat(typing).last().isEqualTo(new TypingEvent("team", "alice", false));
  }

  @Test
  @DisplayName("lets a user choose away or dnd, and refuses any other status")
  void setStatus() {
    result(tracker.connect(socket("alice", "s1")));
    timers.advance(COALESCE_MS);
    result(tracker.setStatus(new SetStatus("alice", Presence.AWAY)));
    assertThat(shown).last().isEqualTo(new Shown(List.of("bob"), new Presence("alice", Presence.AWAY, null)));
    assertThatThrownBy(() -> tracker.setStatus(new SetStatus("alice", "offline"))).isInstanceOf(ServiceException.class);
  }

  @Test
  @DisplayName("answers a query for at most the configured number of valid ids")
  void query() {
    result(tracker.connect(socket("alice", "s1")));
    assertThat(result(tracker.query(new Query("bob", List.of("alice", "bob")))))
        .extracting(Presence::status).containsExactly(Presence.ONLINE, Presence.OFFLINE);
    assertThatThrownBy(() -> tracker.query(new Query("bob", List.of()))).isInstanceOf(ServiceException.class);
    assertThatThrownBy(() -> tracker.query(new Query("bob", List.of("a", "b", "c", "d")))).isInstanceOf(ServiceException.class);
    assertThatThrownBy(() -> tracker.query(new Query("bob", List.of("has space")))).isInstanceOf(ServiceException.class);
  }

  @Test
  @DisplayName("tells a service who chose dnd, connected or not, for at most the configured number of valid ids")
  void doNotDisturb() {
    result(tracker.connect(socket("carol", "s2")));
    result(tracker.setStatus(new SetStatus("carol", Presence.DND)));
    result(tracker.disconnect(socket("carol", "s2")));
    assertThat(result(tracker.doNotDisturb(new DoNotDisturb(List.of("alice", "carol")))).userIds()).containsExactly("carol");
    assertThatThrownBy(() -> tracker.doNotDisturb(new DoNotDisturb(List.of("a", "b", "c", "d")))).isInstanceOf(ServiceException.class);
    assertThatThrownBy(() -> tracker.doNotDisturb(new DoNotDisturb(List.of("has space")))).isInstanceOf(ServiceException.class);
  }

  @Test
  @DisplayName("answers a query for the caller and their contacts; anyone else reads unknown, exactly like a user that does not exist")
  void queryAnswersContactsOnly() {
    result(tracker.connect(socket("alice", "s1")));
    result(tracker.connect(socket("carol", "s2")));
    result(tracker.setStatus(new SetStatus("carol", Presence.DND)));
    contactLookups.set(0);
    assertThat(result(tracker.query(new Query("bob", List.of("alice", "carol", "nobody")))))
        .containsExactly(
            new Presence("alice", Presence.ONLINE, null),
            new Presence("carol", Presence.UNKNOWN, null),
            new Presence("nobody", Presence.UNKNOWN, null));
    assertThat(contactLookups).as("one directory look-up per query, whatever the number of ids").hasValue(1);

    assertThat(result(tracker.query(new Query("carol", List.of("carol"))))).containsExactly(new Presence("carol", Presence.DND, null));
    assertThat(contactLookups).as("none when the caller asks only about themself").hasValue(1);
    assertThat(result(tracker.query(new Query("carol", List.of("alice", "carol")))))
        .containsExactly(new Presence("alice", Presence.UNKNOWN, null), new Presence("carol", Presence.DND, null));
  }

  @Test
  @DisplayName("drops the sessions of a node that stopped sending heartbeats, and shows its users offline")
  void reapsDeadNodes() {
    result(tracker.connect(socket("alice", "s1")));
    now.addAndGet(CONFIG.nodeTtlMs() + 1);
    tracker.reapDeadNodes();
    timers.advance(0);
    assertThat(shown).last().satisfies(s -> assertThat(s.presence().status()).isEqualTo(Presence.OFFLINE));
  }

  // ---- coalescing ---------------------------------------------------------------------------

  List<String> statusesShown() {
    return shown.stream().map(s -> s.presence().status()).toList();
  }

  @Test
  @DisplayName("fans a user's changes out at once, then at most once per PRESENCE_COALESCE_MS, with the latest status")
  void coalescesChanges() {
    result(tracker.connect(socket("alice", "s1")));
    assertThat(statusesShown()).as("the first change goes out at once").containsExactly(Presence.ONLINE);
    for (String status : List.of(Presence.AWAY, Presence.DND, Presence.AWAY)) {
      result(tracker.setStatus(new SetStatus("alice", status)));
    }
    timers.advance(COALESCE_MS - 1);
    assertThat(statusesShown()).as("changes within the window wait").containsExactly(Presence.ONLINE);
    timers.advance(1);
    assertThat(statusesShown()).as("the latest, once the window ends").containsExactly(Presence.ONLINE, Presence.AWAY);
    assertThat(shown).last().isEqualTo(new Shown(List.of("bob"), new Presence("alice", Presence.AWAY, null)));

    result(tracker.setStatus(new SetStatus("alice", Presence.DND)));
    timers.advance(COALESCE_MS - 1);
    assertThat(statusesShown()).as("a fan-out opens a window of its own").hasSize(2);
    timers.advance(1);
    assertThat(statusesShown()).containsExactly(Presence.ONLINE, Presence.AWAY, Presence.DND);
  }

  @Test
  @DisplayName("sends nothing when a window ends with the status back where it started, and the next change goes out at once")
  void nothingWhenBackWhereItStarted() {
    result(tracker.connect(socket("alice", "s1")));
    result(tracker.setStatus(new SetStatus("alice", Presence.AWAY)));
    result(tracker.setStatus(new SetStatus("alice", Presence.ONLINE)));
    timers.advance(COALESCE_MS);
    assertThat(statusesShown()).containsExactly(Presence.ONLINE);
    assertThat(timers.scheduled()).as("no window left open").isZero();

    result(tracker.setStatus(new SetStatus("alice", Presence.DND)));
    assertThat(statusesShown()).containsExactly(Presence.ONLINE, Presence.DND);
  }

  @Test
  @DisplayName("a user flipping their status every millisecond reaches a contact at most once per window")
  void floodOfFlips() {
    result(tracker.connect(socket("alice", "s1")));
    long started = now.get();
    for (int i = 0; i < 2_000; i++) {
      result(tracker.setStatus(new SetStatus("alice", i % 2 == 0 ? Presence.AWAY : Presence.ONLINE)));
      timers.advance(1);
    }
    result(tracker.setStatus(new SetStatus("alice", Presence.DND)));
    timers.advance(COALESCE_MS);
    long elapsed = now.get() - started;
    System.out.printf("2,001 changes in %d ms (manual clock): %d presence events%n", elapsed, shown.size());
    assertThat(shown).hasSizeLessThanOrEqualTo((int) (1 + elapsed / COALESCE_MS));
    assertThat(shown).last().satisfies(s -> assertThat(s.presence().status()).as("the last write wins").isEqualTo(Presence.DND));
  }

  @Test
  @DisplayName("with two instances, a window's end fans out what the store shows, never undoing a newer change the other announced")
  void windowEndReadsTheStore() {
    PresenceTracker other = new PresenceTracker(store, chat, events, timers, now::get, CONFIG, new SimpleMeterRegistry());
    result(tracker.connect(socket("alice", "s1")));
    result(tracker.setStatus(new SetStatus("alice", Presence.AWAY)));
    timers.advance(100);
    result(other.setStatus(new SetStatus("alice", Presence.DND)));
    assertThat(statusesShown()).as("the other instance had no window open").containsExactly(Presence.ONLINE, Presence.DND);
    timers.advance(COALESCE_MS);
    assertThat(statusesShown()).as("the first instance's window ends: what the store shows (dnd again), not its own away")
        .containsExactly(Presence.ONLINE, Presence.DND, Presence.DND);
    assertThat(result(tracker.query(new Query("bob", List.of("alice"))))).extracting(Presence::status).containsExactly(Presence.DND);
  }

  @Test
  @DisplayName("with PRESENCE_COALESCE_MS 0 every change goes out")
  void coalescingOff() {
    PresenceConfig off = new PresenceConfig(null, "chat:", 1, 10_000, 2_000, 5_000, 2_000, 6_000, 3, 0, 1_000, 2_000, 30_000);
    PresenceTracker eager = new PresenceTracker(store, chat, events, timers, now::get, off, new SimpleMeterRegistry());
    result(eager.connect(socket("alice", "s1")));
    result(eager.setStatus(new SetStatus("alice", Presence.AWAY)));
    result(eager.setStatus(new SetStatus("alice", Presence.ONLINE)));
    assertThat(statusesShown()).containsExactly(Presence.ONLINE, Presence.AWAY, Presence.ONLINE);
    assertThat(timers.scheduled()).isZero();
  }
}

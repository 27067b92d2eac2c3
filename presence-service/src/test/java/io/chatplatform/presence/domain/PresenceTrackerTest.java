package io.chatplatform.presence.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.ServiceException;
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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The presence tracker")
class PresenceTrackerTest {
  static final PresenceConfig CONFIG = new PresenceConfig(null, "chat:", 1, 10_000, 2_000, 5_000, 2_000, 6_000, 3, 1_000, 2_000);

  record Shown(List<String> to, Presence presence) {}

  record TypingEvent(String roomId, String userId, boolean typing) {}

  final AtomicLong now = new AtomicLong(1_000_000);
  final ManualTimers timers = new ManualTimers(now);
  final List<Shown> shown = new ArrayList<>();
  final List<TypingEvent> typing = new ArrayList<>();
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
  final PresenceTracker tracker = new PresenceTracker(
      new MemoryPresenceStore(CONFIG.nodeTtlMs()), chat, events, timers, now::get, CONFIG, new SimpleMeterRegistry());

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
    result(tracker.setStatus(new SetStatus("alice", Presence.AWAY)));
    assertThat(shown).last().isEqualTo(new Shown(List.of("bob"), new Presence("alice", Presence.AWAY, null)));
    assertThatThrownBy(() -> tracker.setStatus(new SetStatus("alice", "offline"))).isInstanceOf(ServiceException.class);
  }

  @Test
  @DisplayName("answers a query for at most the configured number of valid ids")
  void query() {
    result(tracker.connect(socket("alice", "s1")));
    assertThat(result(tracker.query(new Query("bob", List.of("alice", "carol")))))
        .extracting(Presence::status).containsExactly(Presence.ONLINE, Presence.OFFLINE);
    assertThatThrownBy(() -> tracker.query(new Query("bob", List.of()))).isInstanceOf(ServiceException.class);
    assertThatThrownBy(() -> tracker.query(new Query("bob", List.of("a", "b", "c", "d")))).isInstanceOf(ServiceException.class);
    assertThatThrownBy(() -> tracker.query(new Query("bob", List.of("has space")))).isInstanceOf(ServiceException.class);
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
}

package io.chatplatform.presence.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.presence.PresenceApi.Heartbeat;
import io.chatplatform.contracts.presence.PresenceApi.HeartbeatReply;
import io.chatplatform.contracts.presence.PresenceApi.Query;
import io.chatplatform.contracts.presence.PresenceApi.Session;
import io.chatplatform.contracts.presence.PresenceApi.SetStatus;
import io.chatplatform.presence.PresenceConfig;
import io.chatplatform.presence.store.RedisPresenceStore;
import io.chatplatform.testsupport.Await;
import io.chatplatform.testsupport.LogCapture;
import io.chatplatform.testsupport.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The tracker on the Redis store while Redis hangs, is down, and comes back empty (a restart
 * without persistence): a real {@code redis-server}, stopped, restarted and frozen by the test.
 * The tracker runs on one event loop, as in the verticle; its timers are moved by the test.
 */
@DisplayName("Presence through a Redis outage, against a real redis-server")
class RedisOutageTest {
  static final long COMMAND_TIMEOUT_MS = 500;
  static final long START_WAIT_MS = 30_000;
  static final PresenceConfig CONFIG =
      new PresenceConfig(null, "chat:presence:", 4, 10_000, 2_000, 5_000, 2_000, 6_000, 200, 0, 1_000, COMMAND_TIMEOUT_MS, START_WAIT_MS);
  static final Set<String> TEAM = Set.of("alice", "bob", "carol", "dave");

  record Shown(String userId, String status) {}

  static Vertx vertx;
  RedisServer server;
  Context loop;
  PresenceStore store;
  PresenceTracker tracker;
  final AtomicLong now = new AtomicLong(1_000_000);
  final ManualTimers timers = new ManualTimers(now);
  final List<Shown> shown = Collections.synchronizedList(new ArrayList<>());

  final ChatDirectory chat = new ChatDirectory() {
    @Override
    public Future<Void> checkMember(String userId, String roomId) {
      return Future.succeededFuture();
    }

    @Override
    public Future<List<String>> contacts(String userId) {
      return Future.succeededFuture(TEAM.stream().filter(u -> !u.equals(userId)).sorted().toList());
    }
  };
  final PresenceEvents events = new PresenceEvents() {
    @Override
    public void presence(Collection<String> to, Presence presence) {
      shown.add(new Shown(presence.userId(), presence.status()));
    }

    @Override
    public void typing(String roomId, String userId, boolean typing) {}
  };

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    Await.result(vertx.close());
  }

  @BeforeEach
  void open() throws Exception {
    server = RedisServer.start();
    loop = vertx.getOrCreateContext();
    PresenceConfig config = startingWith(START_WAIT_MS);
    store = onLoop(() -> RedisPresenceStore.create(vertx, config, new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
    tracker = new PresenceTracker(store, chat, events, timers, now::get, config, new SimpleMeterRegistry());
  }

  @AfterEach
  void close() throws Exception {
    onLoop(() -> {
      tracker.stop();
      return store.close();
    });
    server.close();
  }

  /** Runs {@code call} on the tracker's event loop and waits for its result. */
  <T> T onLoop(Supplier<Future<T>> call) {
    return Await.result(outcome(call).compose(r -> r.succeeded() ? Future.succeededFuture(r.result()) : Future.failedFuture(r.cause())));
  }

  /** How {@code call} on the event loop ended; an assertion error when it has not within {@code within}. */
  <T> AsyncResult<T> outcomeOf(Supplier<Future<T>> call, Duration within) {
    return Await.result(outcome(call), within);
  }

  private <T> Future<AsyncResult<T>> outcome(Supplier<Future<T>> call) {
    Promise<AsyncResult<T>> done = Promise.promise();
    loop.runOnContext(v -> {
      Future<T> future;
      try {
        future = call.get();
      } catch (RuntimeException e) {
        future = Future.failedFuture(e);
      }
      future.onComplete(done::tryComplete);
    });
    return done.future();
  }

  static Session socket(String userId) {
    return new Session(userId, userId + "-s1", "node-1", "web");
  }

  static void assertUnavailable(AsyncResult<?> result, String what) {
    assertThat(result.failed()).as(what + " fails").isTrue();
    assertThat(result.cause()).as(what).isInstanceOf(ServiceException.class);
    assertThat(((ServiceException) result.cause()).code()).as(what).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  List<String> statuses(String... userIds) {
    return onLoop(() -> tracker.query(new Query("carol", List.of(userIds)))).stream().map(Presence::status).toList();
  }

  @Test
  @DisplayName("a request to a Redis that hangs fails as unavailable once REDIS_COMMAND_TIMEOUT_MS has passed")
  void hungRedisTimesOut() throws Exception {
    onLoop(() -> tracker.connect(socket("alice")));
    server.freeze();
    try {
      long started = System.nanoTime();
      AsyncResult<List<Presence>> answer = outcomeOf(() -> tracker.query(new Query("carol", List.of("alice"))), Duration.ofSeconds(5));
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertUnavailable(answer, "a query to a hung Redis");
      assertThat(took).isBetween(Duration.ofMillis(COMMAND_TIMEOUT_MS - 50), Duration.ofMillis(COMMAND_TIMEOUT_MS * 4));
    } finally {
      server.thaw();
    }
    assertThat(statuses("alice")).containsExactly(Presence.ONLINE);
  }

  /** The test's settings on the test's Redis, with {@code startWaitMs} as {@code REDIS_START_WAIT_MS}. */
  PresenceConfig startingWith(long startWaitMs) {
    return new PresenceConfig(
        server.url(), CONFIG.redisKeyPrefix(), CONFIG.redisMaxPoolSize(), CONFIG.nodeTtlMs(), CONFIG.reapIntervalMs(),
        CONFIG.offlineGraceMs(), CONFIG.typingThrottleMs(), CONFIG.typingTimeoutMs(), CONFIG.queryMaxUsers(), CONFIG.coalesceMs(),
        CONFIG.chatTimeoutMs(), CONFIG.redisCommandTimeoutMs(), startWaitMs);
  }

  @Test
  @DisplayName("an instance that starts while Redis hangs keeps trying, and starts when Redis answers within REDIS_START_WAIT_MS")
  void startWaitsForRedis() throws Exception {
    server.freeze();
    Future<PresenceStore> starting;
    try (LogCapture log = new LogCapture()) {
      starting = Future.future(p -> loop.runOnContext(v ->
          RedisPresenceStore.create(vertx, startingWith(START_WAIT_MS), new SimpleMeterRegistry()).onComplete(p)));
      Await.until("a first attempt that timed out", Duration.ofSeconds(10),
          () -> log.lines().stream().anyMatch(l -> l.contains("presence-service's Redis does not answer yet")));
      assertThat(starting.isComplete()).as("the start, after one attempt missed its timeout").isFalse();
    } finally {
      server.thaw();
    }
    PresenceStore started = Await.result(starting);
    assertThat(onLoop(() -> started.get(List.of("nobody")))).extracting(Presence::status).containsExactly(Presence.OFFLINE);
    onLoop(started::close);
  }

  @Test
  @DisplayName("an instance whose Redis does not answer within REDIS_START_WAIT_MS fails its start with an error naming the setting")
  void startGivesUp() throws Exception {
    server.freeze();
    try {
      Throwable failure = Await.failure(Future.<PresenceStore>future(p -> loop.runOnContext(v ->
          RedisPresenceStore.create(vertx, startingWith(COMMAND_TIMEOUT_MS * 3), new SimpleMeterRegistry()).onComplete(p))));
      assertThat(failure).hasMessageStartingWith("presence-service's Redis did not answer within 1500 ms of the start (REDIS_START_WAIT_MS)")
          .hasMessageContaining("presence store unavailable");
    } finally {
      server.thaw();
    }
  }

  @Test
  @DisplayName("while Redis is down, every request answers unavailable, never internal")
  void redisDownIsUnavailable() throws Exception {
    onLoop(() -> tracker.connect(socket("alice")));
    server.stop();
    assertUnavailable(outcomeOf(() -> tracker.connect(socket("bob")), Duration.ofSeconds(5)), "a connect");
    assertUnavailable(outcomeOf(() -> tracker.disconnect(socket("alice")), Duration.ofSeconds(5)), "a disconnect");
    assertUnavailable(outcomeOf(() -> tracker.setStatus(new SetStatus("alice", Presence.AWAY)), Duration.ofSeconds(5)), "a status");
    assertUnavailable(outcomeOf(() -> tracker.heartbeat(new Heartbeat("node-1")), Duration.ofSeconds(5)), "a heartbeat");
    assertUnavailable(outcomeOf(() -> tracker.query(new Query("carol", List.of("alice"))), Duration.ofSeconds(5)), "a query");
  }

  @Test
  @DisplayName("a query to a Redis that came back empty, before the loss is noticed, answers unavailable, not everyone offline")
  void emptyRedisIsNotEveryoneOffline() throws Exception {
    onLoop(() -> tracker.connect(socket("alice")));
    assertThat(statuses("alice")).containsExactly(Presence.ONLINE);

    server.stop();
    server.restart();
    // No heartbeat or reaper run has noticed the loss yet: the registry's truth is gone, and
    // "offline" would be a lie others act on.
    AsyncResult<List<Presence>> query = Await.result(Future.<AsyncResult<List<Presence>>>future(p -> {
      Await.until("Redis answers again", Duration.ofSeconds(10), () -> {
        AsyncResult<List<Presence>> q = outcomeOf(() -> tracker.query(new Query("carol", List.of("alice"))), Duration.ofSeconds(5));
        boolean answered = q.succeeded() || !(q.cause() instanceof ServiceException se && se.getMessage().startsWith("presence store unavailable"));
        if (answered) {
          p.tryComplete(q);
        }
        return answered;
      });
    }));
    assertUnavailable(query, "alice's presence before the rebuild");
  }

  @Test
  @DisplayName("after Redis comes back empty, gateways report again, chosen statuses come back, and what changed meanwhile is announced")
  void rebuildAfterRestart() throws Exception {
    for (String user : List.of("alice", "bob", "carol")) {
      onLoop(() -> tracker.connect(socket(user)));
    }
    onLoop(() -> tracker.setStatus(new SetStatus("alice", Presence.AWAY)));
    assertThat(statuses("alice", "bob", "carol", "dave"))
        .containsExactly(Presence.AWAY, Presence.ONLINE, Presence.ONLINE, Presence.OFFLINE);
    shown.clear();

    server.stop();
    // During the outage bob's socket closes and dave's opens; neither report gets through.
    assertUnavailable(outcomeOf(() -> tracker.disconnect(socket("bob")), Duration.ofSeconds(5)), "bob's close");
    assertUnavailable(outcomeOf(() -> tracker.connect(socket("dave")), Duration.ofSeconds(5)), "dave's open");
    server.restart();

    // The gateway's next heartbeat that gets through learns that its sockets are unknown...
    AtomicReference<HeartbeatReply> firstAnswer = new AtomicReference<>();
    Await.until("a heartbeat answered after the restart", Duration.ofSeconds(10), () -> {
      AsyncResult<HeartbeatReply> beat = outcomeOf(() -> tracker.heartbeat(new Heartbeat("node-1")), Duration.ofSeconds(5));
      if (beat.succeeded()) {
        firstAnswer.set(beat.result());
      }
      return beat.succeeded();
    });
    assertThat(firstAnswer.get().known()).as("the node must report its sockets again").isFalse();
    // ...and reports the ones open now: alice, carol and dave (bob's closed).
    for (String user : List.of("alice", "carol", "dave")) {
      onLoop(() -> tracker.connect(socket(user)));
    }
    assertThat(statuses("alice", "carol", "dave")).as("alice's chosen away survives").containsExactly(Presence.AWAY, Presence.ONLINE, Presence.ONLINE);
    Await.until("dave announced online", Duration.ofSeconds(5), () -> shown.contains(new Shown("dave", Presence.ONLINE)));

    // Once every live gateway has had time to report again, who has no socket is shown offline.
    onLoop(() -> {
      timers.advance(CONFIG.nodeTtlMs() + CONFIG.offlineGraceMs());
      return Future.succeededFuture();
    });
    Await.until("bob announced offline", Duration.ofSeconds(5), () -> shown.contains(new Shown("bob", Presence.OFFLINE)));
    assertThat(statuses("bob")).containsExactly(Presence.OFFLINE);
    assertThat(shown)
        .as("others saw only what really changed: no flicker of alice or carol")
        .containsExactlyInAnyOrder(new Shown("dave", Presence.ONLINE), new Shown("bob", Presence.OFFLINE));
  }
}

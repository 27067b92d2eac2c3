package io.chatplatform.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ThrottleTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    Await.result(vertx.close(), TIMEOUT);
  }

  @Test
  void runsEveryTaskOnceWithBoundedConcurrency() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostInFlight = new AtomicInteger();
    Set<Integer> ran = ConcurrentHashMap.newKeySet();
    Await.result(Throttle.run(200, 7, i -> {
      mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      ran.add(i);
      return vertx.timer(1 + i % 3).onComplete(x -> inFlight.decrementAndGet());
    }), TIMEOUT);
    assertThat(ran).hasSize(200);
    assertThat(mostInFlight.get()).isLessThanOrEqualTo(7);
  }

  @Test
  void aFailureStopsNewTasksAndFailsTheWhole() {
    AtomicInteger started = new AtomicInteger();
    Future<Void> all = Throttle.run(1000, 2, i -> {
      started.incrementAndGet();
      return i == 5 ? Future.failedFuture(new IllegalStateException("boom")) : vertx.timer(1);
    });
    assertThatThrownBy(() -> Await.result(all, TIMEOUT)).hasMessage("boom");
    assertThat(started.get()).isLessThan(20);
  }

  @Test
  void nothingToDoIsDone() throws Exception {
    Await.result(Throttle.run(0, 5, i -> Future.failedFuture("never")), TIMEOUT);
  }
}

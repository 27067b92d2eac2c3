package io.chatplatform.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.vertx.core.Future;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The node's drain barrier on its own, without Vert.x: it opens when every loop has drained, not
 * before, and never later than its timeout after the drain began, even when a loop never says it
 * drained (its start failed, or its stop never runs). The real sockets' side is
 * {@code GatewayDrainBarrierTest} in the platform module.
 */
@DisplayName("DrainBarrier: open once every loop drained, or at DRAIN_TIMEOUT_MS")
class DrainBarrierTest {
  /** Far beyond any test: a barrier that opened, opened because every loop drained. */
  static final long NEVER_MS = 600_000;
  /**
   * Small, so that the test does not wait for the production 10 s: the barrier must open by its
   * timeout however many loops are missing. The time it took is printed, not asserted.
   */
  static final long SMALL_TIMEOUT_MS = 200;

  @Test
  @DisplayName("closed while a loop is still draining; open as the last loop drains")
  void opensWhenEveryLoopDrained() {
    DrainBarrier barrier = new DrainBarrier(3, NEVER_MS);
    barrier.begin();
    CompletionStage<Void> first = barrier.drained();
    CompletionStage<Void> second = barrier.drained();
    assertThat(first.toCompletableFuture()).as("after 2 of 3 loops drained").isNotDone();
    CompletionStage<Void> third = barrier.drained();
    assertThat(third.toCompletableFuture()).as("after the third").isDone();
    assertThat(first.toCompletableFuture()).as("the first loop's wait").isDone();
    assertThat(second.toCompletableFuture()).as("the second loop's wait").isDone();
  }

  @Test
  @DisplayName("a loop that never drains holds the others only until the timeout after the drain began")
  void opensAtTheTimeoutWhenALoopNeverDrains() {
    DrainBarrier barrier = new DrainBarrier(2, SMALL_TIMEOUT_MS);
    long began = System.nanoTime();
    barrier.begin();
    CompletionStage<Void> drained = barrier.drained();
    assertThat(drained.toCompletableFuture()).as("1 of 2 loops drained").isNotDone();
    Await.result(Future.fromCompletionStage(drained));
    System.out.printf("barrier opened %d ms after the drain began (timeout %d ms), one loop of two never drained%n",
        (System.nanoTime() - began) / 1_000_000, SMALL_TIMEOUT_MS);
  }
}

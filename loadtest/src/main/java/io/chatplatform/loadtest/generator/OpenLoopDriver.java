package io.chatplatform.loadtest.generator;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * Runs an {@link OpenLoopScheduler} on a lane's event loop: a 1 ms timer makes the due sends.
 * Each tick does a bounded amount of work, so the same event loop keeps reading replies and
 * deliveries in between (it never blocks).
 */
final class OpenLoopDriver {
  static final long TICK_MS = 1;
  /** Sends per tick at most: ~1 ms of work, so socket reads interleave even when far behind. */
  static final int MAX_SENDS_PER_TICK = 2_000;

  private OpenLoopDriver() {}

  /** Must be called on the lane; completes there when every scheduled send has been made. */
  static <S> Future<Void> run(Lane lane, OpenLoopScheduler<S> scheduler, OpenLoopScheduler.SendAction<S> action) {
    Promise<Void> done = Promise.promise();
    if (scheduler.isDone()) {
      done.complete();
      return done.future();
    }
    lane.vertx().setPeriodic(TICK_MS, timer -> {
      try {
        scheduler.runDue(System.nanoTime(), MAX_SENDS_PER_TICK, action);
      } catch (RuntimeException e) {
        lane.vertx().cancelTimer(timer);
        done.tryFail(e);
        return;
      }
      if (scheduler.isDone()) {
        lane.vertx().cancelTimer(timer);
        done.tryComplete();
      }
    });
    return done.future();
  }
}

package io.chatplatform.loadtest.generator;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.IntFunction;

/**
 * Runs tasks 0 … count−1 with at most {@code concurrency} in flight, so thousands of users or
 * sockets are created as fast as the server takes them without queueing thousands of requests in
 * the client. Thread-safe: tasks may complete on any event loop (the lock is held only to count).
 */
final class Throttle {
  private final int count;
  private final IntFunction<Future<?>> task;
  private final Promise<Void> done = Promise.promise();
  private int next;
  private int finished;
  private Throwable failure;

  private Throttle(int count, IntFunction<Future<?>> task) {
    this.count = count;
    this.task = task;
  }

  /**
   * @return completes when every task has finished; fails with the first failure, after which
   *     no new task is started (tasks that must not stop the run recover their own failures)
   */
  static Future<Void> run(int count, int concurrency, IntFunction<Future<?>> task) {
    if (count == 0) {
      return Future.succeededFuture();
    }
    Throttle throttle = new Throttle(count, task);
    for (int i = 0; i < Math.min(count, concurrency); i++) {
      throttle.startNext();
    }
    return throttle.done.future();
  }

  private synchronized int claim() {
    return failure != null || next >= count ? -1 : next++;
  }

  private void startNext() {
    int i = claim();
    if (i < 0) {
      return;
    }
    Future<?> result;
    try {
      result = task.apply(i);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(r -> {
      synchronized (this) {
        finished++;
        if (r.failed() && failure == null) {
          failure = r.cause();
        }
      }
      startNext();
      finishIfDone();
    });
  }

  private void finishIfDone() {
    Throwable cause;
    synchronized (this) {
      // Both exits are final: no task can be claimed once either holds.
      boolean nothingLeft = failure != null || next == count;
      if (!nothingLeft || finished < next) {
        return;
      }
      cause = failure;
    }
    if (cause == null) {
      done.tryComplete();
    } else {
      done.tryFail(cause);
    }
  }
}

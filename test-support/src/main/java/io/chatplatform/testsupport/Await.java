package io.chatplatform.testsupport;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Blocking waits for test threads. Never call these on an event loop: the thread would block,
 * and a future completed by that same loop would never complete (they refuse to run there).
 * Works from any other thread, unlike Vert.x's {@code Future.await()}, which expects a virtual
 * or worker thread when called from inside Vert.x.
 */
public final class Await {
  /** How long {@link #result(Future)} and {@link #failure(Future)} wait. */
  public static final Duration TIMEOUT = Duration.ofSeconds(20);

  private Await() {}

  /**
   * The result of {@code future}, within {@link #TIMEOUT}. A failed future throws its cause (a
   * checked cause wrapped in a RuntimeException); no result in time fails the test.
   */
  public static <T> T result(Future<T> future) {
    return result(future, TIMEOUT);
  }

  /** The result of {@code future}, within {@code timeout}; see {@link #result(Future)}. */
  public static <T> T result(Future<T> future, Duration timeout) {
    try {
      return completion(future, timeout);
    } catch (ExecutionException e) {
      throw rethrowable(e.getCause());
    }
  }

  /** Why {@code future} failed, within {@link #TIMEOUT}; a result instead fails the test. */
  public static Throwable failure(Future<?> future) {
    Object result;
    try {
      result = completion(future, TIMEOUT);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure, got " + result);
  }

  /**
   * Polls {@code condition} every 100 ms until it holds; fails the test after {@code timeout}. For
   * state that has no event to wait on (another process, a counter); wait on a future otherwise.
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    refuseEventLoop();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  private static <T> T completion(Future<T> future, Duration timeout) throws ExecutionException {
    refuseEventLoop();
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a result", e);
    }
  }

  private static void refuseEventLoop() {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("Await blocks: call it from a test thread, not an event loop");
    }
  }

  private static RuntimeException rethrowable(Throwable cause) {
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new RuntimeException(cause);
  }
}

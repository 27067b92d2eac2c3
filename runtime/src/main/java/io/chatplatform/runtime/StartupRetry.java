package io.chatplatform.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's first contact with a store at its start, tried again until a deadline. When every
 * service of a node starts at once (a local cluster, a rolling restart, a pod beside a busy one),
 * the first commands on a cold JVM can miss their timeout while the store is fine; a service that
 * gave up at the first miss would exit and be restarted for nothing. Each attempt keeps the
 * timeout its caller gives it; the pauses between attempts grow from {@value #FIRST_PAUSE_MS} ms
 * to {@value #LONGEST_PAUSE_MS} ms, and the last attempt's failure is the start's. A failure no
 * wait can mend fails the start at once: a Redis error reply that says the command, the script or
 * the credentials are wrong ({@link #PERMANENT}).
 */
public final class StartupRetry {
  static final long FIRST_PAUSE_MS = 100;
  static final long LONGEST_PAUSE_MS = 2_000;
  /** Redis error replies that another attempt would get again. */
  static final List<String> PERMANENT = List.of("ERR", "WRONGTYPE", "NOAUTH", "WRONGPASS", "NOPERM");
  private static final Logger LOG = LoggerFactory.getLogger(StartupRetry.class);

  /** The setting that holds how long a start keeps trying, named in the log and the errors. */
  static final String SETTING = "REDIS_START_WAIT_MS";

  private StartupRetry() {}

  /** {@value #SETTING} of {@code settings}: 30 s unless set, never negative. */
  public static long waitMs(Settings settings) {
    long waitMs = settings.longValue(SETTING, 30_000);
    if (waitMs < 0) {
      throw new IllegalArgumentException(SETTING + " must be 0 or more");
    }
    return waitMs;
  }

  /**
   * Runs {@code attempt} until it succeeds or {@code waitMs} ({@link #waitMs}) have passed since this call.
   *
   * @param what the store, for the log and the error ("presence-service's Redis")
   */
  public static <T> Future<T> until(Vertx vertx, String what, long waitMs, Supplier<Future<T>> attempt) {
    Promise<T> opened = Promise.promise();
    new Attempts<>(vertx, what, waitMs, System.nanoTime() + waitMs * 1_000_000, attempt, opened)
        .next(1, FIRST_PAUSE_MS);
    return opened.future();
  }

  /** A Redis error reply of {@link #PERMANENT}, or caused by one. */
  static boolean permanent(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof Response reply && reply.type() == ResponseType.ERROR) {
        String text = String.valueOf(cause.getMessage());
        return PERMANENT.stream().anyMatch(code -> text.equals(code) || text.startsWith(code + " "));
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  private record Attempts<T>(
      Vertx vertx, String what, long waitMs, long deadlineNanos, Supplier<Future<T>> attempt,
      Promise<T> opened) {

    void next(int number, long pauseMs) {
      Future<T> tried;
      try {
        tried = attempt.get();
      } catch (RuntimeException e) {
        tried = Future.failedFuture(e);
      }
      tried.onComplete(outcome -> {
        if (outcome.succeeded()) {
          if (number > 1) {
            LOG.info("{} answered at attempt {}", what, number);
          }
          opened.complete(outcome.result());
          return;
        }
        if (permanent(outcome.cause())) {
          opened.fail(new IllegalStateException(what + " refused the start: " + outcome.cause().getMessage(), outcome.cause()));
          return;
        }
        long leftMs = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (leftMs <= 0) {
          opened.fail(new IllegalStateException(
              what + " did not answer within " + waitMs + " ms of the start (" + SETTING + "): " + outcome.cause().getMessage(),
              outcome.cause()));
          return;
        }
        long pause = Math.min(pauseMs, leftMs);
        LOG.warn("{} does not answer yet ({}); attempt {} in {} ms, trying for {} ms more ({})",
            what, outcome.cause().getMessage(), number + 1, pause, leftMs, SETTING);
        vertx.setTimer(pause, id -> next(number + 1, Math.min(pauseMs * 2, LONGEST_PAUSE_MS)));
      });
    }
  }
}

package io.chatplatform.gateway.overload;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How far behind one event loop runs, told by a check it schedules on itself every
 * {@code intervalMs}: a loop that has more work than it can do runs the check late. What counts is
 * the lag smoothed over the checks, each weighing {@link #WEIGHT}, so that one stall (a collector's
 * pause, the JIT compiling a fresh process's hot paths as its first clients arrive) does not count
 * as overload, while a loop that stays behind is found within a few checks. Behind is a smoothed
 * lag over {@code thresholdMs}; caught up again is one at most half of it, so that the state does
 * not flap around the threshold.
 *
 * <p>Plain state for one event loop: not thread-safe, called on that loop only.
 */
public final class LoopLag {
  /** The weight of a check's lag in the smoothed lag. */
  static final double WEIGHT = 1.0 / 3;

  private final long thresholdNanos;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  /** When the next check should run ({@code nanoClock} time). */
  private long dueAt;
  private long lastLagNanos;
  private double smoothedNanos;
  private boolean behind;

  /** @param thresholdMs 0: never behind */
  public LoopLag(long thresholdMs, long intervalMs, LongSupplier nanoClock) {
    this.thresholdNanos = TimeUnit.MILLISECONDS.toNanos(thresholdMs);
    this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
    this.nanoClock = nanoClock;
    this.dueAt = nanoClock.getAsLong() + intervalNanos;
  }

  /** The next check was scheduled now, {@code intervalMs} from now. */
  public void scheduled() {
    dueAt = nanoClock.getAsLong() + intervalNanos;
  }

  /** The check runs now; answers whether the loop went behind or caught up with it. */
  public boolean checked() {
    lastLagNanos = Math.max(0, nanoClock.getAsLong() - dueAt);
    smoothedNanos += (lastLagNanos - smoothedNanos) * WEIGHT;
    boolean was = behind;
    if (thresholdNanos > 0 && smoothedNanos > thresholdNanos) {
      behind = true;
    } else if (smoothedNanos <= thresholdNanos / 2.0) {
      behind = false;
    }
    return was != behind;
  }

  /** Whether the loop runs more than the threshold behind, by its checks so far. */
  public boolean behind() {
    return behind;
  }

  /** How late the last check ran, in milliseconds. */
  public long lastLagMs() {
    return TimeUnit.NANOSECONDS.toMillis(lastLagNanos);
  }

  /** The smoothed lag, in milliseconds. */
  public long smoothedLagMs() {
    return TimeUnit.NANOSECONDS.toMillis((long) smoothedNanos);
  }
}

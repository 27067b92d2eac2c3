package io.chatplatform.gateway.overload;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How far behind one event loop runs, told by a check it schedules on itself every
 * {@code intervalMs}: a loop that has more work than it can do runs the check late. Behind is
 * more than {@code thresholdMs} late; caught up again is a check at most half that late, so that
 * the state does not flap around the threshold. A check that is overdue now counts as late
 * already: work that reaches the loop right after a stall is refused before the check has run.
 *
 * <p>Plain state for one event loop: not thread-safe, called on that loop only.
 */
public final class LoopLag {
  private final long thresholdNanos;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  /** When the next check should run ({@code nanoClock} time). */
  private long dueAt;
  private long lastLagNanos;
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
    boolean was = behind;
    if (lastLagNanos > thresholdNanos) {
      behind = true;
    } else if (lastLagNanos <= thresholdNanos / 2) {
      behind = false;
    }
    return was != behind;
  }

  /** Whether the loop runs more than the threshold behind: by its last check, or by the check overdue now. */
  public boolean behind() {
    return thresholdNanos > 0 && (behind || nanoClock.getAsLong() - dueAt > thresholdNanos);
  }

  /** How late the last check ran, in milliseconds. */
  public long lastLagMs() {
    return TimeUnit.NANOSECONDS.toMillis(lastLagNanos);
  }
}

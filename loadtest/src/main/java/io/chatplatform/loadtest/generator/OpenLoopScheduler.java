package io.chatplatform.loadtest.generator;

import java.util.PriorityQueue;

/**
 * Open-loop send schedule for a set of senders: each sender sends at a fixed period from its own
 * start time until a common stop time, whatever the server does. Sends are due by the clock, never
 * by a reply, so a slow server meets the offered load instead of slowing the generator down
 * (which would hide its latency: "coordinated omission").
 *
 * <p>Every send carries its <em>intended</em> time. When the caller falls behind, the late sends
 * all become due at once and keep their intended times, so latencies measured from them include
 * the generator's own lag rather than hiding it.
 *
 * <p>Pure logic, not thread-safe: one instance per event loop, fed the time by its caller.
 */
final class OpenLoopScheduler<S> {
  static final long NANOS_PER_SECOND = 1_000_000_000L;

  /** Receives each due send. */
  @FunctionalInterface
  interface SendAction<S> {
    void send(S sender, long intendedNanos);
  }

  private static final class Slot<S> {
    final S sender;
    final long periodNanos;
    long nextNanos;

    Slot(S sender, long firstNanos, long periodNanos) {
      this.sender = sender;
      this.nextNanos = firstNanos;
      this.periodNanos = periodNanos;
    }
  }

  private final PriorityQueue<Slot<S>> queue = new PriorityQueue<>((a, b) -> Long.compare(a.nextNanos, b.nextNanos));
  private final long stopNanos;

  /** @param stopNanos sends intended at or after this time are never made */
  OpenLoopScheduler(long stopNanos) {
    this.stopNanos = stopNanos;
  }

  /** Schedules a sender's sends at {@code firstNanos + k * periodNanos} for k = 0, 1, … while before stop. */
  void add(S sender, long firstNanos, long periodNanos) {
    if (periodNanos <= 0) {
      throw new IllegalArgumentException("period must be positive");
    }
    if (firstNanos < stopNanos) {
      queue.add(new Slot<>(sender, firstNanos, periodNanos));
    }
  }

  /**
   * Makes every send due at {@code nowNanos}, at most {@code maxSends} of them (so one call cannot
   * hold an event loop for long: the rest stay due for the next call).
   *
   * @return how many sends were made
   */
  int runDue(long nowNanos, int maxSends, SendAction<S> action) {
    int sent = 0;
    while (sent < maxSends) {
      Slot<S> slot = queue.peek();
      if (slot == null || slot.nextNanos > nowNanos) {
        break;
      }
      queue.poll();
      action.send(slot.sender, slot.nextNanos);
      sent++;
      slot.nextNanos += slot.periodNanos;
      if (slot.nextNanos < stopNanos) {
        queue.add(slot);
      }
    }
    return sent;
  }

  /** True once every send before the stop time has been made. */
  boolean isDone() {
    return queue.isEmpty();
  }

  static long periodNanos(double perSecond) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("rate must be positive: " + perSecond);
    }
    return Math.max(1, Math.round(NANOS_PER_SECOND / perSecond));
  }

  /**
   * The offset of sender {@code index} of {@code count} within one period: senders are spread
   * evenly over the period rather than all firing together, as independent users would be.
   */
  static long phaseNanos(int index, int count, long periodNanos) {
    return count <= 0 ? 0 : (long) ((double) periodNanos * index / count);
  }
}

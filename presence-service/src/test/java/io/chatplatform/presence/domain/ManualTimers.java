package io.chatplatform.presence.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** {@link Timers} on a clock the test moves: {@link #advance} runs what fell due, in order. */
final class ManualTimers implements Timers {
  private record Pending(long dueAt, long id, Runnable action) {}

  final AtomicLong now;
  private final TreeMap<Long, Pending> pending = new TreeMap<>();
  private long nextId = 1;

  ManualTimers(AtomicLong now) {
    this.now = now;
  }

  @Override
  public long schedule(long delayMs, Runnable action) {
    long id = nextId++;
    pending.put(id, new Pending(now.get() + delayMs, id, action));
    return id;
  }

  @Override
  public void cancel(long timerId) {
    pending.remove(timerId);
  }

  int scheduled() {
    return pending.size();
  }

  void advance(long ms) {
    long until = now.get() + ms;
    while (true) {
      List<Pending> due = new ArrayList<>(pending.values().stream().filter(p -> p.dueAt() <= until).toList());
      if (due.isEmpty()) {
        break;
      }
      Pending next = due.stream().min(Comparator.comparingLong(Pending::dueAt).thenComparingLong(Pending::id)).orElseThrow();
      pending.remove(next.id());
      now.set(Math.max(now.get(), next.dueAt()));
      next.action().run();
    }
    now.set(until);
  }
}

package io.chatplatform.loadtest.generator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line a second on stderr while a run is in progress: each counter's value and its rate over
 * the last second. Runs on its own daemon thread (a log write may block; an event loop must not).
 */
final class ProgressReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("progress");
  private static final long PERIOD_MS = 1_000;

  private final Map<String, LongSupplier> counters = new LinkedHashMap<>();
  private final List<Long> last = new ArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "progress");
    thread.setDaemon(true);
    return thread;
  });
  private volatile String label = "";
  private long startNanos;
  private long lastNanos;

  ProgressReporter counter(String name, LongSupplier value) {
    counters.put(name, value);
    return this;
  }

  /** Text at the start of each line, e.g. the current step. */
  void label(String label) {
    this.label = label;
  }

  ProgressReporter start() {
    startNanos = lastNanos = System.nanoTime();
    counters.values().forEach(c -> last.add(c.getAsLong()));
    timer.scheduleAtFixedRate(this::report, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    return this;
  }

  private void report() {
    try {
      long now = System.nanoTime();
      double seconds = (now - lastNanos) / 1e9;
      StringBuilder line = new StringBuilder(label).append(String.format("t=%3.0fs", (now - startNanos) / 1e9));
      int i = 0;
      for (Map.Entry<String, LongSupplier> counter : counters.entrySet()) {
        long value = counter.getValue().getAsLong();
        // A counter may restart (a new step): its rate then counts from zero.
        long delta = value >= last.get(i) ? value - last.get(i) : value;
        last.set(i++, value);
        line.append(String.format("  %s %d (%.0f/s)", counter.getKey(), value, delta / seconds));
      }
      lastNanos = now;
      LOG.info(line.toString());
    } catch (RuntimeException e) {
      LOG.warn("progress line failed", e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}

package io.chatplatform.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The meters every service has through runtime (their names, as Micrometer spells them;
 * Prometheus shows dots as underscores with {@code _seconds_*} or {@code _total} added), and how
 * a latency is kept: a timer with a percentile histogram, so that Prometheus can compute any
 * quantile across instances ({@code histogram_quantile(0.99, …)}). Tag values are always from a
 * bounded set: addresses of services, collection names, commands, outcomes; never an id.
 * docs/operations.md lists every meter.
 */
public final class Meters {
  private Meters() {}

  /** Timer: requests to other services over the event bus, by {@code address} and {@code outcome}. */
  public static final String SERVICE_REQUESTS = "chat.service.requests";
  /** Counter: those of them that got no answer within their timeout, by {@code address}. */
  public static final String EVENT_BUS_TIMEOUTS = "chat.eventbus.timeouts";
  /** Timer: MongoDB operations, by {@code collection}, {@code operation} and {@code outcome}. */
  public static final String MONGO_OPERATIONS = "chat.store.mongo";
  /** Timer: Redis commands, by {@code command} and {@code outcome}. */
  public static final String REDIS_COMMANDS = "chat.store.redis";

  /** Gauge: the members of the cluster as this node sees them (1 when not clustered). */
  public static final String CLUSTER_MEMBERS = "chat.cluster.members";

  /** Outcome tag of a store operation or request that worked. */
  public static final String OK = "ok";
  /** Outcome tag of a store operation that failed, whatever the reason. */
  public static final String ERROR = "error";

  /** A latency timer with a percentile histogram from 1 ms to 30 s. */
  public static Timer latency(MeterRegistry registry, String name, String description, String... tags) {
    return Timer.builder(name)
        .description(description)
        .tags(tags)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }

  /** The {@link #latency} timers of one name, by the values of {@code tagKeys}. */
  public static Family<Timer> latencies(MeterRegistry registry, String name, String description, String... tagKeys) {
    return new Family<>(tagKeys, tags -> latency(registry, name, description, tags));
  }

  /** The counters of one name, by the values of {@code tagKeys}. */
  public static Family<Counter> counters(MeterRegistry registry, String name, String description, String... tagKeys) {
    return new Family<>(tagKeys, tags -> Counter.builder(name).description(description).tags(tags).register(registry));
  }

  /**
   * The series of one meter, by tag values: each is built and registered with Micrometer once,
   * then found here. Registering on every use costs a new meter id, its tags sorted and the
   * registry's filters applied, on every message's path (issue 18: per-message cost); this costs
   * one map look-up. Thread-safe: a gateway node's event loops share their families.
   */
  public static final class Family<M extends Meter> {
    private final String[] tagKeys;
    private final Function<String[], M> build;
    private final ConcurrentHashMap<List<String>, M> series = new ConcurrentHashMap<>();

    private Family(String[] tagKeys, Function<String[], M> build) {
      this.tagKeys = tagKeys.clone();
      this.build = build;
    }

    /** The series of these tag values, one per key of the family, in the keys' order. */
    public M with(String... tagValues) {
      if (tagValues.length != tagKeys.length) {
        throw new IllegalArgumentException("expected values for " + Arrays.toString(tagKeys) + ", got " + Arrays.toString(tagValues));
      }
      // Arrays.asList looks up without copying; a List's equality is by elements, whatever its class.
      M found = series.get(Arrays.asList(tagValues));
      return found != null ? found : series.computeIfAbsent(List.of(tagValues), values -> build.apply(tags(values)));
    }

    private String[] tags(List<String> values) {
      String[] tags = new String[tagKeys.length * 2];
      for (int i = 0; i < tagKeys.length; i++) {
        tags[2 * i] = tagKeys[i];
        tags[2 * i + 1] = values.get(i);
      }
      return tags;
    }
  }
}

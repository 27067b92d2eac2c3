package io.chatplatform.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

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
}

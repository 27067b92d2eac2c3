package io.chatplatform.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/** The one way the services open Redis: a pool of {@code maxPoolSize}, with room for bursts of waiting commands. */
public final class RedisClients {
  /** Commands that may wait for a pooled connection, per connection, before new ones fail at once. */
  private static final int WAITING_PER_CONNECTION = 256;

  private RedisClients() {}

  public static Redis pooled(Vertx vertx, String url, int maxPoolSize) {
    return Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(url)
        .setMaxPoolSize(maxPoolSize)
        .setMaxPoolWaiting(maxPoolSize * WAITING_PER_CONNECTION));
  }

  /** The same, every command timed in {@link Meters#REDIS_COMMANDS} ({@link TimedRedis}). */
  public static Redis pooled(Vertx vertx, String url, int maxPoolSize, MeterRegistry registry) {
    return new TimedRedis(pooled(vertx, url, maxPoolSize), registry);
  }
}

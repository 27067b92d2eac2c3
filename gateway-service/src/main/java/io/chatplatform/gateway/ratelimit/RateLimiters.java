package io.chatplatform.gateway.ratelimit;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Opens the gateway's rate limiter as its settings say. */
public final class RateLimiters {
  private RateLimiters() {}

  /**
   * Per-user and per-address buckets in Redis when {@code REDIS_URL} is set (shared by the nodes),
   * falling back to this node's memory while Redis does not answer ({@link FallbackRateLimiter});
   * else in this node's memory.
   */
  public static Future<RateLimiter> open(Vertx vertx, RateLimitConfig limits, MeterRegistry metrics) {
    MemoryRateLimiter memory = new MemoryRateLimiter(limits.memoryMaxKeys(), System::currentTimeMillis);
    vertx.setPeriodic(60_000, id -> memory.evictFull());
    if (limits.redisUrl() == null) {
      return Future.succeededFuture(memory);
    }
    return RedisRateLimiter.create(
            vertx, limits.redisUrl(), limits.redisKeyPrefix(), limits.redisMaxPoolSize(), limits.redisTimeoutMs(),
            limits.redisStartWaitMs())
        .map(redis -> new FallbackRateLimiter(
            redis, memory, limits.redisTimeoutMs(), limits.redisRetryMs(), System::currentTimeMillis, metrics));
  }
}

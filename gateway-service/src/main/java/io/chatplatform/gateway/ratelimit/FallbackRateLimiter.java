package io.chatplatform.gateway.ratelimit;

import io.chatplatform.gateway.GatewayMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared Redis buckets while Redis answers, this node's memory buckets while it does not:
 * limits degrade to per node instead of refusing every request of the platform. A Redis decision
 * that fails or takes longer than {@code timeoutMs} is taken from memory instead, and for the
 * next {@code retryMs} every decision is, without asking Redis; then Redis is tried again. Each
 * decision taken from memory counts in {@code chat.ratelimit.fallback}. One instance serves every
 * event loop of the node; two loops that find Redis down at once both log and set the same retry
 * time, which is harmless.
 */
public final class FallbackRateLimiter implements RateLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(FallbackRateLimiter.class);

  private final RateLimiter redis;
  private final MemoryRateLimiter memory;
  private final long timeoutMs;
  private final long retryMs;
  private final LongSupplier clock;
  private final Counter fallbacks;
  /** Until when (epoch ms) decisions skip Redis; 0 while Redis answers. */
  private volatile long redisDownUntil;

  public FallbackRateLimiter(
      RateLimiter redis, MemoryRateLimiter memory, long timeoutMs, long retryMs, LongSupplier clock, MeterRegistry metrics) {
    this.redis = redis;
    this.memory = memory;
    this.timeoutMs = timeoutMs;
    this.retryMs = retryMs;
    this.clock = clock;
    this.fallbacks =
        Counter.builder(GatewayMetrics.RATE_LIMIT_FALLBACK)
            .description("rate-limit decisions taken from this node's memory because Redis did not answer")
            .register(metrics);
  }

  @Override
  public Future<Decision> take(Limit limit, String key, int cost) {
    if (redisDownUntil != 0 && clock.getAsLong() < redisDownUntil) {
      return fromMemory(limit, key, cost);
    }
    return redis
        .take(limit, key, cost)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .onSuccess(d -> {
          if (redisDownUntil != 0) {
            redisDownUntil = 0;
            LOG.info("rate limiter: Redis answers again, its shared buckets are used again");
          }
        })
        .recover(e -> {
          if (redisDownUntil == 0) {
            LOG.warn("rate limiter: Redis does not answer ({}), using this node's memory buckets", e.toString());
          }
          redisDownUntil = clock.getAsLong() + retryMs;
          return fromMemory(limit, key, cost);
        });
  }

  private Future<Decision> fromMemory(Limit limit, String key, int cost) {
    fallbacks.increment();
    return memory.take(limit, key, cost);
  }

  @Override
  public Future<Void> close() {
    return Future.join(redis.close(), memory.close()).mapEmpty();
  }
}

package io.chatplatform.gateway.ratelimit;

import io.chatplatform.runtime.RedisClients;
import io.chatplatform.runtime.RedisScript;
import io.chatplatform.runtime.StartupRetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Buckets in Redis, shared by every gateway node: one Lua script per decision (atomic, one
 * round trip, Redis's clock). A bucket key expires once it would be full again.
 */
public final class RedisRateLimiter implements RateLimiter {
  private static final RedisScript TOKEN_BUCKET = RedisScript.fromResource("/gateway-lua/token-bucket.lua");

  private final Redis redis;
  private final String prefix;

  private RedisRateLimiter(Redis redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  /**
   * Connects and loads the script: each attempt answered within {@code attemptTimeoutMs}
   * ({@code RATE_LIMIT_REDIS_TIMEOUT_MS}), tried again for {@code startWaitMs} ({@code REDIS_START_WAIT_MS}).
   */
  public static Future<RateLimiter> create(
      Vertx vertx, String url, String prefix, int maxPoolSize, long attemptTimeoutMs, long startWaitMs) {
    Redis redis = RedisClients.pooled(vertx, url, maxPoolSize);
    return StartupRetry.until(vertx, "the gateway's Redis", startWaitMs,
            () -> TOKEN_BUCKET.load(redis)
                .timeout(attemptTimeoutMs, TimeUnit.MILLISECONDS)
                .recover(e -> Future.failedFuture(e instanceof TimeoutException
                    ? new IllegalStateException("no answer within " + attemptTimeoutMs + " ms (RATE_LIMIT_REDIS_TIMEOUT_MS)", e)
                    : e)))
        .map(x -> (RateLimiter) new RedisRateLimiter(redis, prefix))
        .onFailure(e -> redis.close());
  }

  @Override
  public Future<Decision> take(Limit limit, String key, int cost) {
    return TOKEN_BUCKET
        .run(redis, List.of(prefix + limit.name() + ":" + key), limit.burst(), limit.perSecond(), cost)
        .map(RedisRateLimiter::decision);
  }

  private static Decision decision(Response r) {
    return r.get(0).toInteger() == 1 ? Decision.ALLOWED : new Decision(false, r.get(1).toLong());
  }

  @Override
  public Future<Void> close() {
    return redis.close();
  }
}

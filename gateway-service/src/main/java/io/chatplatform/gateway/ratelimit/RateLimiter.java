package io.chatplatform.gateway.ratelimit;

import io.vertx.core.Future;

/**
 * Token buckets by key: a bucket holds up to {@code burst} tokens and gains {@code perSecond} a
 * second; an action takes {@code cost} tokens and is refused when there are fewer. Two
 * implementations: {@link MemoryRateLimiter} (this node only: the embedded default) and
 * {@link RedisRateLimiter} (shared by every gateway node, so a per-user limit holds however a
 * user's sockets and requests are spread).
 */
public interface RateLimiter {

  /** A bucket's shape; {@code name} goes into its key and into refusal messages. */
  record Limit(String name, double burst, double perSecond) {
    public Limit {
      if (burst < 1 || perSecond <= 0) {
        throw new IllegalArgumentException(name + ": burst must be at least 1 and the rate above 0");
      }
    }
  }

  /** Allowed, or refused with how long until {@code cost} tokens are there again. */
  record Decision(boolean allowed, long retryAfterMs) {
    static final Decision ALLOWED = new Decision(true, 0);

    public long retryAfterSeconds() {
      return Math.max(1, (retryAfterMs + 999) / 1000);
    }
  }

  /**
   * Takes {@code cost} tokens from the bucket {@code limit.name() + ":" + key} if it has them.
   * A cost of 0 only looks: allowed while the bucket holds at least one token.
   */
  Future<Decision> take(Limit limit, String key, int cost);

  default Future<Decision> take(Limit limit, String key) {
    return take(limit, key, 1);
  }

  Future<Void> close();
}

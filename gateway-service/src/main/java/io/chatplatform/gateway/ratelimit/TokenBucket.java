package io.chatplatform.gateway.ratelimit;

/**
 * One token bucket, as plain arithmetic: the same rules the Redis script applies. Not
 * thread-safe; each owner uses it from one event loop.
 */
public final class TokenBucket {
  private double tokens;
  private long updatedAtMs;

  public TokenBucket(double burst, long nowMs) {
    this.tokens = burst;
    this.updatedAtMs = nowMs;
  }

  public RateLimiter.Decision take(RateLimiter.Limit limit, int cost, long nowMs) {
    tokens = Math.min(limit.burst(), tokens + Math.max(0, nowMs - updatedAtMs) * limit.perSecond() / 1000.0);
    updatedAtMs = nowMs;
    double needed = Math.max(cost, 1);
    if (tokens >= needed) {
      tokens -= cost;
      return RateLimiter.Decision.ALLOWED;
    }
    return new RateLimiter.Decision(false, (long) Math.ceil((needed - tokens) * 1000.0 / limit.perSecond()));
  }

  /** True when the bucket would be full by now, so forgetting it changes nothing. */
  boolean fullAt(RateLimiter.Limit limit, long nowMs) {
    return tokens + Math.max(0, nowMs - updatedAtMs) * limit.perSecond() / 1000.0 >= limit.burst();
  }
}

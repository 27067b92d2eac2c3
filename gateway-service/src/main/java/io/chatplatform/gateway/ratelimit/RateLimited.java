package io.chatplatform.gateway.ratelimit;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code rate_limited} (429) with when to retry: REST sends it as {@code Retry-After}. */
public final class RateLimited extends ServiceException {
  private static final Logger LOG = LoggerFactory.getLogger(RateLimited.class);
  private final String limit;
  private final long retryAfterSeconds;

  /** Refused for the limit named {@code limit} (the meters' tag); {@code what} tells the client what it sent too much of. */
  public RateLimited(String limit, String what, RateLimiter.Decision decision) {
    super(ErrorCode.RATE_LIMITED, "too many " + what + ", retry in " + decision.retryAfterSeconds() + " s");
    this.limit = limit;
    this.retryAfterSeconds = decision.retryAfterSeconds();
  }

  /** The name of the limit that refused ({@link RateLimiter.Limit#name}). */
  public String limit() {
    return limit;
  }

  /** Whole seconds until the bucket has a token again, at least 1. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /**
   * Takes a token for {@code key}: succeeds when allowed, fails with {@link RateLimited} when
   * not, and with {@code unavailable} when the limiter's store does not answer (the request is
   * refused rather than let through unlimited).
   */
  public static Future<Void> admit(RateLimiter limiter, RateLimiter.Limit limit, String key, String what) {
    return limiter
        .take(limit, key)
        .recover(e -> {
          LOG.warn("rate limiter unavailable: {}", e.getMessage());
          return Future.failedFuture(new ServiceException(ErrorCode.UNAVAILABLE, "service unavailable, try again"));
        })
        .compose(decision -> decision.allowed() ? Future.succeededFuture() : Future.failedFuture(new RateLimited(limit.name(), what, decision)));
  }
}

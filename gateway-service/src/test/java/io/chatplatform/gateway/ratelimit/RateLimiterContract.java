package io.chatplatform.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.gateway.ratelimit.RateLimiter.Decision;
import io.chatplatform.gateway.ratelimit.RateLimiter.Limit;
import io.chatplatform.testsupport.Await;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What every {@link RateLimiter} guarantees; each implementation's test extends this. */
abstract class RateLimiterContract {
  RateLimiter limiter;

  abstract RateLimiter newLimiter() throws Exception;

  @BeforeEach
  void open() throws Exception {
    limiter = newLimiter();
  }

  @AfterEach
  void close() throws Exception {
    Await.result(limiter.close());
  }

  @Test
  @DisplayName("a bucket allows its burst, then refuses with the time until the next token")
  void burstThenRefuse() throws Exception {
    Limit limit = new Limit("burst", 3, 0.5);
    for (int i = 0; i < 3; i++) {
      assertThat(Await.result(limiter.take(limit, "alice")).allowed()).isTrue();
    }
    Decision refused = Await.result(limiter.take(limit, "alice"));
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfterMs()).isBetween(1L, 2_000L);
    assertThat(refused.retryAfterSeconds()).isBetween(1L, 2L);
    assertThat(Await.result(limiter.take(limit, "bob")).allowed()).as("keys are independent").isTrue();
    assertThat(Await.result(limiter.take(new Limit("other", 1, 0.5), "alice")).allowed()).as("limits are independent").isTrue();
  }

  @Test
  @DisplayName("a cost of 0 looks without taking: allowed while a token is left")
  void peek() throws Exception {
    Limit limit = new Limit("peek", 2, 0.01);
    assertThat(Await.result(limiter.take(limit, "k", 0)).allowed()).isTrue();
    assertThat(Await.result(limiter.take(limit, "k", 0)).allowed()).isTrue();
    Await.result(limiter.take(limit, "k", 1));
    Await.result(limiter.take(limit, "k", 1));
    assertThat(Await.result(limiter.take(limit, "k", 0)).allowed()).isFalse();
  }

  @Test
  @DisplayName("tokens come back at the configured rate")
  void refill() throws Exception {
    Limit limit = new Limit("refill", 1, 2); // one token every 500 ms
    assertThat(Await.result(limiter.take(limit, "k")).allowed()).isTrue();
    Decision refused = Await.result(limiter.take(limit, "k"));
    assertThat(refused.allowed()).isFalse();
    long deadline = System.currentTimeMillis() + 5_000;
    boolean allowedAgain = false;
    while (!allowedAgain && System.currentTimeMillis() < deadline) {
      TimeUnit.MILLISECONDS.sleep(refused.retryAfterMs()); // the bucket's own answer of when to come back
      allowedAgain = Await.result(limiter.take(limit, "k")).allowed();
    }
    assertThat(allowedAgain).isTrue();
  }
}

package io.chatplatform.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The in-memory rate limiter")
class MemoryRateLimiterTest extends RateLimiterContract {
  @Override
  RateLimiter newLimiter() {
    return new MemoryRateLimiter(1_000, System::currentTimeMillis);
  }

  @Test
  @DisplayName("it keeps at most its key budget, and forgets buckets that have filled up again")
  void boundedMemory() throws Exception {
    AtomicLong clock = new AtomicLong(1_000_000);
    MemoryRateLimiter memory = new MemoryRateLimiter(100, clock::get);
    RateLimiter.Limit limit = new RateLimiter.Limit("m", 5, 1);
    for (int i = 0; i < 1_000; i++) {
      Await.result(memory.take(limit, "user" + i));
    }
    assertThat(memory.size()).isEqualTo(100);
    clock.addAndGet(10_000);
    memory.evictFull();
    assertThat(memory.size()).isZero();
  }
}

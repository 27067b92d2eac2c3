package io.chatplatform.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.chatplatform.testsupport.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A store's first contact at start, tried again until REDIS_START_WAIT_MS")
class StartupRetryTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("attempts that fail or throw are tried again until one succeeds, whose result is the start's")
  void triesAgain() {
    AtomicInteger attempts = new AtomicInteger();
    Future<String> opened = StartupRetry.until(vertx, "the store", 20_000, () -> switch (attempts.incrementAndGet()) {
      case 1 -> Future.failedFuture("no answer");
      case 2 -> throw new IllegalStateException("thrown, not failed");
      default -> Future.succeededFuture("open");
    });
    assertThat(Await.result(opened)).isEqualTo("open");
    assertThat(attempts).hasValue(3);
  }

  @Test
  @DisplayName("past the wait, the last attempt's failure fails the start, naming the store and the setting")
  void givesUp() {
    AtomicInteger attempts = new AtomicInteger();
    Throwable failure = Await.failure(StartupRetry.until(vertx, "the store", 0,
        () -> Future.failedFuture("attempt " + attempts.incrementAndGet() + " had no answer")));
    assertThat(failure).hasMessage("the store did not answer within 0 ms of the start (REDIS_START_WAIT_MS): attempt 1 had no answer");
    assertThat(attempts).hasValue(1);
  }

  @Test
  @DisplayName("a Redis error reply no wait can mend (ERR) fails the start at the first attempt, with the reply")
  void permanentFailureIsNotRetried() throws Exception {
    try (RedisServer server = RedisServer.start()) {
      Redis redis = RedisClients.pooled(vertx, server.url(), 1);
      AtomicInteger attempts = new AtomicInteger();
      Throwable failure = Await.failure(StartupRetry.until(vertx, "the store", 20_000, () -> {
        attempts.incrementAndGet();
        return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg("return +"));
      }));
      assertThat(failure).hasMessageStartingWith("the store refused the start: ERR");
      assertThat(attempts).hasValue(1);
      redis.close();
    }
  }
}

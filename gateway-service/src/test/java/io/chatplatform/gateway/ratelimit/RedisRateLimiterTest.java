package io.chatplatform.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.chatplatform.testsupport.RedisServer;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The Redis rate limiter, against a real redis-server")
class RedisRateLimiterTest extends RateLimiterContract {
  static RedisServer server;
  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    server = RedisServer.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    Await.result(vertx.close());
    server.close();
  }

  @Override
  RateLimiter newLimiter() throws Exception {
    return Await.result(RedisRateLimiter.create(vertx, server.url(), "test:" + UUID.randomUUID() + ":", 4, 2_000, 30_000));
  }

  @Test
  @DisplayName("two gateway nodes share one bucket: together they get the burst, not twice it")
  void sharedAcrossNodes() throws Exception {
    RateLimiter otherNode = Await.result(RedisRateLimiter.create(vertx, server.url(), "shared:", 4, 2_000, 30_000));
    RateLimiter thisNode = Await.result(RedisRateLimiter.create(vertx, server.url(), "shared:", 4, 2_000, 30_000));
    RateLimiter.Limit limit = new RateLimiter.Limit("shared", 10, 0.01);
    List<io.vertx.core.Future<RateLimiter.Decision>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add((i % 2 == 0 ? thisNode : otherNode).take(limit, "alice"));
    }
    Await.result(io.vertx.core.Future.all(all));
    assertThat(all.stream().filter(f -> f.result().allowed()).count()).isEqualTo(10);
    Await.result(otherNode.close());
    Await.result(thisNode.close());
  }
}

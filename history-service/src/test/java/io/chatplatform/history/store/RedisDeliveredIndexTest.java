package io.chatplatform.history.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.history.domain.DeliveredIndex;
import io.chatplatform.runtime.RedisClients;
import io.chatplatform.testsupport.Await;
import io.chatplatform.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The delivered index in Redis, against a real redis-server")
class RedisDeliveredIndexTest extends DeliveredIndexContract {
  private static final long TTL_MS = 60_000;
  private static RedisServer server;
  private static Vertx vertx;
  private static Redis redis;
  private DeliveredIndex index;
  private String prefix;

  @BeforeAll
  static void startRedis() throws Exception {
    server = RedisServer.start();
    vertx = Vertx.vertx();
    redis = RedisClients.pooled(vertx, server.url(), 2);
  }

  @AfterAll
  static void stopRedis() throws Exception {
    Await.result(redis.close());
    Await.result(vertx.close());
    server.close();
  }

  @BeforeEach
  void open() {
    // Each test under its own prefix: tests cannot see each other's keys.
    prefix = "test:" + UUID.randomUUID() + ":";
    index = Await.result(RedisDeliveredIndex.create(redis, prefix, TTL_MS, 2_000));
  }

  @Override
  DeliveredIndex index() {
    return index;
  }

  @Test
  @DisplayName("a room's index expires DELIVERED_INDEX_TTL_SECONDS after its build")
  void expires() {
    Await.result(index.rebuild("r", 1, Map.of("u_a", 0L)));
    long ttl = Await.result(redis.send(Request.cmd(Command.PTTL).arg(prefix + "r"))).toLong();
    assertThat(ttl).isPositive().isLessThanOrEqualTo(TTL_MS);
  }

  @Test
  @DisplayName("an index whose Redis does not answer fails unavailable within REDIS_COMMAND_TIMEOUT_MS, naming the command")
  void redisGone() throws Exception {
    try (RedisServer frozen = RedisServer.start()) {
      RedisServer lost = frozen;
      Redis client = RedisClients.pooled(vertx, lost.url(), 1);
      DeliveredIndex gone = Await.result(RedisDeliveredIndex.create(client, prefix, TTL_MS, 500));
      lost.freeze();
      assertThatThrownBy(() -> Await.result(gone.below("r", 1, 1)))
          .isInstanceOfSatisfying(ServiceException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.getMessage()).contains("ZRANGEBYSCORE").contains("REDIS_COMMAND_TIMEOUT_MS");
          });
      Await.result(client.close());
    }
  }
}

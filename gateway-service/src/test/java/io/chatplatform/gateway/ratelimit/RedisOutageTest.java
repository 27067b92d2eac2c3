package io.chatplatform.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.chatplatform.testsupport.RedisServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The gateway's rate limits while their Redis is down, against a real redis-server")
class RedisOutageTest {
  RedisServer server;
  Vertx vertx;
  Context loop;
  RateLimiter limiter;
  final MeterRegistry metrics = new SimpleMeterRegistry();

  @AfterEach
  void close() throws Exception {
    if (limiter != null) {
      onLoop(limiter::close);
    }
    if (vertx != null) {
      Await.result(vertx.close());
    }
    if (server != null) {
      server.close();
    }
  }

  /** Runs {@code action} on the gateway's event loop (where the limiter lives) and waits for its result. */
  <T> T onLoop(Supplier<Future<T>> action) {
    Promise<T> done = Promise.promise();
    loop.runOnContext(v -> action.get().onComplete(done));
    return Await.result(done.future());
  }

  Future<Void> admitSend(RateLimitConfig limits, String userId) {
    return RateLimited.admit(limiter, limits.send(), userId, "chat.send");
  }

  Future<Void> admitLogin(RateLimitConfig limits, String ip) {
    return RateLimited.admit(limiter, limits.authPerIp(), ip, "sign-ins from this address");
  }

  /** The outcome of admitting: "admitted", or the error word of the refusal. */
  String outcome(Supplier<Future<Void>> admit) {
    return onLoop(() -> admit.get().transform(r -> Future.succeededFuture(
        r.succeeded() ? "admitted" : r.cause() instanceof RateLimited ? "rate_limited" : "failed: " + r.cause().getMessage())));
  }

  double fallbacks() {
    var counter = metrics.find("chat.ratelimit.fallback").counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  @DisplayName("sends and logins are admitted and limited by the node's memory buckets while Redis is down, and by Redis again once it is back")
  void degradesToMemoryAndComesBack() throws Exception {
    server = RedisServer.start();
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
    RateLimitConfig limits = RateLimitConfig.from(Settings.of(Map.of(
        "REDIS_URL", server.url(),
        "RATE_LIMIT_SEND_BURST", "3", "RATE_LIMIT_SEND_PER_SECOND", "0.001",
        "RATE_LIMIT_AUTH_IP_BURST", "2", "RATE_LIMIT_AUTH_IP_PER_SECOND", "0.001",
        "RATE_LIMIT_REDIS_TIMEOUT_MS", "500", "RATE_LIMIT_REDIS_RETRY_MS", "200")));
    limiter = onLoop(() -> RateLimiters.open(vertx, limits, metrics));

    assertThat(outcome(() -> admitSend(limits, "alice"))).as("with Redis").isEqualTo("admitted");
    assertThat(fallbacks()).isZero();

    server.stop();
    for (int i = 0; i < 3; i++) {
      assertThat(outcome(() -> admitSend(limits, "bob"))).as("send %d while Redis is down", i).isEqualTo("admitted");
    }
    assertThat(outcome(() -> admitSend(limits, "bob"))).as("over the memory bucket").isEqualTo("rate_limited");
    for (int i = 0; i < 2; i++) {
      assertThat(outcome(() -> admitLogin(limits, "10.0.0.1"))).as("login %d while Redis is down", i).isEqualTo("admitted");
    }
    assertThat(outcome(() -> admitLogin(limits, "10.0.0.1"))).as("over the memory bucket").isEqualTo("rate_limited");
    assertThat(fallbacks()).as("decisions taken from memory, counted").isEqualTo(7);

    server.restart();
    Redis check = Redis.createClient(vertx, server.url());
    // Redis is used again once the retry interval has passed: the first decision that reaches it writes its bucket.
    long deadline = System.currentTimeMillis() + 10_000;
    boolean inRedis = false;
    for (int attempt = 0; !inRedis && System.currentTimeMillis() < deadline; attempt++) {
      String user = "carol-" + attempt;
      assertThat(outcome(() -> admitSend(limits, user))).isEqualTo("admitted");
      inRedis = Await.result(check.send(Request.cmd(Command.EXISTS).arg(limits.redisKeyPrefix() + "send:" + user))).toInteger() == 1;
    }
    assertThat(inRedis).as("a send's bucket is in Redis again").isTrue();
    double counted = fallbacks();
    for (int i = 0; i < 3; i++) {
      assertThat(outcome(() -> admitSend(limits, "dave"))).isEqualTo("admitted");
    }
    assertThat(outcome(() -> admitSend(limits, "dave"))).as("over the Redis bucket").isEqualTo("rate_limited");
    assertThat(fallbacks()).as("no decision from memory once Redis is back").isEqualTo(counted);
    Await.result(check.close());
  }
}

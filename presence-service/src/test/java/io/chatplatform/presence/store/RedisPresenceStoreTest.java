package io.chatplatform.presence.store;

import io.chatplatform.presence.domain.PresenceStore;
import io.chatplatform.presence.domain.Presence;
import io.chatplatform.presence.PresenceConfig;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.presence.domain.PresenceStore.Session;
import io.chatplatform.testsupport.Await;
import io.chatplatform.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@DisplayName("The Redis presence store, against a real redis-server")
class RedisPresenceStoreTest extends PresenceStoreContract {
  private static final Logger LOG = LoggerFactory.getLogger(RedisPresenceStoreTest.class);
  private static final Pattern CALLS = Pattern.compile("^cmdstat_([a-z|]+):calls=(\\d+)", Pattern.MULTILINE);

  private static RedisServer server;
  private static Vertx vertx;
  private static Redis admin;

  @BeforeAll
  static void startRedis() throws Exception {
    server = RedisServer.start();
    vertx = Vertx.vertx();
    admin = Redis.createClient(vertx, server.url());
  }

  @AfterAll
  static void stopRedis() throws Exception {
    Await.result(admin.close());
    Await.result(vertx.close());
    server.close();
  }

  @Override
  PresenceStore newStore(long nodeTtlMs) throws Exception {
    // Each test under its own prefix: tests cannot see each other's keys.
    return newStore(nodeTtlMs, "test:" + UUID.randomUUID() + ":");
  }

  PresenceStore newStore(long nodeTtlMs, String prefix) throws Exception {
    PresenceConfig config =
        new PresenceConfig(server.url(), prefix, 4, nodeTtlMs, 100, 5_000, 2_000, 6_000, 200, 0, 4_000, 2_000, 30_000);
    return Await.result(RedisPresenceStore.create(vertx, config, new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
  }

  /** Commands Redis has run (those inside scripts included), {@code INFO} itself left out. */
  private static long commandsRun() throws Exception {
    String info = Await.result(admin.send(Request.cmd(Command.INFO).arg("commandstats"))).toString();
    long total = 0;
    Matcher m = CALLS.matcher(info);
    while (m.find()) {
      if (!m.group(1).equals("info")) {
        total += Long.parseLong(m.group(2));
      }
    }
    return total;
  }

  private static long cost(ThrowingRunnable operation) throws Exception {
    long before = commandsRun();
    operation.run();
    return commandsRun() - before;
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  @DisplayName("connecting and disconnecting cost the same Redis commands whether 1 or 2,000 users are online")
  void connectCostIsConstant() throws Exception {
    Session first = session("u-first", "s", "n1");
    long connectAlone = cost(() -> Await.result(store.connect(first, now())));
    long disconnectAlone = cost(() -> Await.result(store.disconnect(first, now())));

    for (int i = 0; i < 2_000; i++) {
      Await.result(store.connect(session("u" + i, "s" + i, "n" + (i % 4)), now()));
    }
    Session late = session("u-late", "s", "n1");
    long connectCrowded = cost(() -> Await.result(store.connect(late, now())));
    long disconnectCrowded = cost(() -> Await.result(store.disconnect(late, now())));

    LOG.info(
        "Redis per connect: 1 round trip (EVALSHA) running {} commands; per disconnect: 1 round trip running {};"
            + " the same alone and among 2,000 online users",
        connectAlone, disconnectAlone);
    assertThat(connectCrowded).isEqualTo(connectAlone);
    assertThat(disconnectCrowded).isEqualTo(disconnectAlone);
    assertThat(connectAlone).isBetween(1L, 12L);
    assertThat(disconnectAlone).isBetween(1L, 12L);
  }

  @Test
  @DisplayName("a user's tenth device costs what their second did")
  void deviceCountDoesNotMatter() throws Exception {
    Await.result(store.connect(session("many", "d0", "n1"), now()));
    long second = cost(() -> Await.result(store.connect(session("many", "d1", "n1"), now())));
    for (int i = 2; i < 9; i++) {
      Await.result(store.connect(session("many", "d" + i, "n1"), now()));
    }
    long tenth = cost(() -> Await.result(store.connect(session("many", "d9", "n1"), now())));
    assertThat(tenth).isEqualTo(second);
  }

  @Test
  @DisplayName("after Redis loses its data, every instance learns it once, nodes are unknown, and users read as last shown until reported again")
  void noticesLostData() throws Exception {
    String prefix = "test:" + UUID.randomUUID() + ":";
    PresenceStore one = newStore(10_000, prefix);
    PresenceStore two = newStore(10_000, prefix);
    try {
      Await.result(one.connect(session("ann", "s1", "n1"), now()));
      Await.result(one.connect(session("ben", "s1", "n1"), now()));
      assertThat(Await.result(one.registryLost())).isFalse();

      Await.result(admin.send(Request.cmd(Command.FLUSHALL)));
      assertThat(Await.result(one.registryLost())).as("the first to look").isTrue();
      assertThat(Await.result(one.registryLost())).as("once").isFalse();
      assertThat(Await.result(two.registryLost())).as("the other instance, once").isTrue();
      assertThat(Await.result(two.registryLost())).isFalse();
      assertThat(Await.result(one.heartbeat("n1", now()))).as("the node must report its sockets again").isFalse();

      Await.result(one.restore(List.of(
          new PresenceStore.Remembered("ann", null, 0, Presence.ONLINE), new PresenceStore.Remembered("ben", null, 0, Presence.ONLINE))));
      Await.result(one.connect(session("ann", "s1", "n1"), now()));
      assertThat(Await.result(two.get(List.of("ann", "ben"))).stream().map(Presence::status))
          .as("ben, not reported yet, reads as last shown while the registry is rebuilt")
          .containsExactly(Presence.ONLINE, Presence.ONLINE);
      assertThat(Await.result(two.settle("ben")).presence().status()).isEqualTo(Presence.OFFLINE);
    } finally {
      Await.result(one.close());
      Await.result(two.close());
    }
  }

  @Test
  @DisplayName("after Redis forgets its scripts, the store sends them again instead of failing")
  void survivesScriptFlush() throws Exception {
    Await.result(admin.send(Request.cmd(Command.SCRIPT).arg("FLUSH")));
    assertThat(Await.result(store.connect(session("kim", "s1", "n1"), now())).changed()).isTrue();
    assertThat(Await.result(store.get(List.of("kim"))).get(0).status()).isEqualTo(Presence.ONLINE);
  }
}

package io.chatplatform.platform;

import io.chatplatform.testsupport.Await;
import io.chatplatform.testsupport.RedisServer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence figures on the embedded platform with its registry in a real {@code redis-server}:
 * latency from a socket's connect to a room-mate's {@code presence} event (p50/p95/p99/max),
 * and Redis commands per connect and per disconnect ({@code INFO commandstats}). Not a test: it
 * reports; {@code bin/bench-presence} runs it.
 */
public final class PresenceLatencyBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceLatencyBenchmark.class);
  private static final Pattern CALLS = Pattern.compile("^cmdstat_([a-z|]+):calls=(\\d+)", Pattern.MULTILINE);

  public static void main(String[] args) throws Exception {
    int rounds = Integer.getInteger("bench.rounds", 300);
    Path data = Files.createTempDirectory("presence-bench");
    try (RedisServer redis = RedisServer.start();
        PlatformFixture fx = new PlatformFixture(data, Map.of("REDIS_URL", redis.url(), "LOG_LEVEL", "WARN",
            // The offline grace is not what is measured: a short one keeps every round an online transition.
            "PRESENCE_OFFLINE_GRACE_MS", "1",
            // Each round flips the mover's presence twice in quick succession; what is measured is
            // the path of one change, not how the coalescing window spaces a flipping user's events.
            "PRESENCE_COALESCE_MS", "0"))) {
      Redis admin = Redis.createClient(fx.clientVertx, redis.url());
      Api.User watcher = fx.newUser("watcher");
      Api.User mover = fx.newUser("mover");
      fx.api.post("/api/v1/rooms/direct", watcher.token(), new JsonObject().put("userId", mover.userId()));
      Histogram latency = new Histogram(60_000_000_000L, 3);
      long connectCommands = 0;
      long disconnectCommands = 0;
      try (SocketClient peer = fx.readySocket(watcher)) {
        for (int i = 0; i < rounds; i++) {
          long before = commands(admin);
          long start = System.nanoTime();
          SocketClient socket = fx.socket(mover);
          peer.awaitFrame(AwarenessEndToEndTest.event("presence", e -> "online".equals(e.getString("status"))), Await.TIMEOUT);
          latency.recordValue(System.nanoTime() - start);
          connectCommands += commands(admin) - before;

          before = commands(admin);
          socket.close();
          peer.awaitFrame(AwarenessEndToEndTest.event("presence", e -> "offline".equals(e.getString("status"))), Await.TIMEOUT);
          disconnectCommands += commands(admin) - before;
        }
      }
      LOG.warn("presence, {} rounds, registry in Redis: connect → peer's presence event p50 {} ms, p95 {} ms, p99 {} ms, max {} ms",
          rounds, ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(95)),
          ms(latency.getValueAtPercentile(99)), ms(latency.getMaxValue()));
      LOG.warn("Redis commands per connect {} and per disconnect {} (including those run inside the scripts,"
              + " the disconnect's delayed settle too; each operation is one EVALSHA round trip)",
          String.format("%.1f", (double) connectCommands / rounds), String.format("%.1f", (double) disconnectCommands / rounds));
      Await.result(admin.close());
    }
  }

  private static long commands(Redis admin) {
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

  private static String ms(long nanos) {
    return String.format("%.1f", nanos / 1e6);
  }
}

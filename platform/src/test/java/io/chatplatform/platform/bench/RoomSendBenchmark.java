package io.chatplatform.platform.bench;

import io.chatplatform.testsupport.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small harness: one sender to a room of {@code members} members on a running platform.
 * Prints acknowledged messages/s, deliveries/s and ack latency percentiles. Not a test: it
 * asserts nothing and only reports (the load generator of its own issue replaces it).
 *
 * <p>Phases: a closed loop with {@code window} sends in flight (the most the platform acks),
 * then an open loop at {@code rate} messages/s (latency at a steady offered load).
 */
public final class RoomSendBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(RoomSendBenchmark.class);
  /** A whole send loop may take this long. */
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  public static void main(String[] args) throws Exception {
    URI base = URI.create(System.getProperty("bench.url", "http://127.0.0.1:8080"));
    int members = Integer.getInteger("bench.members", 100);
    int messages = Integer.getInteger("bench.messages", 5000);
    int window = Integer.getInteger("bench.window", 32);
    int rate = Integer.getInteger("bench.rate", 100);
    Vertx vertx = Vertx.vertx();
    try {
      new RoomSendBenchmark(vertx, base).run(members, messages, window, rate);
    } finally {
      Await.result(vertx.close());
    }
  }

  private final Vertx vertx;
  private final URI base;
  private final WebClient http;
  private final WebSocketClient ws;
  private final String runId = Long.toString(System.currentTimeMillis() % 1_000_000, 36);

  RoomSendBenchmark(Vertx vertx, URI base) {
    this.vertx = vertx;
    this.base = base;
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost(base.getHost()).setDefaultPort(base.getPort()));
    this.ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(10_000));
  }

  record User(String userId, String token) {}

  void run(int members, int messages, int window, int rate) throws Exception {
    List<User> users = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      users.add(Await.result(user("b" + runId + "-" + i), TIMEOUT));
    }
    JsonArray ids = new JsonArray();
    users.subList(1, members).forEach(u -> ids.add(u.userId()));
    String roomId = Await.result(http.post("/api/v1/rooms").bearerTokenAuthentication(users.get(0).token())
        .sendJsonObject(new JsonObject().put("name", "bench " + runId).put("members", ids)), TIMEOUT).bodyAsJsonObject().getString("roomId");

    AtomicLong delivered = new AtomicLong();
    List<WebSocket> sockets = new ArrayList<>();
    for (User u : users) {
      WebSocket socket = Await.result(ws.connect(new WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort())
          .setURI("/eventbus/websocket?access_token=" + u.token())), TIMEOUT);
      socket.write(new JsonObject().put("type", "register").put("address", "user." + u.userId()).toBuffer());
      sockets.add(socket);
    }
    Sender sender = new Sender(sockets.get(0), roomId);
    for (WebSocket socket : sockets) {
      socket.handler(frame -> {
        JsonObject json = frame.toJsonObject();
        String address = json.getString("address", "");
        if (address.startsWith("user.")) {
          delivered.incrementAndGet();
        } else {
          sender.acked(address, json);
        }
      });
    }
    // Warm up the JIT and the caches, then measure.
    Await.result(sender.closedLoop(Math.min(500, messages), window, "warm"), TIMEOUT);
    delivered.set(0);
    long start = System.nanoTime();
    Histogram closed = Await.result(sender.closedLoop(messages, window, "closed"), TIMEOUT);
    double seconds = (System.nanoTime() - start) / 1e9;
    long expected = (long) messages * members;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (delivered.get() < expected && System.nanoTime() < deadline) {
      Await.result(timer(50), TIMEOUT);
    }
    double deliverSeconds = (System.nanoTime() - start) / 1e9;
    LOG.info(String.format("closed loop, %d members, window %d: %d messages in %.2f s = %.0f acked msg/s; ack latency p50 %.2f ms, p99 %.2f ms, max %.2f ms",
        members, window, messages, seconds, messages / seconds, ms(closed, 50), ms(closed, 99), closed.getMaxValue() / 1e3));
    LOG.info(String.format("deliveries: %d of %d expected in %.2f s = %.0f deliveries/s", delivered.get(), expected, deliverSeconds, delivered.get() / deliverSeconds));

    Histogram open = Await.result(sender.openLoop(Math.min(messages, rate * 10), rate, "open"), TIMEOUT);
    LOG.info(String.format("open loop at %d msg/s: ack latency p50 %.2f ms, p99 %.2f ms, max %.2f ms",
        rate, ms(open, 50), ms(open, 99), open.getMaxValue() / 1e3));
    sockets.forEach(WebSocket::close);
  }

  static double ms(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1e3;
  }

  Future<User> user(String name) {
    JsonObject credentials = new JsonObject().put("username", name).put("password", "benchmark-password");
    return http.post("/api/v1/auth/register").sendJsonObject(credentials)
        .compose(x -> http.post("/api/v1/auth/login").sendJsonObject(credentials))
        .map(r -> new User(r.bodyAsJsonObject().getString("userId"), r.bodyAsJsonObject().getString("accessToken")));
  }

  /** Sends chat.send frames on one socket and times each until its reply. Event-loop confined. */
  final class Sender {
    final WebSocket socket;
    final String roomId;
    final Map<String, Long> sentAt = new HashMap<>();
    Histogram histogram;
    Promise<Histogram> done;
    int toSend;
    int outstanding;
    int next;
    String phase;
    Runnable onAck = () -> {};

    Sender(WebSocket socket, String roomId) {
      this.socket = socket;
      this.roomId = roomId;
    }

    Future<Histogram> closedLoop(int count, int window, String phase) {
      start(count, phase);
      onAck = () -> { if (next < toSend) send(); };
      for (int i = 0; i < window && next < toSend; i++) {
        send();
      }
      return done.future();
    }

    Future<Histogram> openLoop(int count, int perSecond, String phase) {
      start(count, phase);
      onAck = () -> {};
      long periodNanos = 1_000_000_000L / perSecond;
      long begin = System.nanoTime();
      vertx.setPeriodic(1, id -> {
        long due = Math.min(toSend, (System.nanoTime() - begin) / periodNanos + 1);
        while (next < due) {
          send();
        }
        if (next >= toSend) {
          vertx.cancelTimer(id);
        }
      });
      return done.future();
    }

    private void start(int count, String phase) {
      histogram = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
      done = Promise.promise();
      toSend = count;
      outstanding = 0;
      next = 0;
      this.phase = phase;
    }

    private void send() {
      String reply = phase + "." + next;
      JsonObject body = new JsonObject().put("roomId", roomId).put("clientMsgId", runId + "-" + reply).put("text", "benchmark message " + next);
      next++;
      outstanding++;
      sentAt.put(reply, System.nanoTime());
      socket.write(new JsonObject().put("type", "send").put("address", "chat.send").put("replyAddress", reply).put("body", body).toBuffer());
    }

    void acked(String replyAddress, JsonObject frame) {
      Long at = sentAt.remove(replyAddress);
      if (at == null) {
        return;
      }
      if (!"rec".equals(frame.getString("type"))) {
        LOG.warn("send failed: {}", frame.encode());
      }
      histogram.recordValue(Math.max(1, (System.nanoTime() - at) / 1000));
      outstanding--;
      onAck.run();
      if (next >= toSend && outstanding == 0) {
        done.tryComplete(histogram);
      }
    }
  }

  Future<Void> timer(long ms) {
    Promise<Void> p = Promise.promise();
    vertx.setTimer(ms, id -> p.complete());
    return p.future();
  }
}

package io.chatplatform.platform.chaos;

import io.chatplatform.platform.Api;
import io.chatplatform.platform.SocketClient;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * bin/chaos's driver: starts the {@link Topology}, runs the scenarios against it, prints one
 * PASS/FAIL line per scenario with its figures, stops everything, and exits 1 if any failed.
 *
 * <p>It lives in platform's test sources because it is a test client: it speaks REST and the raw
 * WebSocket through the same {@link Api} and {@link SocketClient} as the end-to-end tests, and it
 * must not ship in the platform's jar. bin/chaos runs it on platform's test classpath.
 *
 * <p>Arguments: the repository root, the run directory, and optionally the scenarios to run
 * ({@code a,c}; all by default).
 */
public final class ChaosMain {
  static final Duration START = Duration.ofSeconds(180);
  static final Duration RESTART = Duration.ofSeconds(120);

  final Topology topology;
  final Vertx vertx = Vertx.vertx();
  final Api api;
  final List<String> lines = new ArrayList<>();
  int failed;

  ChaosMain(Topology topology) {
    this.topology = topology;
    this.api = new Api(vertx, topology.nginxPort());
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]).toAbsolutePath();
    Path runDir = Path.of(args[1]).toAbsolutePath();
    Set<String> only = args.length > 2 ? new HashSet<>(Arrays.asList(args[2].split(","))) : Set.of("a", "b", "c", "d");
    int base = Integer.parseInt(System.getenv().getOrDefault("CHAOS_BASE_PORT", "6100"));
    List<String> jvm = new ArrayList<>(Arrays.asList(System.getProperty("chaos.jvm.args", "").trim().split("\\s+")));
    jvm.removeIf(String::isEmpty);
    Topology topology = new Topology(root, runDir, base, jvm);
    // Ctrl-C (SIGINT/SIGTERM to this JVM): stop the topology on the way out.
    Runtime.getRuntime().addShutdownHook(new Thread(topology::close, "chaos-stop"));
    int status = 1;
    ChaosMain chaos = null;
    try {
      chaos = new ChaosMain(topology);
      status = chaos.run(only);
    } catch (Throwable e) {
      e.printStackTrace(System.out);
    } finally {
      topology.close();
      if (chaos != null) {
        chaos.api.close();
        try {
          Await.result(chaos.vertx.close());
        } catch (Throwable e) {
          e.printStackTrace(System.out);
        }
      }
    }
    System.exit(status);
  }

  int run(Set<String> only) throws Exception {
    topology.define();
    long t0 = System.nanoTime();
    try {
      topology.startAll(START);
      // Ready when a registration crosses nginx → gateway → chat, and presence answers.
      Await.until("a registration through nginx", START, () -> {
        try {
          Api.Response r = api.post("/api/v1/auth/register", null,
              new JsonObject().put("username", "probe").put("password", "correct-horse"));
          return r.status() == 201 || r.status() == 409;
        } catch (RuntimeException e) {
          return false;
        }
      });
      Api.User probe = api.login("probe");
      Await.until("presence to answer", START, () -> {
        try {
          return api.get("/api/v1/presence?userIds=" + probe.userId(), probe.token()).status() == 200;
        } catch (RuntimeException e) {
          return false;
        }
      });
    } catch (Throwable e) {
      report("-", "topology: " + topology.procs.size() + " processes ready", false, "", e);
      return 1;
    }
    report("-", "topology: " + topology.procs.size() + " processes ready", true,
        "in " + secondsSince(t0) + " s (store, redis, 2 history, 2 chat, presence, notification, 2 gateways, nginx)", null);
    scenario(only, "a", "a member removed while history-service is down stops receiving within a bounded time, on every gateway", this::removalWhileHistoryDown);
    scenario(only, "b", "restart Redis under load: presence right again within 15 s", this::redisRestart);
    scenario(only, "c", "stop and restart the store under load: sends fail fast with unavailable, then recover; nothing acknowledged is lost", this::storeRestart);
    scenario(only, "d", "kill -9 one chat-service and one history-service under load: no acknowledged message lost, each retried send stored once and delivered live", this::killChatAndHistory);
    System.out.println();
    lines.forEach(System.out::println);
    return failed > 0 ? 1 : 0;
  }

  interface Body {
    void run(StringBuilder figures) throws Exception;
  }

  void scenario(Set<String> only, String id, String title, Body body) {
    if (!only.contains(id)) {
      return;
    }
    StringBuilder figures = new StringBuilder();
    long t0 = System.nanoTime();
    try {
      List<String> restarted = topology.ensureAllRunning(RESTART);
      if (!restarted.isEmpty()) {
        System.out.println("(restarted before " + id + ": " + restarted + ")");
      }
      body.run(figures);
      report(id, title + " [" + secondsSince(t0) + " s]", true, figures.toString(), null);
    } catch (Throwable e) {
      report(id, title + " [" + secondsSince(t0) + " s]", false, figures.toString(), e);
    }
  }

  void report(String id, String title, boolean pass, String figures, Throwable error) {
    String line = (pass ? "PASS " : "FAIL ") + id + ". " + title + ": " + figures
        + (error == null ? "" : " | " + error.toString().replace('\n', ' '));
    if (!pass) {
      failed++;
      if (error != null) {
        error.printStackTrace(System.out);
      }
    }
    System.out.println(line);
    lines.add(line);
  }

  // ---- a ----------------------------------------------------------------------------------

  void removalWhileHistoryDown(StringBuilder fig) throws Exception {
    Api.User owner = api.register("a_owner");
    Api.User gone = api.register("a_gone");
    Api.User stay = api.register("a_stay");
    String roomId = api.createRoom(owner, "chaos-a", gone, stay).getString("roomId");
    try (SocketClient gone1 = socket(gone, "gateway-1");
        SocketClient gone2 = socket(gone, "gateway-2");
        SocketClient stay2 = socket(stay, "gateway-2")) {
      // Control: all three sockets receive the room live before anything breaks.
      JsonObject before = restSend(owner, roomId, "a-before", "before the removal");
      long beforeSeq = before.getLong("seq");
      for (SocketClient s : List.of(gone1, gone2, stay2)) {
        s.awaitFrame(message(roomId, beforeSeq), Duration.ofSeconds(10));
        s.drain();
      }

      topology.proc("history-1").kill9();
      topology.proc("history-2").kill9();

      long t0 = System.nanoTime();
      Api.Response removed = api.delete("/api/v1/rooms/" + roomId + "/members/" + gone.userId(), owner.token());
      long deleteMs = millisSince(t0);
      fig.append("DELETE answered ").append(removed.status()).append(" in ").append(deleteMs).append(" ms");
      check(removed.status() == 204, "DELETE answered " + removed.status() + " " + removed.body());
      gone1.awaitFrame(roomEvent(roomId, "left"), Duration.ofSeconds(15));
      long left1 = millisSince(t0);
      gone2.awaitFrame(roomEvent(roomId, "left"), Duration.ofSeconds(15));
      long left2 = millisSince(t0);
      fig.append("; 'left' on gateway-1 ").append(left1).append(" ms, on gateway-2 ").append(left2).append(" ms after the DELETE");

      long s0 = System.nanoTime();
      JsonObject down = stay2.request("chat.send", sendBody(roomId, "a-down", "while history is down"));
      fig.append("; a send while history is down: ").append(answer(down)).append(" in ").append(millisSince(s0)).append(" ms");

      long r0 = System.nanoTime();
      topology.proc("history-1").start();
      topology.proc("history-2").start();
      topology.awaitReady(List.of("history-1", "history-2"), RESTART);
      fig.append("; history back in ").append(secondsSince(r0)).append(" s");
      long seq = sendUntilAcked(stay2, roomId, "a-after", "after the removal", Duration.ofSeconds(60)).getLong("seq");
      stay2.awaitFrame(message(roomId, seq), Duration.ofSeconds(10));
      for (SocketClient s : List.of(gone1, gone2)) {
        expectNone(s, message(roomId, -1), Duration.ofSeconds(2), "the removed member received a message of the room");
      }
      fig.append("; the next message (seq ").append(seq).append(") reached the remaining member, none of the removed member's 2 sockets within 2 s");
    }
  }

  // ---- b ----------------------------------------------------------------------------------

  void redisRestart(StringBuilder fig) throws Exception {
    Api.User watcher = api.register("b_watch");
    List<Api.User> users = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      users.add(api.register("b_user" + i));
    }
    String roomId = api.createRoom(users.get(0), "chaos-b", users.get(1), users.get(2), users.get(3), watcher).getString("roomId");
    List<SocketClient> sockets = new ArrayList<>();
    String[] gateways = {"gateway-1", "gateway-1", "gateway-2", "gateway-2"};
    Sender load = null;
    try {
      for (int i = 0; i < 4; i++) {
        sockets.add(socket(users.get(i), gateways[i]));
      }
      String ids = users.stream().map(Api.User::userId).collect(Collectors.joining(","));
      Map<String, String> allOnline = new HashMap<>();
      users.forEach(u -> allOnline.put(u.userId(), "online"));
      Await.until("all 4 online before the restart", Duration.ofSeconds(15), () -> allOnline.equals(presence(watcher, ids)));
      load = new Sender(vertx, socket(watcher, "gateway-1"), roomId, "b", false, 50).start();
      Await.until("the load to run", Duration.ofSeconds(10), load::hasAcked);

      topology.proc("redis").kill9();
      long k0 = System.nanoTime();
      // The last user disconnects while Redis is down.
      sockets.get(3).close();
      Await.until("presence to answer 503 while Redis is down", Duration.ofSeconds(15),
          () -> api.get("/api/v1/presence?userIds=" + ids, watcher.token()).status() == 503);
      fig.append("GET /presence 503 ").append(millisSince(k0)).append(" ms after Redis was killed");
      Await.result(vertx.timer(2000, TimeUnit.MILLISECONDS)); // the outage lasts a little

      topology.proc("redis").start();
      topology.awaitReady(List.of("redis"), Duration.ofSeconds(30));
      long b0 = System.nanoTime();
      fig.append("; Redis down ").append(millisSince(k0)).append(" ms, back empty");
      Map<String, String> right = new HashMap<>(allOnline);
      right.put(users.get(3).userId(), "offline");
      List<String> seen = new ArrayList<>();
      try {
        Await.until("presence right again", Duration.ofSeconds(15), () -> {
          Map<String, String> now = presence(watcher, ids);
          String shown = now == null ? "503" : users.stream().map(u -> now.get(u.userId()).substring(0, 2)).collect(Collectors.joining("/"));
          if (seen.isEmpty() || !seen.get(seen.size() - 1).endsWith(shown)) {
            seen.add(millisSince(b0) + "ms:" + shown);
          }
          return right.equals(now);
        });
      } finally {
        fig.append("; answers after Redis was back (online/offline of users 1-4; user 4 left during the outage): ").append(seen);
      }
      fig.append("; presence right ").append(millisSince(b0)).append(" ms after Redis was back");
      load.stop();
      long ok = load.attempts().stream().filter(a -> a.seq() != null).count();
      fig.append("; load: ").append(ok).append(" of ").append(load.attempts().size()).append(" sends acknowledged during the scenario");
    } finally {
      if (load != null) {
        load.stop();
        load.socket.close();
      }
      sockets.forEach(SocketClient::close);
    }
  }

  /** status by userId, or null while presence answers something else than 200. */
  Map<String, String> presence(Api.User asker, String ids) {
    Api.Response r = api.get("/api/v1/presence?userIds=" + ids, asker.token());
    if (r.status() != 200) {
      return null;
    }
    Map<String, String> out = new HashMap<>();
    for (Object o : r.json().getJsonArray("presence")) {
      JsonObject p = (JsonObject) o;
      out.put(p.getString("userId"), p.getString("status"));
    }
    return out;
  }

  // ---- c ----------------------------------------------------------------------------------

  void storeRestart(StringBuilder fig) throws Exception {
    Api.User sender = api.register("c_send");
    Api.User listener = api.register("c_listen");
    String roomId = api.createRoom(sender, "chaos-c", listener).getString("roomId");
    try (SocketClient s = socket(sender, null); SocketClient l = socket(listener, "gateway-2")) {
      Sender load = new Sender(vertx, s, roomId, "c", false, 50).start();
      try {
        Await.until("20 acknowledged sends", Duration.ofSeconds(30), () -> load.acked() >= 20);
        topology.proc("store").stop();
        long stopped = System.nanoTime();
        Await.until("3 sends answered unavailable", Duration.ofSeconds(60),
            () -> load.attempts().stream().filter(a -> a.sentNanos() > stopped && a.error() != null).count() >= 3);
        List<Sender.Attempt> failedSends = load.attempts().stream().filter(a -> a.sentNanos() > stopped && a.error() != null).toList();
        Sender.Attempt firstFailure = failedSends.get(0);
        fig.append("store stopped (SIGTERM); first failed send answered ").append(firstFailure.error()).append(' ')
            .append((firstFailure.answeredNanos() - stopped) / 1_000_000).append(" ms after the stop; failed sends took ")
            .append(range(failedSends.stream().map(Sender.Attempt::millis).toList())).append(" ms each");
        Set<String> codes = failedSends.stream().map(Sender.Attempt::error).collect(Collectors.toCollection(LinkedHashSet::new));
        check(codes.equals(Set.of("unavailable")), "failed sends answered " + codes + ", expected unavailable");

        long r0 = System.nanoTime();
        topology.proc("store").start();
        topology.awaitReady(List.of("store"), Duration.ofSeconds(60));
        long up = System.nanoTime();
        fig.append("; store down ").append((up - stopped) / 1_000_000).append(" ms");
        Await.until("a send acknowledged after the restart", Duration.ofSeconds(60),
            () -> load.attempts().stream().anyMatch(a -> a.sentNanos() > up && a.seq() != null));
        Sender.Attempt firstOk = load.attempts().stream().filter(a -> a.sentNanos() > up && a.seq() != null).findFirst().orElseThrow();
        fig.append("; first ack ").append((firstOk.answeredNanos() - up) / 1_000_000).append(" ms after the store listened again");
        long ackedAfter = load.acked();
        Await.until("20 more acknowledged sends", Duration.ofSeconds(60), () -> load.acked() >= ackedAfter + 20);
      } finally {
        load.stop();
      }
      checkHistory(fig, sender, roomId, load);
    }
  }

  /** Every acknowledged message is in the history pages exactly once, with its acknowledged seq. */
  void checkHistory(StringBuilder fig, Api.User reader, String roomId, Sender load) {
    List<JsonObject> stored = history(reader, roomId);
    Map<String, List<Long>> byClientMsgId = new HashMap<>();
    for (JsonObject m : stored) {
      byClientMsgId.computeIfAbsent(m.getString("clientMsgId"), k -> new ArrayList<>()).add(m.getLong("seq"));
    }
    List<Sender.Outcome> outcomes = load.outcomes();
    List<String> lost = new ArrayList<>();
    List<String> twice = new ArrayList<>();
    long acked = 0;
    long unackedButStored = 0;
    for (Sender.Outcome o : outcomes) {
      List<Long> seqs = byClientMsgId.getOrDefault(o.clientMsgId(), List.of());
      if (seqs.size() > 1) {
        twice.add(o.clientMsgId() + "=" + seqs);
      }
      if (o.seq() != null) {
        acked++;
        if (!seqs.contains(o.seq())) {
          lost.add(o.clientMsgId() + "@" + o.seq());
        }
      } else if (!seqs.isEmpty()) {
        unackedButStored++;
      }
    }
    boolean gapFree = true;
    for (int i = 0; i < stored.size(); i++) {
      gapFree &= stored.get(i).getLong("seq") == i + 1;
    }
    fig.append("; history: ").append(outcomes.size()).append(" messages sent, ").append(acked).append(" acknowledged, ")
        .append(stored.size()).append(" stored (seq 1..").append(stored.size()).append(gapFree ? ", no gap" : ", WITH GAPS")
        .append("), acknowledged but missing ").append(lost.size()).append(", stored twice ").append(twice.size())
        .append(", unacknowledged but stored ").append(unackedButStored);
    check(lost.isEmpty(), "acknowledged messages missing from history: " + lost);
    check(twice.isEmpty(), "messages stored more than once: " + twice);
    check(gapFree, "the room's seqs have gaps");
  }

  List<JsonObject> history(Api.User reader, String roomId) {
    List<JsonObject> all = new ArrayList<>();
    long after = 0;
    for (int page = 0; page < 1000; page++) {
      Api.Response r = api.get("/api/v1/rooms/" + roomId + "/messages?after=" + after + "&limit=100", reader.token());
      check(r.status() == 200, "history page answered " + r.status() + " " + r.body());
      JsonArray messages = r.json().getJsonArray("messages");
      messages.forEach(m -> all.add((JsonObject) m));
      if (messages.isEmpty() || !r.json().getBoolean("hasMore", false)) {
        return all;
      }
      after = messages.getJsonObject(messages.size() - 1).getLong("seq");
    }
    return all;
  }

  // ---- d ----------------------------------------------------------------------------------

  void killChatAndHistory(StringBuilder fig) throws Exception {
    Api.User sender = api.register("d_send");
    Api.User listener = api.register("d_listen");
    String roomId = api.createRoom(sender, "chaos-d", listener).getString("roomId");
    try (SocketClient s = socket(sender, "gateway-1"); SocketClient l = socket(listener, null)) {
      Sender load = new Sender(vertx, s, roomId, "d", true, 30).start();
      long killed;
      try {
        Await.until("30 acknowledged sends", Duration.ofSeconds(30), () -> load.acked() >= 30);
        topology.proc("chat-1").kill9();
        topology.proc("history-1").kill9();
        killed = System.nanoTime();
        Await.until("10 s of sending after the kill", Duration.ofSeconds(20), () -> System.nanoTime() - killed > TimeUnit.SECONDS.toNanos(10));
      } finally {
        load.stop();
      }
      List<Sender.Outcome> outcomes = load.outcomes();
      List<Sender.Outcome> retried = outcomes.stream().filter(o -> o.attempts() > 1).toList();
      List<Sender.Attempt> failures = load.attempts().stream().filter(a -> a.error() != null).toList();
      long unacked = outcomes.stream().filter(o -> o.seq() == null).count();
      fig.append("killed chat-1 and history-1 (SIGKILL) after ").append(outcomes.stream().filter(o -> o.firstNanos() < killed).count())
          .append(" messages; ").append(retried.size()).append(" messages needed a resend (")
          .append(failures.stream().collect(Collectors.groupingBy(Sender.Attempt::error, Collectors.counting())))
          .append(" failed attempts, at most ").append(retried.stream().mapToInt(Sender.Outcome::attempts).max().orElse(1))
          .append(" attempts), longest from first send to ack ")
          .append(outcomes.stream().mapToLong(o -> (o.endNanos() - o.firstNanos()) / 1_000_000).max().orElse(0)).append(" ms");
      check(unacked == 0, unacked + " messages never acknowledged within 60 s of resending");
      checkHistory(fig, sender, roomId, load);

      // Live: the listener (through nginx) received every acknowledged seq, dedupe by seq.
      Set<Long> ackedSeqs = outcomes.stream().map(Sender.Outcome::seq).collect(Collectors.toSet());
      Set<Long> live = new HashSet<>();
      int[] frames = {0};
      Predicate<JsonObject> ofRoom = message(roomId, -1);
      try {
        Await.until("the listener to hold every acknowledged seq", Duration.ofSeconds(15), () -> {
          for (JsonObject f : l.drain()) {
            if (ofRoom.test(f)) {
              frames[0]++;
              live.add(f.getJsonObject("body").getJsonObject("message").getLong("seq"));
            }
          }
          return live.containsAll(ackedSeqs);
        });
      } finally {
        Set<Long> missing = new java.util.TreeSet<>(ackedSeqs);
        missing.removeAll(live);
        fig.append("; live at the listener: ").append(live.size()).append(" distinct seqs in ").append(frames[0])
            .append(" message events (").append(frames[0] - live.size()).append(" announced again), missing ").append(missing);
      }
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** A socket of {@code user} on one gateway, or through nginx when {@code gateway} is null, inbox registered and set up. */
  SocketClient socket(Api.User user, String gateway) {
    int port = gateway == null ? topology.nginxPort() : topology.httpPort(gateway);
    SocketClient c = SocketClient.withToken(vertx, port, user);
    c.ask("chat.sync", new JsonObject().put("rooms", new JsonObject()));
    return c;
  }

  JsonObject restSend(Api.User user, String roomId, String clientMsgId, String text) {
    Api.Response r = api.post("/api/v1/rooms/" + roomId + "/messages", user.token(),
        new JsonObject().put("clientMsgId", clientMsgId).put("text", text));
    check(r.status() == 201, "send answered " + r.status() + " " + r.body());
    return r.json();
  }

  static JsonObject sendBody(String roomId, String clientMsgId, String text) {
    return new JsonObject().put("roomId", roomId).put("clientMsgId", clientMsgId).put("text", text);
  }

  JsonObject sendUntilAcked(SocketClient s, String roomId, String clientMsgId, String text, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      JsonObject frame = s.request("chat.send", sendBody(roomId, clientMsgId, text));
      if ("rec".equals(frame.getString("type"))) {
        return frame.getJsonObject("body");
      }
      check(System.nanoTime() < deadline, "no ack within " + max + ", last answer " + frame);
      Await.result(vertx.timer(200, TimeUnit.MILLISECONDS));
    }
  }

  static String answer(JsonObject frame) {
    return "rec".equals(frame.getString("type")) ? "ack seq " + frame.getJsonObject("body").getLong("seq") : String.valueOf(frame.getValue("body"));
  }

  static Predicate<JsonObject> roomEvent(String roomId, String event) {
    return f -> {
      JsonObject body = f.getValue("body") instanceof JsonObject b ? b : null;
      return body != null && "rec".equals(f.getString("type")) && "room".equals(body.getString("type"))
          && event.equals(body.getString("event")) && roomId.equals(body.getJsonObject("room").getString("roomId"));
    };
  }

  /** A live message event of the room; {@code seq} -1 for any. */
  static Predicate<JsonObject> message(String roomId, long seq) {
    return f -> {
      JsonObject body = f.getValue("body") instanceof JsonObject b ? b : null;
      if (body == null || !"rec".equals(f.getString("type")) || !"message".equals(body.getString("type"))) {
        return false;
      }
      JsonObject m = body.getJsonObject("message");
      return roomId.equals(m.getString("roomId")) && (seq < 0 || m.getLong("seq") == seq);
    };
  }

  static void expectNone(SocketClient s, Predicate<JsonObject> match, Duration window, String what) {
    JsonObject got;
    try {
      got = s.awaitFrame(match, window);
    } catch (AssertionError e) {
      return; // nothing matched within the window
    }
    throw new AssertionError(what + ": " + got);
  }

  static void check(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }

  static String range(List<Long> values) {
    if (values.isEmpty()) {
      return "-";
    }
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(0) + "-" + sorted.get(sorted.size() - 1) + " (median " + sorted.get(sorted.size() / 2) + ")";
  }

  static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  static String secondsSince(long t0) {
    return String.format("%.1f", (System.nanoTime() - t0) / 1e9);
  }
}

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
    Set<String> only = args.length > 2 ? new HashSet<>(Arrays.asList(args[2].split(","))) : Set.of("a", "b", "c", "d", "e", "f", "g", "h");
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
    scenario(only, "e", "kill -9 one gateway while 500 clients chat across both: each of its clients reconnects once, nothing lost or duplicated", f -> gatewayDown(f, "e", true));
    scenario(only, "f", "SIGTERM a gateway under load (500 clients): each of its clients sees one reconnect (1012) and nothing else", f -> gatewayDown(f, "f", false));
    scenario(only, "g", "a raw and a SockJS client that stop reading while their room is busy: closed (4429, SockJS's close), the reader gets every message, gateway heap flat", this::slowReaders);
    scenario(only, "h", "5,000 clients of a killed gateway reconnect: spread by their jitter, peak connects/s and time to full recovery", this::connectStorm);
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

  /** How many times scenario a's owner sends the DELETE while it answers 503 unavailable. */
  static final int DELETE_ATTEMPTS = 5;
  static final long DELETE_RETRY_MS = 500;

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

      // The owner's client does what docs/protocol.md tells it to do with 503 unavailable: try
      // again. Right after the kills, the first attempt can wait out the gateway's event bus
      // timeout: on losing a member, the Hazelcast cluster manager drops every node's cache of
      // who consumes which address and republishes its own consumers, and look-ups wait for that
      // (docs/resilience.md, scenario a). A retry finding the member already gone (404) means an
      // earlier attempt did remove them after its answer had timed out.
      long t0 = System.nanoTime();
      List<String> answers = new ArrayList<>();
      Api.Response removed;
      do {
        long a0 = System.nanoTime();
        removed = api.delete("/api/v1/rooms/" + roomId + "/members/" + gone.userId(), owner.token());
        answers.add(removed.status() + " in " + millisSince(a0) + " ms");
        if (removed.status() == 503 && answers.size() < DELETE_ATTEMPTS) {
          Await.result(vertx.timer(DELETE_RETRY_MS, TimeUnit.MILLISECONDS)); // the client's back-off
        }
      } while (removed.status() == 503 && answers.size() < DELETE_ATTEMPTS);
      fig.append("DELETE answered ").append(String.join(", then ", answers));
      boolean done = removed.status() == 204 || (answers.size() > 1 && removed.status() == 404);
      check(done, "DELETE answered " + removed.status() + " " + removed.body() + " after " + answers);
      gone1.awaitFrame(roomEvent(roomId, "left"), Duration.ofSeconds(15));
      long left1 = millisSince(t0);
      gone2.awaitFrame(roomEvent(roomId, "left"), Duration.ofSeconds(15));
      long left2 = millisSince(t0);
      fig.append("; 'left' on gateway-1 ").append(left1).append(" ms, on gateway-2 ").append(left2).append(" ms after the first DELETE was sent");

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
      // Asked about every 100 ms (Await.until's poll) from the moment Redis answers PING again.
      // docs/protocol.md: after an empty Redis comes back, a query answers unavailable (503) until
      // the loss is noticed, then reads a user whose sockets are not reported again "as last
      // shown": users 1-3 must never read offline, and user 4, once offline, must stay so.
      List<String> seen = new ArrayList<>();
      List<String> wrong = new ArrayList<>();
      int[] polls = {0};
      boolean[] user4Offline = {false};
      try {
        Await.until("presence right again", Duration.ofSeconds(15), () -> {
          Map<String, String> now = presence(watcher, ids);
          polls[0]++;
          String shown = now == null ? "503" : users.stream().map(u -> now.get(u.userId()).substring(0, 2)).collect(Collectors.joining("/"));
          if (seen.isEmpty() || !seen.get(seen.size() - 1).endsWith(shown)) {
            seen.add(millisSince(b0) + "ms:" + shown);
          }
          if (now != null) {
            boolean others = users.subList(0, 3).stream().allMatch(u -> "online".equals(now.get(u.userId())));
            boolean off4 = "offline".equals(now.get(users.get(3).userId()));
            if (!others || (user4Offline[0] && !off4)) {
              wrong.add(millisSince(b0) + "ms:" + shown);
            }
            user4Offline[0] |= off4;
          }
          return right.equals(now);
        });
      } finally {
        fig.append("; answers after Redis was back (online/offline of users 1-4; user 4 left during the outage; ")
            .append(polls[0]).append(" polls): ").append(seen);
      }
      fig.append("; presence right ").append(millisSince(b0)).append(" ms after Redis was back");
      check(wrong.isEmpty(), "presence read wrong after Redis was back (users 1-3 not online, or user 4 online again): " + wrong);
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

  // ---- e, f: a gateway killed or drained under 500 clients (the load generator) -------------

  static final int E_ROOMS = 50;
  static final int E_MEMBERS = 10;

  /**
   * 500 generator clients (50 rooms of 10, each member sending one message every 10 s) through
   * nginx, spread over both gateways; 5 s into the measured window gateway-1 is killed (kill -9)
   * or stopped (SIGTERM: it drains). The generator's ledger must show every acknowledged message
   * at every member exactly once, every send acknowledged, and exactly one reconnect per client
   * the gateway held (no second wave).
   */
  void gatewayDown(StringBuilder fig, String id, boolean kill) throws Exception {
    int clients = E_ROOMS * E_MEMBERS;
    try (LoadRun gen = LoadRun.start(topology, "loadtest-" + id, List.of("fanout", "--url", "http://127.0.0.1:" + topology.nginxPort(),
        // Readiness from the gateway that stays up: operations are not served through nginx.
        "--ops-url", "http://127.0.0.1:" + topology.opsPort("gateway-2"),
        "--rooms", String.valueOf(E_ROOMS), "--members", String.valueOf(E_MEMBERS), "--rate", "0.1", "--warmup", "3",
        "--duration", "20", "--drain", "20", "--label", "chaos " + id))) {
      gen.awaitLog("step 1:", Duration.ofSeconds(240));
      Await.result(vertx.timer(3000 + 5000, TimeUnit.MILLISECONDS)); // 5 s into the measured window
      long on1 = topology.webSockets("gateway-1");
      long on2 = topology.webSockets("gateway-2");
      fig.append(clients).append(" clients: ").append(on1).append(" on gateway-1, ").append(on2).append(" on gateway-2");
      check(on1 + on2 == clients, "the gateways hold " + (on1 + on2) + " sockets, expected " + clients);
      check(on1 > 0, "gateway-1 holds no client");
      long t0 = System.nanoTime();
      if (kill) {
        topology.proc("gateway-1").kill9();
      } else {
        topology.proc("gateway-1").stop();
        fig.append("; gateway-1 exited ").append(topology.proc("gateway-1").process.exitValue()).append(" ")
            .append(millisSince(t0)).append(" ms after SIGTERM");
      }
      long[] peak = {0};
      try {
        Await.until("gateway-2 to hold all " + clients + " clients", Duration.ofSeconds(90),
            () -> (peak[0] = Math.max(peak[0], topology.webSockets("gateway-2"))) >= clients);
        fig.append("; all ").append(clients).append(" on gateway-2 ").append(millisSince(t0)).append(" ms after the ")
            .append(kill ? "kill" : "SIGTERM");
      } finally {
        fig.append(" (gateway-2 held at most ").append(peak[0]).append(")");
      }
      JsonObject result = gen.await(Duration.ofSeconds(120));
      Ledger ledger = Ledger.of(result);
      ledger.describe(fig);
      check(ledger.lost == 0, ledger.lost + " deliveries lost");
      check(ledger.duplicated == 0, ledger.duplicated + " deliveries duplicated");
      check(ledger.sent > 0 && ledger.acked == ledger.sent, "acknowledged " + ledger.acked + " of " + ledger.sent + " sends");
      check(ledger.failed == 0 && ledger.unanswered == 0, ledger.failed + " sends failed, " + ledger.unanswered + " unanswered");
      check(ledger.gaveUp == 0, ledger.gaveUp + " clients gave up reconnecting");
      check(ledger.reconnects == on1, ledger.reconnects + " reconnects, expected one per client of gateway-1 (" + on1 + ")");
      if (!kill) {
        // What the server did to the clients: one 1012 close each, nothing else. A "write.*" is the
        // generator's own send racing the close (written to a socket already closing); it is resent
        // after the reconnect and counted in "resent", so it is reported, not failed on. So is a
        // send answered "unavailable" that the client wrote again ("retried.*"; it was then
        // acknowledged, checked above): on this saturated machine history-service answers so an
        // append that waited its HISTORY_APPEND_MAX_WAIT_MS while 250 clients reconnect and sync,
        // which the protocol says to retry and clients/js's outbox does. A final "err.*" is not.
        Map<String, Long> seen = new java.util.TreeMap<>(ledger.errors);
        seen.keySet().removeIf(k -> k.startsWith("write.") || k.startsWith("retried."));
        Map<String, Long> expected = Map.of("close.1012", on1);
        check(seen.equals(expected), "clients saw " + ledger.errors + ", expected only " + expected);
        check(ledger.failedAttempts == 0, ledger.failedAttempts + " reconnect attempts failed");
      }
    }
  }

  /** What the generator's result says about loss, duplicates and reconnects, over its steps and between them. */
  static final class Ledger {
    long sent;
    long acked;
    long failed;
    long unanswered;
    long expected;
    long received;
    long lost;
    long duplicated;
    long redelivered;
    long reconnects;
    long failedAttempts;
    long resends;
    long synced;
    long gaveUp;
    /** Sends written again after an answer safe to retry ({@code unavailable}, {@code internal}), as clients/js's outbox does. */
    long sendRetries;
    JsonObject recoveredAfterMs = new JsonObject();
    final Map<String, Long> errors = new java.util.TreeMap<>();

    static Ledger of(JsonObject result) {
      Ledger l = new Ledger();
      List<JsonObject> recoveries = new ArrayList<>();
      for (Object o : result.getJsonArray("steps")) {
        JsonObject step = (JsonObject) o;
        JsonObject m = step.getJsonObject("messages");
        JsonObject d = step.getJsonObject("deliveries");
        l.sent += m.getLong("sent");
        l.acked += m.getLong("acked");
        l.failed += m.getLong("failed");
        l.unanswered += m.getLong("unanswered");
        l.expected += d.getLong("expected");
        l.received += d.getLong("received");
        l.lost += d.getLong("lost");
        l.duplicated += d.getLong("duplicated");
        l.redelivered += d.getLong("redelivered");
        recoveries.add(step.getJsonObject("recovery"));
        l.addErrors(step.getJsonObject("errors"));
      }
      JsonObject outside = result.getJsonObject("figures").getJsonObject("recoveryOutsideSteps");
      if (outside != null) {
        recoveries.add(outside);
      }
      for (JsonObject r : recoveries) {
        l.reconnects += r.getLong("reconnects");
        l.failedAttempts += r.getLong("failedAttempts");
        l.resends += r.getLong("resends");
        l.synced += r.getLong("syncedMessages");
        l.gaveUp += r.getLong("gaveUp");
        l.sendRetries += r.getLong("sendRetries");
        JsonObject after = r.getJsonObject("recoveredAfterMs");
        if (after != null && after.getLong("count", 0L) > l.recoveredAfterMs.getLong("count", 0L)) {
          l.recoveredAfterMs = after; // the step (or the time between steps) that held the outage
        }
      }
      l.addErrors(result.getJsonObject("errors"));
      return l;
    }

    private void addErrors(JsonObject json) {
      if (json != null) {
        json.forEach(e -> errors.merge(e.getKey(), ((Number) e.getValue()).longValue(), Long::sum));
      }
    }

    void describe(StringBuilder fig) {
      fig.append("; ledger: sent ").append(sent).append(", acked ").append(acked).append(", failed ").append(failed)
          .append(", unanswered ").append(unanswered).append("; deliveries expected ").append(expected).append(", received ")
          .append(received).append(", lost ").append(lost).append(", duplicated ").append(duplicated).append(", redelivered ")
          .append(redelivered).append("; reconnects ").append(reconnects).append(" (failed attempts ").append(failedAttempts)
          .append(", gave up ").append(gaveUp).append("), resent ").append(resends).append(", caught up by sync ").append(synced)
          .append(", sends retried after unavailable/internal ").append(sendRetries)
          .append("; recovered (close to synced and resent) ms: p50 ").append(recoveredAfterMs.getValue("p50"))
          .append(", p90 ").append(recoveredAfterMs.getValue("p90")).append(", p99 ").append(recoveredAfterMs.getValue("p99"))
          .append(", max ").append(recoveredAfterMs.getValue("max")).append("; errors seen by clients ").append(errors);
    }
  }

  // ---- g: clients that stop reading ---------------------------------------------------------

  static final int G_MESSAGES = 4000;
  /** Characters per message: chat-service's MESSAGE_MAX_TEXT_LENGTH (4000), so ~4.2 KB events. */
  static final int G_TEXT = 4000;
  /** chat.send frames in flight on the sender's socket: under the gateway's SOCKET_SEND_QUEUE_MAX (50). */
  static final int G_WINDOW = 40;

  /**
   * Through nginx, a room of four: a sender, a reader (raw WebSocket, reading), and a raw WebSocket
   * client and a SockJS websocket-transport client that stop reading (their Vert.x WebSocket
   * paused, an 8 KiB receive buffer: TCP back-pressure builds through nginx up to the gateway). The
   * sender pushes {@link #G_MESSAGES} messages of {@link #G_TEXT} characters, {@link #G_WINDOW} in
   * flight. Checks: every send acknowledged; the reader received every acknowledged seq; once the
   * paused clients read again they find their socket closed: 4429 on the raw WebSocket, SockJS's
   * {@code c[3000,...]} on SockJS. Reported, not checked: each gateway's heap (from /metrics, after
   * a forced full GC) before and after, and the largest sampled during the flood.
   */
  void slowReaders(StringBuilder fig) throws Exception {
    Api.User sender = api.register("g_send");
    Api.User readerUser = api.register("g_read");
    Api.User rawUser = api.register("g_raw");
    Api.User sockJsUser = api.register("g_sockjs");
    String roomId = api.createRoom(sender, "chaos-g", readerUser, rawUser, sockJsUser).getString("roomId");
    List<String> gateways = List.of("gateway-1", "gateway-2");
    try (SocketClient s = socket(sender, null); SocketClient reader = socket(readerUser, null)) {
      long[] before = {topology.webSockets("gateway-1"), topology.webSockets("gateway-2")};
      SlowReader raw = SlowReader.connect(vertx, topology.nginxPort(), rawUser.userId(), rawUser.token(), false);
      long[] afterRaw = {topology.webSockets("gateway-1"), topology.webSockets("gateway-2")};
      SlowReader sockJs = SlowReader.connect(vertx, topology.nginxPort(), sockJsUser.userId(), sockJsUser.token(), true);
      long[] afterSockJs = {topology.webSockets("gateway-1"), topology.webSockets("gateway-2")};
      try {
        String rawOn = afterRaw[0] > before[0] ? "gateway-1" : afterRaw[1] > before[1] ? "gateway-2" : "?";
        String sockJsOn = afterSockJs[0] > afterRaw[0] ? "gateway-1" : afterSockJs[1] > afterRaw[1] ? "gateway-2" : "?";
        fig.append("slow raw client on ").append(rawOn).append(", slow SockJS client on ").append(sockJsOn);

        Map<String, Long> heapBefore = new java.util.TreeMap<>();
        for (String g : gateways) {
          topology.fullGc(g);
          heapBefore.put(g, topology.heapBytes(g));
        }
        raw.pause();
        sockJs.pause();

        // The flood: G_WINDOW sends in flight, the reader drained as it goes.
        String text = "g".repeat(G_TEXT);
        Set<Long> acked = new HashSet<>();
        Map<String, Long> errors = new java.util.TreeMap<>();
        Set<Long> received = new HashSet<>();
        long[] readerEvents = {0};
        Predicate<JsonObject> ofRoom = message(roomId, -1);
        Map<String, Long> heapPeak = new java.util.TreeMap<>();
        int sent = 0;
        int answered = 0;
        long t0 = System.nanoTime();
        long lastSample = 0;
        boolean readerIdle = false;
        long deadline = t0 + TimeUnit.SECONDS.toNanos(240);
        while (answered < G_MESSAGES) {
          check(System.nanoTime() < deadline, "the flood did not finish within 240 s: " + answered + " of " + G_MESSAGES + " sends answered");
          check(!s.isClosed(), "the sender's socket was closed: " + s.closeReason());
          while (sent - answered < G_WINDOW && sent < G_MESSAGES) {
            sent++;
            s.write(new JsonObject().put("type", "send").put("address", "chat.send").put("replyAddress", "reply.g." + sent)
                .put("body", sendBody(roomId, "g-" + sent, (sent + " " + text).substring(0, G_TEXT))));
          }
          // Nothing waiting from the reader last round: block briefly on the sender's answers
          // (the window refills only when they come) instead of spinning.
          for (JsonObject f : s.drain(readerIdle ? Duration.ofMillis(20) : Duration.ZERO)) {
            if (f.getString("address", "").startsWith("reply.g.")) {
              answered++;
              if ("rec".equals(f.getString("type"))) {
                acked.add(f.getJsonObject("body").getLong("seq"));
              } else {
                errors.merge(f.getValue("body") + ": " + f.getString("message"), 1L, Long::sum);
              }
            }
          }
          readerIdle = drainInto(reader, ofRoom, received, readerEvents) == 0;
          if (millisSince(lastSample) >= 500) {
            lastSample = System.nanoTime();
            for (String g : gateways) {
              heapPeak.merge(g, topology.heapBytes(g), Math::max);
            }
          }
        }
        long floodMs = millisSince(t0);
        fig.append("; ").append(G_MESSAGES).append(" messages of ").append(G_TEXT).append(" characters sent in ").append(floodMs)
            .append(" ms (").append(G_MESSAGES * 1000L / Math.max(1, floodMs)).append("/s), acknowledged ").append(acked.size());
        if (!errors.isEmpty()) {
          fig.append(", failed ").append(errors);
        }
        check(acked.size() == G_MESSAGES, "acknowledged " + acked.size() + " of " + G_MESSAGES + " sends; failures " + errors);

        try {
          Await.until("the reader to hold every acknowledged seq", Duration.ofSeconds(60), () -> {
            drainInto(reader, ofRoom, received, readerEvents);
            return received.containsAll(acked);
          });
        } finally {
          Set<Long> missing = new java.util.TreeSet<>(acked);
          missing.removeAll(received);
          fig.append("; reader: ").append(received.size()).append(" distinct seqs in ").append(readerEvents[0])
              .append(" message events, missing ").append(missing.size() > 20 ? missing.size() + " seqs" : missing)
              .append(", done ").append(millisSince(t0)).append(" ms after the first send");
        }
        check(!reader.isClosed(), "the reader's socket was closed: " + reader.closeReason());

        // Read again: what the gateway sent before closing comes through nginx, then the close.
        long r0 = System.nanoTime();
        raw.resume();
        sockJs.resume();
        Short rawCode = raw.awaitClosed(Duration.ofSeconds(60));
        long rawMs = millisSince(r0);
        Short sockJsCode = sockJs.awaitClosed(Duration.ofSeconds(60));
        fig.append("; after resuming: raw closed ").append(rawCode).append(" (").append(raw.messages.get()).append(" messages read, ")
            .append(raw.bytes.get() / 1024).append(" KiB, ").append(rawMs).append(" ms), SockJS got ").append(sockJs.sockJsClose)
            .append(" (").append(sockJs.messages.get()).append(" messages read, ").append(sockJs.bytes.get() / 1024)
            .append(" KiB), its WebSocket closed ").append(sockJsCode);

        Map<String, Long> heapAfterRaw = new java.util.TreeMap<>();
        Map<String, Long> heapAfter = new java.util.TreeMap<>();
        for (String g : gateways) {
          heapAfterRaw.put(g, topology.heapBytes(g));
          topology.fullGc(g);
          heapAfter.put(g, topology.heapBytes(g));
        }
        fig.append("; gateway heap (MiB, after a full GC) before / largest sampled during the flood (no GC) / after (no GC) / after (full GC): ");
        for (String g : gateways) {
          fig.append(g).append(' ').append(mib(heapBefore.get(g))).append(" / ").append(mib(heapPeak.getOrDefault(g, -1L)))
              .append(" / ").append(mib(heapAfterRaw.get(g))).append(" / ").append(mib(heapAfter.get(g))).append(g.equals("gateway-1") ? ", " : "");
        }
        check(rawCode != null && rawCode == 4429, "the slow raw client was closed with " + rawCode + ", expected 4429");
        check(sockJs.sockJsClose != null && sockJs.sockJsClose.startsWith("c[3000,"), "the slow SockJS client got " + sockJs.sockJsClose + ", expected c[3000,...]");
        check(sockJsCode != null || sockJs.closed.isDone(), "the slow SockJS client's WebSocket was not closed");
        check(raw.messages.get() < G_MESSAGES && sockJs.messages.get() < G_MESSAGES, "a slow client received every message: it was not slowed enough");
      } finally {
        raw.close();
        sockJs.close();
      }
    }
  }

  /** Takes the reader's queued frames, keeping the seqs of the room's message events; how many frames it took. */
  static int drainInto(SocketClient reader, Predicate<JsonObject> ofRoom, Set<Long> seqs, long[] events) {
    List<JsonObject> frames = reader.drain();
    for (JsonObject f : frames) {
      if (ofRoom.test(f)) {
        events[0]++;
        seqs.add(f.getJsonObject("body").getJsonObject("message").getLong("seq"));
      }
    }
    return frames.size();
  }

  static String mib(Long bytes) {
    return bytes == null || bytes < 0 ? "?" : String.format("%.1f", bytes / 1048576.0);
  }

  // ---- h: 5,000 clients of a killed gateway reconnect --------------------------------------

  static final int H_CLIENTS = 5000;

  /**
   * 5,000 mostly idle generator clients (500 rooms of 10; each member sends one message every
   * 200 s) all on gateway-1: gateway-2 is stopped while they connect (nginx sends them all to
   * gateway-1), then started again. gateway-1 is killed (kill -9): every client comes back through
   * nginx to gateway-2 after its jittered backoff. gateway-2's WebSockets are sampled every 250 ms:
   * the peak connects/s is the largest rise over one second; full recovery is when it holds all
   * 5,000. The ledger must show nothing lost or duplicated and no client giving up.
   */
  void connectStorm(StringBuilder fig) throws Exception {
    topology.proc("gateway-2").stop();
    try (LoadRun gen = LoadRun.start(topology, "loadtest-h", List.of("fanout", "--url", "http://127.0.0.1:" + topology.nginxPort(),
        "--ops-url", "http://127.0.0.1:" + topology.opsPort("gateway-1"),
        "--rooms", String.valueOf(H_CLIENTS / 10), "--members", "10", "--rate", "0.005", "--warmup", "0",
        "--duration", "120", "--drain", "20", "--concurrency", "50", "--label", "chaos h"))) {
      long s0 = System.nanoTime();
      gen.awaitLog("step 1:", Duration.ofSeconds(600));
      fig.append(H_CLIENTS).append(" clients set up and connected through nginx to gateway-1 in ").append(secondsSince(s0)).append(" s");
      topology.proc("gateway-2").start();
      topology.awaitReady(List.of("gateway-2"), RESTART);
      long on1 = topology.webSockets("gateway-1");
      long on2 = topology.webSockets("gateway-2");
      fig.append("; before the kill: gateway-1 ").append(on1).append(", gateway-2 ").append(on2);
      check(on1 == H_CLIENTS, "gateway-1 holds " + on1 + " sockets, expected " + H_CLIENTS);

      topology.proc("gateway-1").kill9();
      long t0 = System.nanoTime();
      List<long[]> samples = new ArrayList<>(); // {ms since the kill, sockets on gateway-2}
      long full = -1;
      for (int i = 0; i < 480 && millisSince(t0) < 120_000; i++) {
        long now = topology.webSockets("gateway-2");
        samples.add(new long[] {millisSince(t0), now});
        if (now >= H_CLIENTS) {
          full = millisSince(t0);
          break;
        }
        Await.result(vertx.timer(250, TimeUnit.MILLISECONDS));
      }
      long peakRate = 0;
      long peakAt = 0;
      for (int i = 0; i < samples.size(); i++) {
        for (int j = i + 1; j < samples.size() && samples.get(j)[0] - samples.get(i)[0] <= 1000; j++) {
          long rise = samples.get(j)[1] - samples.get(i)[1];
          if (rise > peakRate) {
            peakRate = rise;
            peakAt = samples.get(i)[0];
          }
        }
      }
      StringBuilder curve = new StringBuilder(); // one sample every 2 s, and the last
      long bucket = -1;
      for (int i = 0; i < samples.size(); i++) {
        long[] sample = samples.get(i);
        if (sample[0] / 2000 != bucket || i == samples.size() - 1) {
          bucket = sample[0] / 2000;
          curve.append(' ').append(sample[0]).append("ms=").append(sample[1]);
        }
      }
      fig.append("; after kill -9 of gateway-1, gateway-2 held:").append(curve);
      fig.append("; peak ").append(peakRate).append(" connects/s (at ").append(peakAt).append(" ms)");
      fig.append(full < 0 ? "; NOT all back within 120 s" : "; all " + H_CLIENTS + " on gateway-2 " + full + " ms after the kill");
      JsonObject result = gen.await(Duration.ofSeconds(300));
      Ledger ledger = Ledger.of(result);
      ledger.describe(fig);
      check(full >= 0, "not every client was back on gateway-2 within 120 s");
      check(ledger.gaveUp == 0, ledger.gaveUp + " clients gave up reconnecting");
      check(ledger.reconnects == H_CLIENTS, ledger.reconnects + " reconnects, expected " + H_CLIENTS);
      check(ledger.lost == 0 && ledger.duplicated == 0, "lost " + ledger.lost + ", duplicated " + ledger.duplicated);
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

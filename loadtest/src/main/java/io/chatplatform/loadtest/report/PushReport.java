package io.chatplatform.loadtest.report;

import static io.chatplatform.loadtest.report.BenchReport.fmt;
import static io.chatplatform.loadtest.report.BenchReport.ms;

import io.chatplatform.loadtest.generator.ServerProbe;
import io.chatplatform.loadtest.report.BenchReport.Place;
import io.chatplatform.loadtest.report.BenchReport.Published;
import io.chatplatform.loadtest.report.BenchReport.Result;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The push part of the results section ({@code bin/bench push}): (a) pushes to offline members
 * ({@code push-offline}); (b) what the "who gets a push" decision costs where everyone is online and
 * acknowledges, from the pair of {@code push-online} runs with notification-service and without
 * it ({@code push-online-baseline}).
 */
final class PushReport {
  /**
   * Below this many bytes allocated per extra member and message, "nothing per member" holds
   * within what the reading resolves: jcmd prints a busy thread's allocation in whole MiB, so a
   * window of a few hundred messages and 90 extra members resolves a few hundred bytes.
   */
  static final double PER_MEMBER_BYTES_RESOLUTION = 1024;

  /** The push path's cost per message at one room size: with notification-service minus without. */
  record Cost(int roomSize, int rooms, double roomRate, long messages, double cpuWith, double cpuWithout, double cpuError,
              double bytesWith, double bytesWithout, long batches, long watermarkLists, long pushesDecided, long pushesAtStandIn,
              Double roomLookupMs, Double watermarkListMs, Map<String, double[]> pools) {
    double cpu() {
      return cpuWith - cpuWithout;
    }

    double bytes() {
      return bytesWith - bytesWithout;
    }
  }

  /** What one more member adds to the cost per message, between two room sizes; ± one standard error for the CPU. */
  record PerMember(int from, int to, double cpu, double cpuError, double bytes) {
    /** Within the noise of the CPU figure (two standard errors) and the allocation's resolution. */
    boolean nothing() {
      return cpu <= 2 * cpuError && bytes <= PER_MEMBER_BYTES_RESOLUTION;
    }
  }

  private PushReport() {}

  /** The costs by room size, from the runs with and without notification-service (steps matched by room size). */
  static List<Cost> costs(JsonObject with, JsonObject without) {
    Map<Integer, JsonObject> baseline = new HashMap<>();
    for (Object o : steps(without)) {
      JsonObject s = (JsonObject) o;
      baseline.put(s.getInteger("roomSize"), s);
    }
    List<Cost> costs = new ArrayList<>();
    for (Object o : steps(with)) {
      JsonObject a = (JsonObject) o;
      JsonObject b = baseline.get(a.getInteger("roomSize"));
      if (b == null || cpu(a) == null || cpu(b) == null || threads(a) == null || threads(b) == null) {
        continue;
      }
      JsonObject push = a.getJsonObject("push", new JsonObject());
      costs.add(new Cost(a.getInteger("roomSize"), a.getInteger("rooms"), a.getDouble("roomRate"),
          a.getJsonObject("messages").getLong("sent"), cpu(a).getDouble("cpuMicrosPerMessage"), cpu(b).getDouble("cpuMicrosPerMessage"),
          Math.hypot(standardError(a), standardError(b)),
          threads(a).getLong("allocatedBytesPerMessage"), threads(b).getLong("allocatedBytesPerMessage"),
          push.getLong("roomBatchesDecided", 0L), push.getLong("watermarkLists", 0L), push.getLong("pushesDecided", 0L),
          push.getLong("pushesAtStandIn", 0L) + b.getJsonObject("push", new JsonObject()).getLong("pushesAtStandIn", 0L),
          push.getDouble("roomLookupMeanMs"), push.getDouble("watermarkListMeanMs"), poolDifferences(a, b)));
    }
    costs.sort(Comparator.comparingInt(Cost::roomSize).reversed());
    return costs;
  }

  /** Between the largest and the smallest room size measured; empty with fewer than two sizes. */
  static Optional<PerMember> perMember(List<Cost> costs) {
    if (costs.size() < 2) {
      return Optional.empty();
    }
    Cost large = costs.get(0);
    Cost small = costs.get(costs.size() - 1);
    int members = large.roomSize() - small.roomSize();
    return Optional.of(new PerMember(small.roomSize(), large.roomSize(), (large.cpu() - small.cpu()) / members,
        Math.hypot(large.cpuError(), small.cpuError()) / members, (large.bytes() - small.bytes()) / members));
  }

  static void summaryRow(StringBuilder md, Map<Result, Published> results) {
    Published with = results.get(Result.PUSH_ONLINE);
    Published without = results.get(Result.PUSH_ONLINE_BASELINE);
    String figure = "| push decision where everyone is online and acknowledges: cost per member per message | nothing per member | ";
    if (with == null || !with.ok() || without == null || !without.ok()) {
      md.append(figure).append(BenchReport.missing(with == null || !with.ok() ? with : without)).append(" | — |\n");
      return;
    }
    Optional<PerMember> perMember = perMember(costs(with.json(), without.json()));
    if (perMember.isEmpty()) {
      md.append(figure).append("fewer than two room sizes measured | — |\n");
      return;
    }
    PerMember p = perMember.get();
    md.append(figure).append(micros(p.cpu())).append(" ± ").append(micros(p.cpuError())).append(" CPU and ").append(fmt(p.bytes()))
        .append(" B allocated per member (rooms of ").append(p.from()).append(" → ").append(p.to()).append(") | ")
        .append(BenchReport.verdict(p.nothing())).append(" |\n");
  }

  static void section(StringBuilder md, Map<Result, Published> results, Place place) {
    md.append("### Push notifications\n\n");
    offline(md, results.get(Result.PUSH_OFFLINE), place);
    online(md, results.get(Result.PUSH_ONLINE), results.get(Result.PUSH_ONLINE_BASELINE), place);
  }

  private static void offline(StringBuilder md, Published published, Place place) {
    JsonObject json = BenchReport.open(md, "#### Pushes to offline members", published, Result.PUSH_OFFLINE, place);
    if (json == null) {
      return;
    }
    JsonObject p = json.getJsonObject("parameters");
    JsonObject f = json.getJsonObject("figures");
    JsonObject pushes = f.getJsonObject("pushes");
    JsonObject cpu = f.getJsonObject("serverCpu", new JsonObject());
    JsonObject threads = f.getJsonObject("serverThreads", new JsonObject());
    JsonObject ledger = f.getJsonObject("ledger");
    md.append(p.getInteger("rooms")).append(" rooms, each with one sender (a socket) posting ").append(fmt(p.getDouble("roomRate")))
        .append(" msgs/s and ").append(p.getInteger("offlineMembersPerRoom")).append(" offline members (no socket) with one Web Push "
            + "device each at the generator's stand-in: every member is pushed every batch of its room. Server with `PUSH_DELAY_MS=")
        .append(f.getLong("pushDelayMs")).append("` (production: 10000), `PUSH_POLL_MS` 1000. Warmup ")
        .append(fmt(p.getDouble("warmupSeconds"))).append(" s, then ").append(fmt(p.getDouble("durationSeconds")))
        .append(" s measured. *Decided*: the server's `chat_push_sent_total` (every result); *sent*: accepted (201) by the stand-in, "
            + "which verifies each VAPID token and decrypts every push. Delays from the intended send time of the newest message a "
            + "push carries (its preview) and of the oldest it covers, to the push's arrival.\n\n");
    md.append("| messages/s | room batches decided/s | pushes decided/s | pushes sent/s | messages per push | newest → push p50 | p95 | p99 "
        + "| oldest → push p50 | p95 | p99 | server cores busy | server CPU µs per push (JIT aside) | allocated per push | lost | duplicated |\n"
        + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    JsonObject newest = f.getJsonObject("latencyFromNewestMs", new JsonObject());
    JsonObject oldest = f.getJsonObject("latencyFromOldestMs", new JsonObject());
    md.append("| ").append(fmt(f.getJsonObject("messages").getDouble("perSec")))
        .append(" | ").append(fmt(pushes.getDouble("roomBatchesDecidedPerSec", 0.0)))
        .append(" | ").append(fmt(pushes.getDouble("decidedPerSec", 0.0)))
        .append(" | **").append(fmt(pushes.getDouble("sentPerSec"))).append("**")
        .append(" | ").append(fmt(pushes.getDouble("messagesPerPush")))
        .append(" | ").append(latency(newest, "p50")).append(" | ").append(latency(newest, "p95")).append(" | ").append(latency(newest, "p99"))
        .append(" | ").append(latency(oldest, "p50")).append(" | ").append(latency(oldest, "p95")).append(" | ").append(latency(oldest, "p99"))
        .append(" | ").append(cpu.isEmpty() ? "—" : fmt(cpu.getDouble("coresBusy")))
        .append(" | ").append(cpu.isEmpty() ? "—" : fmt(cpu.getDouble("cpuMicrosPerPush")) + " ("
            + fmt(cpu.getJsonObject("withoutJit", new JsonObject()).getDouble("cpuMicrosPerPush", 0.0)) + ")")
        .append(" | ").append(threads.isEmpty() ? "—" : BenchReport.bytes(threads.getLong("allocatedBytesPerPush")))
        .append(" | ").append(fmt(ledger.getLong("lost"))).append(" | ").append(fmt(ledger.getLong("duplicated"))).append(" |\n\n");
    List<String> notes = new ArrayList<>();
    notes.add("every (member, message) pair owed was checked after the drain: " + fmt(ledger.getLong("owed")) + " owed");
    JsonObject refused = f.getJsonObject("standInRefused", new JsonObject());
    notes.add("stand-in refusals: " + BenchReport.errors(refused));
    JsonObject results = pushes.getJsonObject("resultsAtServer", new JsonObject());
    notes.add("outcomes at the server: " + BenchReport.errors(results));
    if (!threads.isEmpty()) {
      notes.add("server CPU by thread pool over the window: " + pools(threads, 5));
    }
    JsonObject generator = f.getJsonObject("generatorCpu");
    if (generator != null) {
      notes.add("the generator (decrypting every push) took " + fmt(generator.getDouble("coresBusy")) + " cores");
    }
    md.append(String.join("; ", notes)).append(".\n\n");
    BenchReport.notes(md, json);
  }

  private static void online(StringBuilder md, Published with, Published without, Place place) {
    md.append("#### Everyone online and acknowledging: what deciding \"nobody\" costs\n\n");
    if (!BenchReport.present(md, with, "push") | !BenchReport.present(md, without, "push")) {
      return;
    }
    BenchReport.provenance(md, with.json(), Result.PUSH_ONLINE, place);
    BenchReport.provenance(md, without.json(), Result.PUSH_ONLINE_BASELINE, place);
    JsonObject p = with.json().getJsonObject("parameters");
    md.append("Rooms of each size, every member connected, with a Web Push device, and answering every message of others with a "
        + "`delivered` receipt; members take turns sending ").append(fmt(p.getDouble("roomRate"))).append(" msgs/s into each room. "
        + "The same run against the platform without notification-service (`EMBEDDED_NOTIFICATION_SERVICE=false`); the difference "
        + "is the push path: the notice per message, its batch, the poll, the claim, the room and who-is-behind look-ups, the decision. "
        + "Server with `PUSH_DELAY_MS=").append(with.json().getJsonObject("figures").getLong("pushDelayMs"))
        .append("` and `PUSH_POLL_MS` 1000: under the gap between a room's messages, so every message is decided on its own, as in "
            + "any room quieter than one message per 10 s in production (in a busier room one decision covers several messages). "
            + "CPU without the JIT's threads (compilers and code sweeper: a fresh JVM's one-off work, still most of the CPU minutes "
            + "after start at this load), ± the standard error over slices of the window; allocation from the threads' own counters (`jcmd Thread.print "
            + "-e`). Per message sent in the window (").append(fmt(p.getDouble("durationSeconds"))).append(" s after ")
        .append(fmt(p.getDouble("warmupSeconds"))).append(" s of warmup). The look-ups' mean times are the server's own timers of its "
            + "requests to chat-service (the room) and history-service (who is behind, from its delivered index), one of each per decision, "
            + "two when the index is rebuilt (after a membership change).\n\n");
    List<Cost> costs = costs(with.json(), without.json());
    md.append("| room size | rooms | messages | batches decided | who-is-behind requests | room look-up, mean | who-is-behind, mean | pushes "
        + "| CPU µs/message with | without | push path | allocated/message with | without | push path |\n"
        + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Cost c : costs) {
      md.append("| ").append(c.roomSize()).append(" | ").append(c.rooms()).append(" | ").append(fmt(c.messages())).append(" | ")
          .append(fmt(c.batches())).append(" | ").append(fmt(c.watermarkLists())).append(" | ").append(optionalMs(c.roomLookupMs()))
          .append(" | ").append(optionalMs(c.watermarkListMs())).append(" | ").append(fmt(c.pushesDecided() + c.pushesAtStandIn()))
          .append(" | ").append(fmt(c.cpuWith())).append(" | ").append(fmt(c.cpuWithout())).append(" | **").append(fmt(c.cpu()))
          .append(" ± ").append(fmt(c.cpuError())).append("** | ").append(kib(c.bytesWith())).append(" | ").append(kib(c.bytesWithout()))
          .append(" | **").append(kib(c.bytes())).append("** |\n");
    }
    md.append('\n');
    Optional<PerMember> perMember = perMember(costs);
    if (perMember.isPresent()) {
      PerMember m = perMember.get();
      md.append("Per member, from rooms of ").append(m.from()).append(" to rooms of ").append(m.to()).append(": **")
          .append(micros(m.cpu())).append(" ± ").append(micros(m.cpuError())).append(" CPU and ").append(fmt(m.bytes()))
          .append(" bytes allocated per member per message**. ")
          .append(m.nothing()
              ? "\"Nothing per member for members who are online and acknowledge\" holds within what this measures."
              : "\"Nothing per member for members who are online and acknowledge\" does **not** hold: each decision still does "
                  + "work for every member of the room.")
          .append('\n');
    }
    if (!costs.isEmpty() && !costs.get(0).pools().isEmpty()) {
      Cost largest = costs.get(0);
      md.append("\nWhere the push path's difference goes in rooms of ").append(largest.roomSize())
          .append(", per message, by server thread pool (CPU, allocation): ").append(poolDifferences(largest)).append(".\n");
    }
    md.append('\n');
    BenchReport.notes(md, with.json());
    BenchReport.notes(md, without.json());
  }

  private static JsonArray steps(JsonObject json) {
    return json.getJsonObject("figures", new JsonObject()).getJsonArray("steps", new JsonArray());
  }

  private static JsonObject cpu(JsonObject step) {
    JsonObject cpu = step.getJsonObject("serverCpu");
    return cpu == null ? null : cpu.getJsonObject("withoutJit");
  }

  private static double standardError(JsonObject step) {
    return cpu(step).getJsonObject("slices", new JsonObject()).getDouble("standardError", 0.0);
  }

  /** The step's thread readings per message; null without them (or without a message to divide by). */
  private static JsonObject threads(JsonObject step) {
    JsonObject threads = step.getJsonObject("serverThreads");
    return threads == null || !threads.containsKey("allocatedBytesPerMessage") ? null : threads;
  }

  /** Pool → {CPU µs, bytes} per message, with minus without. */
  private static Map<String, double[]> poolDifferences(JsonObject with, JsonObject without) {
    Map<String, double[]> pools = new HashMap<>();
    addPools(pools, with, 1);
    addPools(pools, without, -1);
    return pools;
  }

  private static void addPools(Map<String, double[]> pools, JsonObject step, int sign) {
    long messages = Math.max(1, step.getJsonObject("messages").getLong("sent"));
    for (Object o : threads(step).getJsonArray("byPool", new JsonArray())) {
      JsonObject pool = (JsonObject) o;
      // Pool names from an older result may still carry run-specific numbers: the same normalization again.
      double[] sum = pools.computeIfAbsent(ServerProbe.poolOf(pool.getString("threads")), k -> new double[2]);
      sum[0] += sign * pool.getDouble("cpuMillis") * 1000 / messages;
      sum[1] += sign * pool.getLong("allocatedBytes") / (double) messages;
    }
  }

  /** The pools whose CPU or allocation differs most, compiler threads aside. */
  private static String poolDifferences(Cost cost) {
    List<String> parts = new ArrayList<>();
    cost.pools().entrySet().stream()
        .filter(e -> !e.getKey().contains("CompilerThread") && !e.getKey().equals("Sweeper thread") && !e.getKey().equals("other"))
        .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> Math.abs(e.getValue()[0])).reversed())
        .limit(5)
        .forEach(e -> parts.add("`" + e.getKey() + "` " + signed(e.getValue()[0]) + " µs, " + kib(e.getValue()[1])));
    return String.join("; ", parts);
  }

  /** The busiest pools of one window: name, CPU seconds, allocation. */
  private static String pools(JsonObject threads, int limit) {
    List<String> parts = new ArrayList<>();
    JsonArray byPool = threads.getJsonArray("byPool", new JsonArray());
    for (int i = 0; i < Math.min(limit, byPool.size()); i++) {
      JsonObject pool = byPool.getJsonObject(i);
      parts.add("`" + pool.getString("threads") + "` " + fmt(pool.getDouble("cpuMillis") / 1000) + " s, "
          + BenchReport.mib(pool.getLong("allocatedBytes")));
    }
    return String.join(", ", parts);
  }

  private static String latency(JsonObject summary, String percentile) {
    Double value = summary.getDouble(percentile);
    return value == null ? "—" : ms(value);
  }

  private static String optionalMs(Double value) {
    return value == null ? "—" : ms(value);
  }

  private static String micros(double value) {
    return fmt(value) + " µs";
  }

  private static String signed(double value) {
    return (value >= 0 ? "+" : "−") + fmt(Math.abs(value));
  }

  private static String kib(double bytes) {
    return (bytes < 0 ? "−" : "") + String.format(Locale.ROOT, "%,.1f KiB", Math.abs(bytes) / 1024);
  }
}

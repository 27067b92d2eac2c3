package io.chatplatform.loadtest.report;

import static io.chatplatform.loadtest.report.BenchReport.fmt;

import io.chatplatform.loadtest.generator.ServerProbe;
import io.chatplatform.loadtest.report.BenchReport.Published;
import io.chatplatform.loadtest.report.BenchReport.Result;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The efficiency part per stored message (issue 18): the server's CPU and allocation per message
 * stored (acknowledged) in the window, platform and relay, against the targets "CPU beyond the
 * relay's ≤ 300 µs" and "allocation ≤ 20 KB", and by thread pool. The allocation comes from the
 * step's {@code serverThreads} (the threads' own counters, {@code jcmd Thread.print -e}); results
 * written before the generator took those readings have none and say "not measured".
 */
final class MessageCostReport {
  /** CPU per stored message the platform may spend beyond the relay's: at 100 members, the 1.3 × target per delivery. */
  static final double CPU_BEYOND_RELAY_TARGET_MICROS = 300;
  static final long ALLOCATION_TARGET_BYTES = 20_000;
  private static final String NOT_MEASURED = "not measured";
  /** The JIT compilers' threads: a fresh JVM's one-off work, the more of it the more code the server runs. */
  private static final Pattern JIT = Pattern.compile("C1 CompilerThread|C2 CompilerThread|Sweeper thread");
  /**
   * The embedded store's own server threads (mongo-java-server's workers, H2's writers): in a
   * deployment that work is MongoDB's, in its own process; the driver's threads stay the platform's.
   */
  private static final Pattern EMBEDDED_STORE_SERVER = Pattern.compile("mongo-server-worker|H2-.*|MVStore.*");
  private static final double KIB = 1024;

  /** One server's figures per stored message from its efficiency step; null fields where the result has none. */
  private record Cost(JsonObject step, Double cpuMicros, JsonObject threads) {
    static Cost of(Published published) {
      JsonObject step = published == null || !published.ok() ? null : BenchReport.firstStep(published.json());
      if (step == null) {
        return new Cost(null, null, null);
      }
      JsonObject cpu = step.getJsonObject("serverCpu");
      return new Cost(step, cpu == null ? null : cpu.getDouble("cpuMicrosPerMessage"), step.getJsonObject("serverThreads"));
    }

    Long allocatedBytes() {
      return threads == null ? null : threads.getLong("allocatedBytesPerMessage");
    }
  }

  private MessageCostReport() {}

  static void summaryRows(StringBuilder md, Map<Result, Published> results) {
    Published platformResult = results.get(Result.EFFICIENCY_PLATFORM);
    Published relayResult = results.get(Result.EFFICIENCY_RELAY);
    Cost platform = Cost.of(platformResult);
    Cost relay = Cost.of(relayResult);
    md.append("| CPU per stored message beyond the relay | ≤ ").append(fmt(CPU_BEYOND_RELAY_TARGET_MICROS)).append(" µs | ");
    if (platform.cpuMicros() != null && relay.cpuMicros() != null) {
      double beyond = platform.cpuMicros() - relay.cpuMicros();
      md.append(fmt(beyond)).append(" µs (platform ").append(fmt(platform.cpuMicros())).append(" − relay ")
          .append(fmt(relay.cpuMicros())).append(") | ").append(BenchReport.verdict(beyond <= CPU_BEYOND_RELAY_TARGET_MICROS)).append(" |\n");
    } else {
      md.append(missing(platformResult, relayResult)).append(" | — |\n");
    }
    md.append("| allocation per stored message | ≤ 20 KB (").append(fmt(ALLOCATION_TARGET_BYTES)).append(" B) | ");
    if (platform.allocatedBytes() != null) {
      md.append(BenchReport.bytes(platform.allocatedBytes())).append(" | ")
          .append(BenchReport.verdict(platform.allocatedBytes() <= ALLOCATION_TARGET_BYTES)).append(" |\n");
    } else {
      md.append(platformResult != null && platformResult.ok() ? NOT_MEASURED : BenchReport.missing(platformResult)).append(" | — |\n");
    }
  }

  /** The efficiency section's part per stored message; both results are present. */
  static void section(StringBuilder md, Published platformResult, Published relayResult) {
    Cost platform = Cost.of(platformResult);
    Cost relay = Cost.of(relayResult);
    md.append("#### Per stored message\n\n");
    md.append("The same two runs, per message stored (acknowledged with its `seq`). CPU: the server's, from `/proc` over the "
        + "window as above, divided by the window's stored messages. Allocation: the bytes the server's threads allocated by "
        + "their own counters (`jcmd <pid> Thread.print -e`, read a few seconds before the window and after its drain, so that "
        + "jcmd does not compete with the measured messages), divided by the messages stored between the two readings.\n\n");
    md.append("| server | stored messages | deliveries per message | CPU µs per stored message | allocated per stored message "
        + "| allocated per delivery |\n|---|---|---|---|---|---|\n");
    row(md, "platform", platform);
    row(md, "relay", relay);
    md.append('\n');
    if (platform.cpuMicros() != null && relay.cpuMicros() != null) {
      double beyond = platform.cpuMicros() - relay.cpuMicros();
      md.append("Platform − relay: **").append(fmt(beyond)).append(" µs CPU per stored message** (target ≤ ")
          .append(fmt(CPU_BEYOND_RELAY_TARGET_MICROS)).append(" µs): ")
          .append(BenchReport.verdict(beyond <= CPU_BEYOND_RELAY_TARGET_MICROS)).append(".\n");
    } else {
      md.append("Platform − relay, CPU per stored message: not measured (a result without the server's CPU).\n");
    }
    Long bytes = platform.allocatedBytes();
    if (bytes != null) {
      md.append("Allocation per stored message: **").append(fmt(bytes)).append(" B** (target ≤ 20 KB, ")
          .append(fmt(ALLOCATION_TARGET_BYTES)).append(" B): ").append(BenchReport.verdict(bytes <= ALLOCATION_TARGET_BYTES));
      if (relay.allocatedBytes() != null) {
        md.append("; the relay's: ").append(fmt(relay.allocatedBytes())).append(" B, so the platform's is ")
            .append(fmt(bytes - relay.allocatedBytes())).append(" B beyond it");
      }
      md.append(".\n");
    } else {
      md.append("Allocation per stored message: not measured (the result has no readings of the server's threads: written "
          + "before the generator took them, or jcmd failed).\n");
    }
    md.append('\n');
    decomposition(md, platform, relay);
    pools(md, platform, relay);
  }

  /**
   * The gap by what it is made of, from the threads' own counters: the JIT compilers on each side,
   * and the embedded store's server threads, which a deployment runs in MongoDB's process. Reported
   * beside the verdict, not instead of it.
   */
  private static void decomposition(StringBuilder md, Cost platform, Cost relay) {
    if (platform.threads() == null || relay.threads() == null) {
      return;
    }
    Map<String, JsonObject> platformPools = byPool(platform);
    Map<String, JsonObject> relayPools = byPool(relay);
    double platformAll = platform.threads().getDouble("cpuMicrosPerMessage", 0.0);
    double relayAll = relay.threads().getDouble("cpuMicrosPerMessage", 0.0);
    double platformJit = cpu(platformPools, JIT);
    double relayJit = cpu(relayPools, JIT);
    double store = cpu(platformPools, EMBEDDED_STORE_SERVER);
    double withoutJit = (platformAll - platformJit) - (relayAll - relayJit);
    md.append("What the gap is made of, by the threads' own counters (their CPU: platform ").append(fmt(platformAll))
        .append(" µs, relay ").append(fmt(relayAll)).append(" µs per stored message): the JIT compilers took ")
        .append(fmt(platformJit)).append(" µs of the platform's and ").append(fmt(relayJit))
        .append(" µs of the relay's (a fresh JVM's one-off work, more for more code); the embedded store's own server threads ")
        .append("(`mongo-server-worker`, H2), which a deployment runs in MongoDB's process, took ").append(fmt(store))
        .append(" µs. Platform − relay with the JIT aside: **").append(fmt(withoutJit))
        .append(" µs**; with the embedded store's server aside too (what the platform's own process spends beyond the relay, "
            + "MongoDB's driver included): **").append(fmt(withoutJit - store)).append(" µs**.\n\n");
  }

  private static double cpu(Map<String, JsonObject> pools, Pattern names) {
    return pools.entrySet().stream().filter(e -> names.matcher(e.getKey()).matches())
        .mapToDouble(e -> e.getValue().getDouble("cpuMicrosPerMessage", 0.0)).sum();
  }

  private static void row(StringBuilder md, String name, Cost cost) {
    JsonObject s = cost.step();
    if (s == null) {
      md.append("| ").append(name).append(" | no step | | | | |\n");
      return;
    }
    long stored = s.getJsonObject("messages").getLong("acked");
    long delivered = s.getJsonObject("deliveries").getLong("received");
    md.append("| ").append(name).append(" | ").append(fmt(stored)).append(" | ")
        .append(stored == 0 ? "—" : fmt(delivered / (double) stored)).append(" | ")
        .append(cost.cpuMicros() == null ? NOT_MEASURED : fmt(cost.cpuMicros())).append(" | ")
        .append(cost.allocatedBytes() == null ? NOT_MEASURED : BenchReport.bytes(cost.allocatedBytes())).append(" | ")
        .append(cost.threads() == null || !cost.threads().containsKey("allocatedBytesPerDelivery") ? NOT_MEASURED
            : fmt(cost.threads().getLong("allocatedBytesPerDelivery")) + " B").append(" |\n");
  }

  /** CPU µs and KiB allocated per stored message by server thread pool, the platform's pools first, the relay's beside. */
  private static void pools(StringBuilder md, Cost platform, Cost relay) {
    Map<String, JsonObject> platformPools = byPool(platform);
    Map<String, JsonObject> relayPools = byPool(relay);
    if (platformPools.isEmpty() && relayPools.isEmpty()) {
      return;
    }
    md.append("By server thread pool, per stored message: each pool's threads' own CPU and allocation between the two readings "
        + "(the JIT compilers' and the garbage collector's threads included; the busiest pools by CPU, the rest as `other`).\n\n");
    md.append("| thread pool | platform CPU µs | platform KiB allocated | relay CPU µs | relay KiB allocated |\n|---|---|---|---|---|\n");
    Map<String, JsonObject> rows = new LinkedHashMap<>(platformPools);
    relayPools.keySet().forEach(pool -> rows.putIfAbsent(pool, null));
    for (String pool : rows.keySet()) {
      md.append("| `").append(pool).append("` | ").append(poolCells(platformPools.get(pool))).append(" | ")
          .append(poolCells(relayPools.get(pool))).append(" |\n");
    }
    md.append('\n');
  }

  private static Map<String, JsonObject> byPool(Cost cost) {
    Map<String, JsonObject> pools = new LinkedHashMap<>();
    if (cost.threads() != null) {
      for (Object o : cost.threads().getJsonArray("byPool", new JsonArray())) {
        JsonObject pool = (JsonObject) o;
        pools.put(ServerProbe.poolOf(pool.getString("threads")), pool);
      }
    }
    return pools;
  }

  private static String poolCells(JsonObject pool) {
    if (pool == null) {
      return "— | —";
    }
    return fmt(pool.getDouble("cpuMicrosPerMessage", 0.0)) + " | " + kib(pool.getLong("allocatedBytesPerMessage", 0L));
  }

  /** The step table's cell: KiB the server allocated per stored message in that step, or "—" without thread readings. */
  static String allocatedKibPerMessage(JsonObject step) {
    JsonObject threads = step.getJsonObject("serverThreads");
    return threads == null || !threads.containsKey("allocatedBytesPerMessage") ? "—" : kib(threads.getLong("allocatedBytesPerMessage"));
  }

  private static String kib(long bytes) {
    return String.format(Locale.ROOT, "%,.1f", bytes / KIB);
  }

  /** Why a figure of the pair is missing: the first result that is absent or failed, else "not measured". */
  private static String missing(Published platform, Published relay) {
    if (platform == null || !platform.ok()) {
      return BenchReport.missing(platform);
    }
    if (relay == null || !relay.ok()) {
      return BenchReport.missing(relay);
    }
    return NOT_MEASURED;
  }
}

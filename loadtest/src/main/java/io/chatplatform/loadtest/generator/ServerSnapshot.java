package io.chatplatform.loadtest.generator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the generator reads of the server (and of itself) at one instant of a measured window: the
 * server's CPU time from /proc, its {@code /metrics}, optionally its threads' CPU and allocation
 * (jcmd), and the generator's own CPU. Two snapshots make a window's figures.
 */
record ServerSnapshot(
    long nanos, OptionalLong serverCpuTicks, OptionalLong serverCpuTicksWithoutJit, OptionalLong ownCpuTicks,
    Optional<ServerMetrics> metrics, Optional<Map<String, ServerProbe.ThreadUse>> threads) {
  /**
   * Thread pools shown by name in a window's figures; the rest are summed as "other". Enough for
   * every pool of these servers (about 15), so that the report can name the JIT's and the embedded
   * store's pools whatever their rank.
   */
  private static final int TOP_THREAD_GROUPS = 20;

  /** Blocking (an HTTP request, a jcmd run): from the orchestrating thread only. */
  static ServerSnapshot take(ServerProbe probe, boolean withThreads) throws InterruptedException {
    long nanos = System.nanoTime();
    OptionalLong cpu = probe.cpuTicks();
    OptionalLong withoutJit = probe.cpuTicksWithoutJit();
    OptionalLong own = ServerProbe.ownCpuTicks();
    Optional<ServerMetrics> metrics = probe.metrics();
    Optional<Map<String, ServerProbe.ThreadUse>> threads = withThreads ? probe.threads() : Optional.empty();
    return new ServerSnapshot(nanos, cpu, withoutJit, own, metrics, threads);
  }

  /**
   * The server's threads only (no CPU from /proc, no /metrics scrape), stamped when jcmd returned;
   * empty threads without a pid or when jcmd fails. Blocking, like {@link #take}.
   */
  static ServerSnapshot threadsOnly(ServerProbe probe) throws InterruptedException {
    Optional<Map<String, ServerProbe.ThreadUse>> threads = probe.threads();
    return new ServerSnapshot(System.nanoTime(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), Optional.empty(),
        threads);
  }

  double secondsUntil(ServerSnapshot later) {
    return (later.nanos - nanos) / 1e9;
  }

  ServerProbe.CpuUsage serverCpu(ServerProbe probe, ServerSnapshot later) {
    return probe.usage(serverCpuTicks, later.serverCpuTicks, secondsUntil(later));
  }

  /** The server's CPU but its JIT compiler threads' (see {@link ServerProbe#cpuTicksWithoutJit}). */
  ServerProbe.CpuUsage serverCpuWithoutJit(ServerProbe probe, ServerSnapshot later) {
    return probe.usage(serverCpuTicksWithoutJit, later.serverCpuTicksWithoutJit, secondsUntil(later));
  }

  ServerProbe.CpuUsage ownCpu(ServerProbe probe, ServerSnapshot later) {
    return probe.usage(ownCpuTicks, later.ownCpuTicks, secondsUntil(later));
  }

  /** How much a metric (a sum over samples, see {@link ServerMetrics#sum}) grew; null when either scrape failed. */
  Double growth(ServerSnapshot later, String name, String... labels) {
    if (metrics.isEmpty() || later.metrics.isEmpty()) {
      return null;
    }
    return later.metrics.get().sum(name, labels) - metrics.get().sum(name, labels);
  }

  /**
   * The server's threads between the two snapshots: bytes allocated and CPU milliseconds in total
   * and by pool (the busiest {@value #TOP_THREAD_GROUPS} by CPU); null without thread readings. A
   * thread that ended in between is missing; one that started counts from zero.
   */
  JsonObject threadGrowth(ServerSnapshot later) {
    if (threads.isEmpty() || later.threads.isEmpty()) {
      return null;
    }
    Map<String, double[]> byGroup = new HashMap<>();
    double cpuMillis = 0;
    long allocated = 0;
    for (Map.Entry<String, ServerProbe.ThreadUse> entry : later.threads.get().entrySet()) {
      ServerProbe.ThreadUse now = entry.getValue();
      ServerProbe.ThreadUse then = threads.get().get(entry.getKey());
      double cpu = now.cpuMillis() - (then == null ? 0 : then.cpuMillis());
      long bytes = now.allocatedBytes() - (then == null ? 0 : then.allocatedBytes());
      cpuMillis += cpu;
      allocated += bytes;
      double[] group = byGroup.computeIfAbsent(now.group(), g -> new double[2]);
      group[0] += cpu;
      group[1] += bytes;
    }
    List<Map.Entry<String, double[]>> ranked = byGroup.entrySet().stream()
        .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> e.getValue()[0]).reversed()).toList();
    JsonArray groups = new JsonArray();
    double[] other = new double[2];
    for (int i = 0; i < ranked.size(); i++) {
      double[] g = ranked.get(i).getValue();
      if (i < TOP_THREAD_GROUPS) {
        groups.add(new JsonObject().put("threads", ranked.get(i).getKey()).put("cpuMillis", StepResult.round(g[0]))
            .put("allocatedBytes", (long) g[1]));
      } else {
        other[0] += g[0];
        other[1] += g[1];
      }
    }
    if (other[0] > 0 || other[1] > 0) {
      groups.add(new JsonObject().put("threads", "other").put("cpuMillis", StepResult.round(other[0])).put("allocatedBytes", (long) other[1]));
    }
    return new JsonObject().put("cpuMillis", StepResult.round(cpuMillis)).put("allocatedBytes", allocated).put("byPool", groups);
  }

  /**
   * Adds to a {@link #threadGrowth} its CPU µs and bytes allocated per message ({@code messages}
   * over the same span), in total and for each pool; returns it.
   */
  static JsonObject perMessage(JsonObject growth, long messages) {
    addPerMessage(growth, messages);
    growth.getJsonArray("byPool", new JsonArray()).forEach(pool -> addPerMessage((JsonObject) pool, messages));
    return growth;
  }

  private static void addPerMessage(JsonObject figures, long messages) {
    if (messages == 0) {
      // Nothing stored in the span: no per-message figure, which the report shows as not measured (not as 0, a pass).
      return;
    }
    figures.put("allocatedBytesPerMessage", figures.getLong("allocatedBytes") / messages)
        .put("cpuMicrosPerMessage", StepResult.round(figures.getDouble("cpuMillis") * 1000 / messages));
  }
}

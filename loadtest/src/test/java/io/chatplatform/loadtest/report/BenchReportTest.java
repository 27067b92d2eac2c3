package io.chatplatform.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.loadtest.Cli;
import io.chatplatform.loadtest.LoadTestMain;
import io.chatplatform.loadtest.Options;
import io.chatplatform.loadtest.generator.DeliveryLedger;
import io.chatplatform.loadtest.generator.LatencyRecorder;
import io.chatplatform.loadtest.generator.RunResult;
import io.chatplatform.loadtest.generator.ServerProbe;
import io.chatplatform.loadtest.generator.StepResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {
  private static final String DOC = """
      # Benchmarks

      Hand-written text before.

      <!-- results:begin -->
      old figures
      <!-- results:end -->

      ## Optimizations: before and after

      Hand-written text after.
      """;

  /** A step: rate per member, p99 delivery (ms), lost deliveries; 1000 members in rooms of 100. */
  private static StepResult step(int index, double rate, double p99, long lost, double serverCpuSeconds) {
    long sent = Math.round(rate * 1000 * 20);
    long expected = sent * 100;
    LatencyRecorder.Summary delivery = new LatencyRecorder.Summary(expected - lost, p99 / 4, p99 / 2, p99, p99 * 1.5, p99 * 2, p99 / 3);
    LatencyRecorder.Summary ack = new LatencyRecorder.Summary(sent, 1, 2, p99 / 2, p99, p99, 1);
    return new StepResult(index, rate, 20, 0, sent, sent, 0, 0, expected, new DeliveryLedger.Totals(expected, expected - lost, 0, 0), 0,
        ack, delivery, new LatencyRecorder.Summary(sent, 0.5, 0.8, 1.2, 3, 4, 0.6), lost > 0 ? Map.of("close.4429", 3L) : Map.of(),
        new ServerProbe.CpuUsage(serverCpuSeconds, 25, 100), new ServerProbe.CpuUsage(10, 25, 100));
  }

  private static void write(Path dir, String name, Options options, List<StepResult> steps, JsonObject figures) throws Exception {
    JsonObject json = new RunResult(options, new JsonObject(), steps, figures, Map.of()).toJson().put("writtenAt", "2026-11-27T23:30:00Z");
    Files.writeString(dir.resolve(name + ".json"), json.encodePrettily());
    if (steps.size() > 1) {
      Files.writeString(dir.resolve(name + ".svg"), SvgChart.forSteps("t", steps));
    }
  }

  private static Options fanout(String label, String steps) {
    return Cli.parse("fanout", "--rooms", "10", "--members", "100", "--steps", steps, "--warmup", "15", "--duration", "20",
        "--server-pid", "42", "--label", label);
  }

  /**
   * Adds the server's thread readings to a single-step result as the generator writes them: per stored
   * message in total and by pool (an event-loop pool and a compiler pool; the relay has no compiler
   * pool here). Results written before the generator took thread readings have none.
   */
  private static void withThreads(Path file, long bytesPerMessage, double eventLoopMicrosPerMessage, long eventLoopBytesPerMessage,
      boolean compiler) throws Exception {
    JsonObject json = new JsonObject(Files.readString(file));
    JsonObject step = json.getJsonArray("steps").getJsonObject(0);
    long messages = step.getJsonObject("messages").getLong("acked");
    JsonArray pools = new JsonArray().add(new JsonObject().put("threads", "vert.x-eventloop-thread")
        .put("cpuMillis", eventLoopMicrosPerMessage * messages / 1000).put("allocatedBytes", eventLoopBytesPerMessage * messages)
        .put("cpuMicrosPerMessage", eventLoopMicrosPerMessage).put("allocatedBytesPerMessage", eventLoopBytesPerMessage));
    double threadsMicros = eventLoopMicrosPerMessage;
    if (compiler) {
      // The platform's: a compiler pool and the embedded store's server pool.
      pools.add(new JsonObject().put("threads", "C2 CompilerThread").put("cpuMillis", 2000.0).put("allocatedBytes", 0L)
          .put("cpuMicrosPerMessage", 500.0).put("allocatedBytesPerMessage", 0L));
      pools.add(new JsonObject().put("threads", "mongo-server-worker").put("cpuMillis", 1200.0).put("allocatedBytes", 0L)
          .put("cpuMicrosPerMessage", 300.0).put("allocatedBytesPerMessage", 0L));
      threadsMicros += 800;
    }
    step.put("serverThreads", new JsonObject().put("windowSeconds", 20.4).put("cpuMicrosPerMessage", threadsMicros)
        .put("allocatedBytes", bytesPerMessage * messages)
        .put("allocatedBytesPerMessage", bytesPerMessage).put("allocatedBytesPerDelivery", bytesPerMessage / 100).put("byPool", pools));
    Files.writeString(file, json.encodePrettily());
  }

  private static void fullRun(Path run) throws Exception {
    fullRun(run, true);
  }

  private static void fullRun(Path run, boolean threadReadings) throws Exception {
    Files.createDirectories(run);
    write(run, "fanout-platform", fanout("fanout-platform on platform, abc123", "0.05,0.1,0.5"),
        List.of(step(0, 0.05, 12, 0, 5), step(1, 0.1, 20, 0, 8), step(2, 0.5, 900, 1234, 20)), new JsonObject().put("serverAliveAtEnd", true));
    write(run, "fanout-relay", fanout("fanout-relay on relay, abc123", "0.05,0.1,0.5"),
        List.of(step(0, 0.05, 3, 0, 1), step(1, 0.1, 4, 0, 2), step(2, 0.5, 30, 0, 8)), new JsonObject());
    Options single = Cli.parse("fanout", "--rooms", "10", "--members", "100", "--rate", "0.2", "--server-pid", "42");
    write(run, "efficiency-platform", single, List.of(step(0, 0.2, 40, 0, 15)), new JsonObject());
    write(run, "efficiency-relay", single, List.of(step(0, 0.2, 10, 0, 6)), new JsonObject());
    if (threadReadings) {
      withThreads(run.resolve("efficiency-platform.json"), 18_000, 2000, 10_000, true);
      withThreads(run.resolve("efficiency-relay.json"), 5_000, 1000, 5_000, false);
    }
    write(run, "ack", Cli.parse("direct", "--pairs", "500", "--rate", "1"), List.of(step(0, 1, 30, 0, 10)), new JsonObject());
    write(run, "ack-relay", Cli.parse("direct", "--pairs", "500", "--rate", "1"), List.of(step(0, 1, 6, 0, 4)), new JsonObject());
    JsonObject idle = new JsonObject().put("connected", 15000).put("failed", 0).put("heapReadAfterForcedGc", true)
        .put("connectLatencyMs", new JsonObject().put("p50", 300.0).put("p99", 1200.0))
        .put("heapBeforeBytes", 30_000_000L).put("heapAfterBytes", 150_000_000L).put("heapPerConnectionBytes", 8_000L)
        .put("rssBeforeBytes", 300_000_000L).put("rssAfterBytes", 1_000_000_000L).put("rssPerConnectionBytes", 46_666L);
    write(run, "idle", Cli.parse("idle", "--connections", "15000", "--processes", "2", "--server-pid", "42", "--force-gc"), List.of(), idle);
    Files.writeString(run.resolve("storm.failed"), "the generator failed (exit status 1); the platform server: gone (exit status 137)\n");
    Files.writeString(run.resolve("java-version.txt"), "openjdk version \"17.0.15\"\nOpenJDK Runtime Environment\n");
  }

  private static String report(Path run, Path doc, String... extra) {
    List<String> args = new ArrayList<>(List.of("--run-dir", run.toString(), "--doc", doc.toString()));
    args.addAll(List.of(extra));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = BenchReport.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(status).as(out.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void rewritesOnlyTheResultsSectionAndPublishesTheFiles(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    fullRun(run);
    Path doc = dir.resolve("docs/benchmarks.md");
    Files.createDirectories(doc.getParent());
    Files.writeString(doc, DOC);

    report(run, doc, "--elapsed-seconds", "1000", "--command", "bin/bench all", "--revision", "abc123");

    String text = Files.readString(doc);
    assertThat(text).startsWith("# Benchmarks\n\nHand-written text before.\n\n<!-- results:begin -->")
        .endsWith("<!-- results:end -->\n\n## Optimizations: before and after\n\nHand-written text after.\n")
        .doesNotContain("old figures")
        .contains("took 16 min 40 s", "`abc123`", "openjdk version \"17.0.15\" · OpenJDK Runtime Environment", "nproc");
    Path assets = dir.resolve("docs/benchmarks");
    assertThat(assets.resolve("fanout-platform.json")).exists();
    assertThat(assets.resolve("fanout-platform.svg")).exists();
    assertThat(assets.resolve("fanout-relay.svg")).exists();
    assertThat(assets.resolve(BenchReport.COMPARE_CHART)).exists();
    assertThat(assets.resolve("efficiency-platform.svg")).doesNotExist();
    assertThat(assets.resolve("storm.failed.txt")).exists();
    assertThat(text).contains("](benchmarks/fanout-platform.svg)", "](benchmarks/fanout-relay.svg)", "](benchmarks/fanout-compare.svg)")
        .doesNotContain("efficiency-platform.svg");

    // Fan-out: the best clean step is 0.1 msgs/s per member (10,000 deliveries/s); the top step lost deliveries.
    assertThat(text).contains("| fan-out 10×100: highest step with zero loss and delivery p99 ≤ 50 ms | ≥ 50,000 delivered/s | "
        + "10,000 delivered/s (p99 20.0 ms) | ❌ not met |");
    assertThat(text).contains("| 0.5 | 50,000 | 49,938 | 500 | 1,234 | 0 | 0 |");
    // Efficiency: 15 s / 400,000 deliveries vs 6 s / 400,000 → 2.5 ×.
    assertThat(text).contains("Platform ÷ relay, CPU µs per delivery: **2.5 ×**", "| CPU per delivery, platform ÷ relay, same offered rate | ≤ 1.3 | 2.5 × | ❌ not met |");
    // Ack 1,000 sends/s with p99 15 ms.
    assertThat(text).contains("| ack p99 at 1,000 chat.send/s | ≤ 20 ms | 15.0 ms at 1,000 sends/s | ✅ met |");
    // Side by side: 20,000 sends in 20 s each; platform 10 s of CPU over 25 s (500 µs per send), relay 4 s (200 µs).
    assertThat(text).contains("### Ack latency at 1,000 chat.send/s, platform and baseline relay",
        "](benchmarks/ack.json)", "](benchmarks/ack-relay.json)",
        "| server | offered sends/s | acked/s | ack p50 | ack p90 | ack p99 | ack p99.9 | ack max | delivery p99 | lost | failed "
            + "| unanswered | server cores busy | server CPU µs per send | errors |",
        "| platform | 1,000 | 1,000 | 1.00 ms | 2.00 ms | 15.0 ms | 30.0 ms | 30.0 ms | 30.0 ms | 0 | 0 | 0 | 0.4 | 500 | — |",
        "| relay | 1,000 | 1,000 | 1.00 ms | 2.00 ms | 3.00 ms | 6.00 ms | 6.00 ms | 6.00 ms | 0 | 0 | 0 | 0.16 | 200 | — |",
        "Platform ack p99: **15.0 ms** at 1,000 sends/s (target ≤ 20 ms at 1,000 sends/s, every send answered): ✅ met; "
            + "the relay's: 3.00 ms.");
    // Idle: 8,000 bytes per connection, under 8 KiB, all 15,000 held.
    assertThat(text).contains("8,000 B (7.8 KiB) (15,000 held) | ✅ met |", "after a full GC forced with `jcmd <pid> GC.run`");
    // A failed part says so instead of showing figures.
    assertThat(text).contains("**Did not complete** in the last `bin/bench storm`", "gone (exit status 137)",
        "| connect storm, fresh server | ≥ 1,000 connections/s | run failed | — |");
  }

  @Test
  void reportsTheCostPerStoredMessageAgainstTheTargets(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    fullRun(run);
    Path doc = dir.resolve("benchmarks.md");
    Files.writeString(doc, DOC);

    report(run, doc);

    String text = Files.readString(doc);
    // 4,000 messages stored in each window: platform 15 s of CPU (3,750 µs each), relay 6 s (1,500 µs each).
    assertThat(text).contains(
        "| CPU per stored message beyond the relay | ≤ 300 µs | 2,250 µs (platform 3,750 − relay 1,500) | ❌ not met |",
        "| allocation per stored message | ≤ 20 KB (20,000 B) | 18,000 B (17.6 KiB) | ✅ met |");
    assertThat(text).contains("#### Per stored message",
        "| platform | 4,000 | 100 | 3,750 | 18,000 B (17.6 KiB) | 180 B |",
        "| relay | 4,000 | 100 | 1,500 | 5,000 B (4.9 KiB) | 50 B |",
        "Platform − relay: **2,250 µs CPU per stored message** (target ≤ 300 µs): ❌ not met.",
        "Allocation per stored message: **18,000 B** (target ≤ 20 KB, 20,000 B): ✅ met",
        "| `vert.x-eventloop-thread` | 2,000 | 9.8 | 1,000 | 4.9 |",
        "| `C2 CompilerThread` | 500 | 0.0 | — | — |",
        // Threads' CPU: platform 2,000 + 500 (JIT) + 300 (embedded store's server), relay 1,000.
        "the JIT compilers took 500 µs of the platform's and 0 µs of the relay's",
        "took 300 µs. Platform − relay with the JIT aside: **1,300 µs**; with the embedded store's server aside too",
        "MongoDB's driver included): **1,000 µs**.");
  }

  @Test
  void resultsWithoutThreadReadingsSayTheAllocationWasNotMeasured(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    fullRun(run, false);
    Path doc = dir.resolve("benchmarks.md");
    Files.writeString(doc, DOC);

    report(run, doc);

    String text = Files.readString(doc);
    // The CPU per stored message needs no thread readings: older results have it.
    assertThat(text).contains(
        "| CPU per stored message beyond the relay | ≤ 300 µs | 2,250 µs (platform 3,750 − relay 1,500) | ❌ not met |",
        "| allocation per stored message | ≤ 20 KB (20,000 B) | not measured | — |",
        "| platform | 4,000 | 100 | 3,750 | not measured | not measured |",
        "Allocation per stored message: not measured (the result has no readings of the server's threads")
        .doesNotContain("| `vert.x-eventloop-thread` |");
  }

  @Test
  void aPartialRunReplacesItsOwnPartsAndKeepsTheOthers(@TempDir Path dir) throws Exception {
    Path first = dir.resolve("first");
    fullRun(first);
    Path doc = dir.resolve("benchmarks.md");
    Files.writeString(doc, DOC);
    report(first, doc);

    Path second = dir.resolve("second");
    Files.createDirectories(second);
    JsonObject storm = new JsonObject().put("attempted", 5000).put("connected", 5000).put("failed", 0).put("seconds", 2.0)
        .put("connectionsPerSec", 2500.0).put("connectLatencyMs", new JsonObject().put("p50", 20.0).put("p90", 40.0).put("p99", 80.0)
            .put("p99_9", 90.0).put("max", 100.0))
        .put("serverCpu", new JsonObject().put("cpuSeconds", 3.0).put("cpuMicrosPerConnection", 600.0));
    write(second, "storm", Cli.parse("connect-storm", "--connections", "5000", "--concurrency", "100"), List.of(), storm);
    JsonObject slowFirst = storm.copy().put("pass", 1).put("connectionsPerSec", 900.0).put("seconds", 5.6)
        .put("serverCpu", new JsonObject().put("cpuSeconds", 7.0).put("coresBusy", 1.25).put("cpuMicrosPerConnection", 1400.0))
        .put("generatorCpu", new JsonObject().put("cpuSeconds", 4.0).put("coresBusy", 0.71));
    JsonObject fastSecond = storm.copy().put("pass", 2).put("connectionsPerSec", 1900.0);
    JsonObject warm = fastSecond.copy().put("passes", new io.vertx.core.json.JsonArray().add(slowFirst).add(fastSecond));
    warm.remove("pass");
    write(second, "storm-warm", Cli.parse("connect-storm", "--connections", "5000", "--concurrency", "100", "--passes", "2"),
        List.of(), warm);
    JsonObject relayStorm = storm.copy().put("seconds", 1.25).put("connectionsPerSec", 4000.0)
        .put("serverCpu", new JsonObject().put("cpuSeconds", 1.25).put("coresBusy", 1.0).put("cpuMicrosPerConnection", 250.0));
    write(second, "storm-relay", Cli.parse("connect-storm", "--connections", "5000", "--concurrency", "100"), List.of(), relayStorm);
    JsonObject relayWarm = relayStorm.copy().put("passes", new JsonArray().add(relayStorm.copy().put("pass", 1).put("connectionsPerSec", 3000.0)
            .put("generatorCpu", new JsonObject().put("cpuSeconds", 1.0).put("coresBusy", 0.6)))
        .add(relayStorm.copy().put("pass", 2)));
    write(second, "storm-warm-relay", Cli.parse("connect-storm", "--connections", "5000", "--concurrency", "100", "--passes", "2"),
        List.of(), relayWarm);
    String out = report(second, doc);

    assertThat(out).contains("published storm, storm-relay, storm-warm, storm-warm-relay");
    String text = Files.readString(doc);
    assertThat(text).contains("| connect storm, fresh server | ≥ 1,000 connections/s | 2,500 connections/s (0 failed) | ✅ met |")
        .contains("| connect storm, warm server | ≥ 2,000 connections/s | 1,900 connections/s (0 failed) | ❌ not met |")
        .contains("#### Connect storm, warm server", "| pass | connections |", "| 1 | 5,000 | 100 | 5,000 | 0 | 5.6 | **900** |",
            "| 2 | 5,000 | 100 | 5,000 | 0 | 2 | **1,900** |", "pass 1: server 1.25, generator 0.71")
        .contains("### Connect storm, platform and baseline relay", "](benchmarks/storm-relay.json)", "](benchmarks/storm-warm-relay.json)",
            "| server | connections | in flight | connected |",
            "| platform | 5,000 | 100 | 5,000 | 0 | 2 | **2,500** | 20.0 ms | 40.0 ms | 80.0 ms | 90.0 ms | 100 ms | 600 |",
            "| relay | 5,000 | 100 | 5,000 | 0 | 1.25 | **4,000** | 20.0 ms | 40.0 ms | 80.0 ms | 90.0 ms | 100 ms | 250 |",
            "Platform: **2,500 connections/s** (target ≥ 1,000/s, none failed): ✅ met; the relay: 4,000 connections/s.",
            "| server | pass | connections |", "| platform | 2 | 5,000 | 100 | 5,000 | 0 | 2 | **1,900** |",
            "| relay | 1 | 5,000 | 100 | 5,000 | 0 | 1.25 | **3,000** |", "| relay | 2 | 5,000 | 100 | 5,000 | 0 | 1.25 | **4,000** |",
            "Platform, last pass: **1,900 connections/s** (target ≥ 2,000/s, none failed): ❌ not met; the relay's last pass: 4,000 connections/s.",
            "platform pass 1: server 1.25, generator 0.71", "relay pass 1: server 1, generator 0.6")
        .contains("| fan-out 10×100: highest step") // kept from the first run
        .doesNotContain("Did not complete");
    assertThat(dir.resolve("benchmarks/storm.failed.txt")).doesNotExist();
  }

  @Test
  void aMissingOrFailedRelaySideIsSaidBesideThePlatformFigures(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    fullRun(run);
    Files.delete(run.resolve("ack-relay.json"));
    Files.writeString(run.resolve("storm-relay.failed"), "the relay did not start (or never answered /health/ready)\n");
    Path doc = dir.resolve("benchmarks.md");
    Files.writeString(doc, DOC);

    report(run, doc);

    String text = Files.readString(doc);
    assertThat(text).contains("| platform | 1,000 | 1,000 | 1.00 ms |", "_The relay: not measured yet: run `bin/bench ack`._",
            "Platform ack p99: **15.0 ms** at 1,000 sends/s (target ≤ 20 ms at 1,000 sends/s, every send answered): ✅ met.")
        .doesNotContain("| relay | 1,000 |")
        .contains("**The relay: did not complete** in the last `bin/bench storm`:", "the relay did not start");
  }

  @Test
  void appendsASectionWhenTheMarkersAreMissing() {
    assertThat(BenchReport.withSection("# Title\n", "<!-- results:begin -->x<!-- results:end -->"))
        .isEqualTo("# Title\n\n## Results\n\n<!-- results:begin -->x<!-- results:end -->\n");
  }

  @Test
  void formatsFigures() {
    assertThat(BenchReport.fmt(52345.6)).isEqualTo("52,346");
    assertThat(BenchReport.fmt(12.34)).isEqualTo("12.3");
    assertThat(BenchReport.fmt(1.234)).isEqualTo("1.23");
    assertThat(BenchReport.fmt(0.5)).isEqualTo("0.5");
    assertThat(BenchReport.fmt(2.0)).isEqualTo("2");
    assertThat(BenchReport.ms(0.9123)).isEqualTo("0.912 ms");
    assertThat(BenchReport.ms(1234.5)).isEqualTo("1,235 ms");
    assertThat(BenchReport.bytes(8192)).isEqualTo("8,192 B (8.0 KiB)");
    assertThat(BenchReport.duration(1000)).isEqualTo("16 min 40 s");
  }

  @Test
  void refusesWhatItCannotRun() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(BenchReport.run(new String[] {"--doc", "x.md"}, new PrintStream(out, true, StandardCharsets.UTF_8)))
        .isEqualTo(LoadTestMain.EXIT_USAGE);
    assertThat(BenchReport.run(new String[] {"--run-dir", "d", "--bogus", "1"}, new PrintStream(out, true, StandardCharsets.UTF_8)))
        .isEqualTo(LoadTestMain.EXIT_USAGE);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--run-dir is required", "unknown option: --bogus");
  }
}

package io.chatplatform.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.loadtest.Cli;
import io.chatplatform.loadtest.generator.RunResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PushReportTest {
  /** One push-online step: 240 messages, CPU µs and bytes per message, the slices' standard error, batches decided. */
  private static JsonObject step(int size, double cpuMicros, double standardError, long bytesPerMessage, long batches) {
    return new JsonObject().put("roomSize", size).put("rooms", 20).put("roomRate", 0.4)
        .put("messages", new JsonObject().put("sent", 240).put("acked", 240).put("failed", 0))
        .put("push", new JsonObject().put("pushesAtStandIn", 0).put("roomBatchesDecided", batches).put("watermarkLists", batches)
            .put("pushesDecided", 0).put("roomLookupMeanMs", size / 50.0).put("watermarkListMeanMs", size / 40.0))
        .put("serverCpu", new JsonObject().put("cpuMicrosPerMessage", cpuMicros * 2)
            .put("withoutJit", new JsonObject().put("cpuMicrosPerMessage", cpuMicros)
                .put("slices", new JsonObject().put("standardError", standardError))))
        .put("serverThreads", new JsonObject().put("allocatedBytesPerMessage", bytesPerMessage).put("allocatedBytes", bytesPerMessage * 240)
            .put("byPool", new JsonArray()
                .add(new JsonObject().put("threads", "vert.x-eventloop-thread").put("cpuMillis", cpuMicros * 240 / 2000)
                    .put("allocatedBytes", bytesPerMessage * 240 / 2))
                .add(new JsonObject().put("threads", "C2 CompilerThread").put("cpuMillis", 3000.0).put("allocatedBytes", 0))));
  }

  private static void online(Path run, String name, boolean notificationService, JsonObject... steps) throws Exception {
    JsonObject figures = new JsonObject().put("notificationService", notificationService).put("pushDelayMs", 1000)
        .put("steps", new JsonArray(List.of((Object[]) steps)));
    write(run, name, Cli.parse("push-online", "--rooms", "20", "--room-sizes", "100,10", "--push-delay-ms", "1000",
        "--label", name + " on platform, abc123"), figures);
  }

  private static void write(Path run, String name, io.chatplatform.loadtest.Options options, JsonObject figures) throws Exception {
    JsonObject json = new RunResult(options, new JsonObject(), List.of(), figures, Map.of()).toJson().put("writtenAt", "2026-12-01T01:00:00Z");
    Files.writeString(run.resolve(name + ".json"), json.encodePrettily());
  }

  private static void offline(Path run) throws Exception {
    JsonObject figures = new JsonObject().put("pushDelayMs", 1000).put("windowSeconds", 30.0)
        .put("messages", new JsonObject().put("sent", 750).put("acked", 750).put("perSec", 25.0))
        .put("pushes", new JsonObject().put("sentPerSec", 226.7).put("sent", 6801).put("decidedPerSec", 227.67).put("decided", 6830)
            .put("roomBatchesDecidedPerSec", 11.4).put("messagesPerPush", 2.38)
            .put("resultsAtServer", new JsonObject().put("delivered", 6830)))
        .put("latencyFromNewestMs", new JsonObject().put("count", 7100).put("p50", 651.3).put("p95", 1021.4).put("p99", 2148.4))
        .put("latencyFromOldestMs", new JsonObject().put("count", 7100).put("p50", 1767.4).put("p95", 2304.0).put("p99", 2601.0))
        .put("ledger", new JsonObject().put("owed", 15000).put("lost", 0).put("duplicated", 0))
        .put("standInRefused", new JsonObject())
        .put("serverCpu", new JsonObject().put("coresBusy", 0.72).put("cpuMicrosPerPush", 3181.9)
            .put("withoutJit", new JsonObject().put("cpuMicrosPerPush", 2474.6)))
        .put("serverThreads", new JsonObject().put("allocatedBytesPerPush", 239_555).put("byPool", new JsonArray()
            .add(new JsonObject().put("threads", "vert.x-eventloop-thread").put("cpuMillis", 13820.4).put("allocatedBytes", 1_080_926_208L))))
        .put("generatorCpu", new JsonObject().put("coresBusy", 0.4));
    write(run, "push-offline", Cli.parse("push-offline", "--rooms", "25", "--members", "20", "--room-rate", "1",
        "--label", "push-offline on platform, abc123"), figures);
    JsonObject written = new JsonObject(Files.readString(run.resolve("push-offline.json")));
    Files.writeString(run.resolve("push-offline.json"), written.put("machine", new JsonObject().put("cpu", "Test CPU").put("cores", 2)).encode());
  }

  private static String report(Path run, Path doc) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = BenchReport.run(new String[] {"--run-dir", run.toString(), "--doc", doc.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(status).as(out.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aPerMemberCostBeyondTheNoiseIsReportedAsNotMet(@TempDir Path dir) throws Exception {
    Path run = Files.createDirectories(dir.resolve("run"));
    offline(run);
    // Rooms of 100: 36,000 vs 33,000 µs (push path 3,000 ± 500); rooms of 10: 10,000 vs 9,100 (900 ± 500).
    online(run, "push-online", true, step(100, 36_000, 400, 12_000_000, 240), step(10, 10_000, 400, 1_600_000, 240));
    online(run, "push-online-baseline", false, step(100, 33_000, 300, 11_000_000, 0), step(10, 9_100, 300, 1_240_000, 0));
    Path doc = dir.resolve("benchmarks.md");
    Files.writeString(doc, "# B\n\n<!-- results:begin -->\n<!-- results:end -->\n");

    String out = report(run, doc);

    assertThat(out).contains("push-offline", "push-online", "push-online-baseline");
    String text = Files.readString(doc);
    assertThat(text).contains("_Measured 2026-12-01 01:00 UTC on Test CPU (nproc 2) (push-offline on platform, abc123)",
        "_Measured 2026-12-01 01:00 UTC (push-online on platform, abc123)");
    assertThat(text).contains("### Push notifications", "#### Pushes to offline members",
        "| 25 | 11.4 | 228 | **227** | 2.38 | 651 ms | 1,021 ms | 2,148 ms | 1,767 ms | 2,304 ms | 2,601 ms | 0.72 | 3,182 (2,475) "
            + "| 239,555 B (233.9 KiB) | 0 | 0 |");
    // (3,000 − 900) / 90 = 23.3 µs per member, ± hypot(500, 500) / 90 = 7.86; (1,000,000 − 360,000) / 90 = 7,111 bytes.
    assertThat(text).contains("| 100 | 20 | 240 | 240 | 240 | 2.00 ms | 2.50 ms | 0 | 36,000 | 33,000 | **3,000 ± 500** | 11,718.8 KiB | 10,742.2 KiB "
            + "| **976.6 KiB** |",
        "| 10 | 20 | 240 | 240 | 240 | 0.200 ms | 0.250 ms | 0 | 10,000 | 9,100 | **900 ± 500** |",
        "**23.3 µs ± 7.86 µs CPU and 7,111 bytes allocated per member per message**", "does **not** hold");
    assertThat(text).contains("| push decision where everyone is online and acknowledges: cost per member per message | nothing per member "
        + "| 23.3 µs ± 7.86 µs CPU and 7,111 B allocated per member (rooms of 10 → 100) | ❌ not met |");
    assertThat(text).contains("`vert.x-eventloop-thread` +1,500 µs, 488.3 KiB").doesNotContain("`C2 CompilerThread` +");
  }

  @Test
  void noCostPerMemberWithinTheNoiseIsMet() {
    JsonObject with = new JsonObject().put("figures", new JsonObject().put("steps", new JsonArray()
        .add(step(100, 33_500, 800, 11_000_300, 240)).add(step(10, 9_400, 800, 1_240_100, 240))));
    JsonObject without = new JsonObject().put("figures", new JsonObject().put("steps", new JsonArray()
        .add(step(100, 33_000, 800, 11_000_000, 0)).add(step(10, 9_100, 800, 1_240_000, 0))));
    List<PushReport.Cost> costs = PushReport.costs(with, without);
    assertThat(costs).extracting(PushReport.Cost::roomSize).containsExactly(100, 10);
    PushReport.PerMember perMember = PushReport.perMember(costs).orElseThrow();
    assertThat(perMember.cpu()).isCloseTo(2.22, org.assertj.core.data.Offset.offset(0.01));
    assertThat(perMember.bytes()).isCloseTo(2.22, org.assertj.core.data.Offset.offset(0.01));
    assertThat(perMember.nothing()).isTrue();
  }

  @Test
  void aMissingBaselineSaysSo(@TempDir Path dir) throws Exception {
    Path run = Files.createDirectories(dir.resolve("run"));
    online(run, "push-online", true, step(100, 36_000, 400, 12_000_000, 240));
    Files.writeString(run.resolve("push-online-baseline.failed"), "the platform did not start\n");
    Path doc = dir.resolve("benchmarks.md");
    report(run, doc);
    String text = Files.readString(doc);
    assertThat(text).contains("**Did not complete** in the last `bin/bench push`", "the platform did not start",
        "| push decision where everyone is online and acknowledges: cost per member per message | nothing per member | run failed | — |");
  }
}

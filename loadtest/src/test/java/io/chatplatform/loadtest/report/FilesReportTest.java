package io.chatplatform.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.loadtest.Cli;
import io.chatplatform.loadtest.generator.RunResult;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilesReportTest {
  private static final long MIB = 1024 * 1024;

  private static JsonObject phase(int inFlight, int done, double mbPerSec) {
    return new JsonObject().put("attempted", done).put("completed", done).put("inFlight", inFlight).put("bytes", done * 5 * MIB)
        .put("seconds", 1.0).put("mbPerSec", mbPerSec).put("perTransferMbPerSec", mbPerSec / inFlight)
        .put("latencyMs", new JsonObject().put("p50", 250.0).put("max", 900.0))
        .put("serverCpu", new JsonObject().put("cpuSeconds", 2.0).put("coresBusy", 1.5).put("cpuMillisPerMiB", 4.2));
  }

  private static BenchReport.Published result() {
    JsonObject heap = new JsonObject().put("samples", 12).put("intervalSeconds", 1.0).put("maxBytes", 90 * MIB).put("meanBytes", 70 * MIB)
        .put("liveBeforeBytes", 40 * MIB).put("liveAfterBytes", 42 * MIB).put("maxAboveBeforeBytes", 50 * MIB)
        .put("rssAtEndBytes", 400 * MIB).put("readAfterForcedGc", true);
    JsonObject figures = new JsonObject().put("fileSizeBytes", 5 * MIB)
        .put("sequential", new JsonObject().put("upload", phase(1, 10, 40)).put("download", phase(1, 10, 80)))
        .put("concurrent", new JsonObject().put("upload", phase(20, 100, 61.5)).put("download", phase(20, 100, 123.4))
            .put("heapDuringUploads", heap));
    var options = Cli.parse("files", "--uploaders", "20", "--server-pid", "42", "--force-gc", "--label", "files on platform, abc123");
    JsonObject json = new RunResult(options, new JsonObject(), List.of(), figures, Map.of()).toJson().put("writtenAt", "2026-12-01T02:00:00Z");
    return new BenchReport.Published(json, null);
  }

  @Test
  void theSectionShowsThroughputOfBothDirectionsAndTheHeapDuringTheConcurrentUploads() {
    StringBuilder md = new StringBuilder();
    FilesReport.section(md, result(), new BenchReport.Place(Path.of("docs/benchmarks"), "benchmarks"));
    String text = md.toString();
    assertThat(text).contains("### Files").contains("files.json")
        .contains("| **upload, many at once** | 20 | 100 / 100 | 61.5 |")
        .contains("| **download, many at once** | 20 | 100 / 100 | 123 |")
        .contains("| upload, one at a time | 1 | 10 / 10 | 40 |")
        .contains("**90.0 MiB** (+50.0 MiB over before)")
        .contains("GC.class_histogram")
        .contains("USER_STORAGE_QUOTA_BYTES").contains("RATE_LIMIT_REST_WRITES_");
  }

  @Test
  void theSummaryRowGivesBothThroughputsAndThePeakHeap() {
    StringBuilder md = new StringBuilder();
    FilesReport.summaryRow(md, result());
    assertThat(md.toString()).contains("61.5 MB/s up, 123 MB/s down (20 at once, 5 MiB files); heap at most 90.0 MiB (+50.0 MiB over before)");
  }

  @Test
  void aMissingRunSaysSo() {
    StringBuilder md = new StringBuilder();
    FilesReport.summaryRow(md, null);
    FilesReport.section(md, null, new BenchReport.Place(Path.of("docs/benchmarks"), "benchmarks"));
    assertThat(md.toString()).contains("not measured").contains("run `bin/bench files`");
  }
}

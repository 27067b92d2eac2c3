package io.chatplatform.loadtest.report;

import static io.chatplatform.loadtest.report.BenchReport.fmt;
import static io.chatplatform.loadtest.report.BenchReport.mib;
import static io.chatplatform.loadtest.report.BenchReport.ms;

import io.chatplatform.loadtest.report.BenchReport.Place;
import io.chatplatform.loadtest.report.BenchReport.Published;
import io.chatplatform.loadtest.report.BenchReport.Result;
import io.vertx.core.json.JsonObject;

/**
 * The files part of the results section ({@code bin/bench files}): upload and download throughput,
 * one transfer at a time and many at once, and the server's heap while the concurrent uploads run.
 */
final class FilesReport {
  private static final double MIB = 1024 * 1024;

  private FilesReport() {}

  static void summaryRow(StringBuilder md, Published files) {
    String figure = "| files: upload and download throughput, many at once; server heap during the uploads | reported, no target | ";
    if (files == null || !files.ok()) {
      md.append(figure).append(BenchReport.missing(files)).append(" | — |\n");
      return;
    }
    JsonObject f = files.json().getJsonObject("figures");
    JsonObject concurrent = f.getJsonObject("concurrent");
    JsonObject up = concurrent.getJsonObject("upload");
    JsonObject heap = concurrent.getJsonObject("heapDuringUploads");
    md.append(figure).append(fmt(up.getDouble("mbPerSec"))).append(" MB/s up, ")
        .append(fmt(concurrent.getJsonObject("download").getDouble("mbPerSec"))).append(" MB/s down (").append(up.getInteger("inFlight"))
        .append(" at once, ").append(size(f.getLong("fileSizeBytes"))).append(" files); heap at most ").append(mib(heap.getLong("maxBytes")))
        .append(after(heap)).append(" | — |\n");
  }

  static void section(StringBuilder md, Published files, Place place) {
    JsonObject json = BenchReport.open(md, "### Files: upload and download throughput, heap during concurrent uploads", files,
        Result.FILES, place);
    if (json == null) {
      return;
    }
    JsonObject f = json.getJsonObject("figures");
    JsonObject p = json.getJsonObject("parameters");
    JsonObject concurrent = f.getJsonObject("concurrent");
    JsonObject heap = concurrent.getJsonObject("heapDuringUploads");
    boolean gc = Boolean.TRUE.equals(heap.getBoolean("readAfterForcedGc"));
    md.append("Files of ").append(size(f.getLong("fileSizeBytes")))
        .append(" (a PDF head and random bytes: typed as `application/pdf` by the server, incompressible) through the gateway's ")
        .append("`POST /api/v1/rooms/{roomId}/files` and `GET /api/v1/files/{fileId}`. First one user uploads ")
        .append(p.getInteger("sequentialFiles")).append(" files one at a time and downloads them one at a time; then ")
        .append(p.getInteger("uploaders")).append(" users of one room upload ").append(p.getInteger("filesPerUploader"))
        .append(" files each, all at once (each user one upload in flight), and every file is downloaded once, ")
        .append(p.getInteger("uploaders")).append(" at a time. MB/s is 10⁶ bytes of file per second of wall time (multipart framing ")
        .append("and headers not counted); per transfer is the file size over the median transfer time. The server runs with each ")
        .append("user's write rate limit (`RATE_LIMIT_REST_WRITES_*`, 30 then 3/s in production) and storage quota ")
        .append("(`USER_STORAGE_QUOTA_BYTES`, 1 GiB) raised: a benchmark user uploads back to back, many times a person's rate, ")
        .append("and the limits would measure themselves instead of the transfer path.\n\n");
    md.append("| | at once | files (done / tried) | MB/s | per transfer MB/s | time p50 | time max | server CPU |\n")
        .append("|---|---|---|---|---|---|---|---|\n");
    JsonObject sequential = f.getJsonObject("sequential");
    if (sequential != null) {
      row(md, "upload, one at a time", sequential.getJsonObject("upload"));
      row(md, "download, one at a time", sequential.getJsonObject("download"));
    }
    row(md, "**upload, many at once**", concurrent.getJsonObject("upload"));
    row(md, "**download, many at once**", concurrent.getJsonObject("download"));
    md.append('\n');
    md.append("Server heap while the ")
        .append(concurrent.getJsonObject("upload").getInteger("inFlight")).append(" uploads ran: ").append(heap.getInteger("samples", 0))
        .append(" readings every ").append(fmt(heap.getDouble("intervalSeconds", 0.0))).append(" s")
        .append(gc ? ", each the total of `jcmd <pid> GC.class_histogram`, taken inside a full GC (the live set: what the server holds, "
            + "not garbage, and nothing allocated after the collection)"
            : " of `jvm_memory_used_bytes{area=\"heap\"}` from its `/metrics` (plain readings: they include garbage not yet collected)")
        .append(".\n\n");
    md.append("| before the uploads | during: max | during: mean | after the downloads | RSS at the end |\n|---|---|---|---|---|\n")
        .append("| ").append(mib(heap.getLong("liveBeforeBytes"))).append(" | **").append(mib(heap.getLong("maxBytes"))).append("**")
        .append(after(heap)).append(" | ").append(mib(heap.getLong("meanBytes"))).append(" | ").append(mib(heap.getLong("liveAfterBytes")))
        .append(" | ").append(mib(heap.getLong("rssAtEndBytes"))).append(" |\n\n");
    BenchReport.notes(md, json);
  }

  private static void row(StringBuilder md, String what, JsonObject phase) {
    JsonObject latency = phase.getJsonObject("latencyMs", new JsonObject());
    JsonObject cpu = phase.getJsonObject("serverCpu");
    md.append("| ").append(what).append(" | ").append(phase.getInteger("inFlight")).append(" | ").append(phase.getInteger("completed"))
        .append(" / ").append(phase.getInteger("attempted")).append(" | ").append(fmt(phase.getDouble("mbPerSec"))).append(" | ")
        .append(phase.getDouble("perTransferMbPerSec") == null ? "—" : fmt(phase.getDouble("perTransferMbPerSec"))).append(" | ")
        .append(latency.getDouble("p50") == null ? "—" : ms(latency.getDouble("p50"))).append(" | ")
        .append(latency.getDouble("max") == null ? "—" : ms(latency.getDouble("max"))).append(" | ")
        .append(cpu == null ? "—" : fmt(cpu.getDouble("coresBusy")) + " cores, " + fmt(cpu.getDouble("cpuMillisPerMiB")) + " ms per MiB")
        .append(" |\n");
  }

  /** " (+N MiB over the server before the uploads)" when both are known. */
  private static String after(JsonObject heap) {
    Long above = heap.getLong("maxAboveBeforeBytes");
    return above == null ? "" : " (" + (above >= 0 ? "+" : "") + mib(above) + " over before)";
  }

  private static String size(Long bytes) {
    return bytes == null ? "—" : fmt(bytes / MIB) + " MiB";
  }
}

package io.chatplatform.loadtest.generator;

import io.chatplatform.loadtest.Options;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code files}: upload and download throughput of {@code POST /rooms/{roomId}/files} and
 * {@code GET /files/{fileId}}, and the server's heap while {@code --uploaders} uploads run at once.
 *
 * <ol>
 *   <li>Sequential: one user uploads {@code --sequential-files} files one after the other, then
 *       downloads them the same way: what one transfer gets (and the server's JIT warms up).
 *   <li>Concurrent: {@code --uploaders} users, all in one room, each upload {@code --files} files
 *       back to back (so that many uploads are always in flight), while the server's heap is read
 *       every {@code --heap-interval} seconds: from its {@code /metrics}, or with {@code --force-gc}
 *       the total of a class histogram taken inside a full GC ({@code jcmd <pid>
 *       GC.class_histogram}, see {@link ServerProbe#liveHeapBytes()}), so it is what the server holds
 *       live while the uploads run, not garbage waiting for a collection. Then every file is
 *       downloaded once, {@code --uploaders} at a time.
 * </ol>
 *
 * <p>Each file is {@code --file-size} bytes: a PDF head and random bytes (the server types a file by
 * its bytes and refuses what it cannot type; random bytes do not compress, so no layer can cheat).
 * Throughput is bytes of file moved per second of wall time (MB/s, 10^6 bytes), multipart framing
 * and HTTP headers not counted.
 */
final class FilesScenario {
  private static final Logger LOG = LoggerFactory.getLogger(FilesScenario.class);
  private static final Duration RUN_TIMEOUT = Duration.ofHours(1);
  private static final double MB = 1e6;
  private static final byte[] PDF_HEAD = "%PDF-1.7\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  /** A file must hold its PDF head and some bytes beyond it. */
  static final int MIN_FILE_SIZE = 64;

  private final Harness harness;
  private final Options options;

  FilesScenario(Harness harness) {
    this.harness = harness;
    this.options = harness.options;
  }

  RunResult run() throws Exception {
    if (options.fileSize() < MIN_FILE_SIZE) {
      throw new IllegalArgumentException("--file-size must be at least " + MIN_FILE_SIZE);
    }
    harness.awaitServerReady();
    int uploaders = options.uploaders();
    List<TestUser> users = harness.createUsers(uploaders);
    List<Integer> everyone = new ArrayList<>();
    for (int i = 0; i < uploaders; i++) {
      everyone.add(i);
    }
    String roomId = harness.createRooms(List.of(new Topology.RoomPlan("files", everyone, false)), users).get(0).roomId();
    // One payload per uploader, made before anything is timed: the server stores every upload as a
    // file of its own whatever its bytes, so the payloads need not differ between one user's files.
    List<byte[]> payloads = new ArrayList<>();
    for (int i = 0; i < uploaders; i++) {
      payloads.add(pdf(options.fileSize()));
    }
    try (FileTransfers transfers = new FileTransfers(harness.vertx, harness.endpoint, uploaders, harness.errors)) {
      JsonObject figures = new JsonObject().put("fileSizeBytes", options.fileSize());
      TestUser first = users.get(0);
      if (options.sequentialFiles() > 0) {
        LOG.info("sequential: {} uploads, then {} downloads, one at a time", options.sequentialFiles(), options.sequentialFiles());
        Phase up = uploads(transfers, roomId, List.of(first), payloads, options.sequentialFiles(), 1, null);
        Phase down = downloads(transfers, first, up.fileIds(), 1);
        figures.put("sequential", new JsonObject().put("upload", up.toJson()).put("download", down.toJson()));
      }
      LOG.info("concurrent: {} uploaders x {} files of {} bytes", uploaders, options.filesPerUploader(), options.fileSize());
      OptionalLong heapBefore = liveHeap();
      HeapSampler sampler = new HeapSampler(harness.probe, options.forceGc(),
          Duration.ofMillis(Math.round(options.heapIntervalSeconds() * 1000)));
      OptionalLong cpuStart = harness.probe.cpuTicks();
      Phase up;
      try (HeapSampler running = sampler.start()) {
        up = uploads(transfers, roomId, users, payloads, options.filesPerUploader(), uploaders, running);
      }
      ServerProbe.CpuUsage upCpu = harness.probe.usage(cpuStart, harness.probe.cpuTicks(), up.seconds());
      cpuStart = harness.probe.cpuTicks();
      Phase down = downloads(transfers, first, up.fileIds(), uploaders);
      ServerProbe.CpuUsage downCpu = harness.probe.usage(cpuStart, harness.probe.cpuTicks(), down.seconds());
      OptionalLong heapAfter = liveHeap();
      JsonObject concurrent = new JsonObject().put("upload", withCpu(up.toJson(), upCpu, up.bytes()))
          .put("download", withCpu(down.toJson(), downCpu, down.bytes()));
      JsonObject heap = sampler.toJson().put("readAfterForcedGc", options.forceGc());
      heapBefore.ifPresent(h -> heap.put("liveBeforeBytes", h));
      heapAfter.ifPresent(h -> heap.put("liveAfterBytes", h));
      if (heapBefore.isPresent() && heap.getLong("maxBytes") != null) {
        heap.put("maxAboveBeforeBytes", heap.getLong("maxBytes") - heapBefore.getAsLong());
      }
      harness.probe.rssBytes().ifPresent(rss -> heap.put("rssAtEndBytes", rss));
      concurrent.put("heapDuringUploads", heap);
      figures.put("concurrent", concurrent);
      JsonObject setup = new JsonObject().put("users", uploaders).put("rooms", 1);
      return new RunResult(options, setup, List.of(), figures, harness.errors.snapshot());
    }
  }

  /** Uploads {@code perUser} files for each of {@code users}, {@code inFlight} at once; each user's files one after the other. */
  private Phase uploads(FileTransfers transfers, String roomId, List<TestUser> users, List<byte[]> payloads, int perUser,
      int inFlight, HeapSampler sampler) throws Exception {
    int total = users.size() * perUser;
    AtomicReferenceArray<String> ids = new AtomicReferenceArray<>(total);
    long[] latencyNanos = new long[total];
    long start = System.nanoTime();
    // Task i: user i % users, its (i / users)-th file; Throttle keeps inFlight tasks going, so with
    // inFlight == users each user has exactly one upload in flight at any time.
    Await.result(Throttle.run(total, inFlight, i -> {
      int user = i % users.size();
      long began = System.nanoTime();
      return transfers.upload(users.get(user).accessToken(), roomId, "bench-" + i + ".pdf", payloads.get(user))
          .onSuccess(id -> {
            ids.set(i, id);
            latencyNanos[i] = System.nanoTime() - began;
          })
          .otherwiseEmpty(); // counted in the errors; the others go on
    }), RUN_TIMEOUT);
    double seconds = (System.nanoTime() - start) / 1e9;
    List<String> fileIds = new ArrayList<>();
    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      if (ids.get(i) != null) {
        fileIds.add(ids.get(i));
        latencies.add(latencyNanos[i]);
      }
    }
    return new Phase(total, fileIds.size(), (long) fileIds.size() * options.fileSize(), seconds, inFlight, latencies, fileIds);
  }

  private Phase downloads(FileTransfers transfers, TestUser reader, List<String> fileIds, int inFlight) throws Exception {
    long[] received = new long[fileIds.size()];
    long[] latencyNanos = new long[fileIds.size()];
    long start = System.nanoTime();
    Await.result(Throttle.run(fileIds.size(), inFlight, i -> {
      long began = System.nanoTime();
      return transfers.download(reader.accessToken(), fileIds.get(i)).onSuccess(bytes -> {
        received[i] = bytes;
        latencyNanos[i] = System.nanoTime() - began;
      }).otherwiseEmpty(); // counted in the errors; the others go on
    }), RUN_TIMEOUT);
    double seconds = (System.nanoTime() - start) / 1e9;
    long bytes = 0;
    int complete = 0;
    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < fileIds.size(); i++) {
      bytes += received[i];
      if (received[i] == options.fileSize()) {
        complete++;
        latencies.add(latencyNanos[i]);
      } else if (received[i] != 0) {
        harness.errors.add("download.short");
      }
    }
    return new Phase(fileIds.size(), complete, bytes, seconds, inFlight, latencies, List.of());
  }

  /** The server's live heap (with {@code --force-gc}), else its lowest of two plain readings. */
  private OptionalLong liveHeap() throws InterruptedException {
    return options.forceGc() ? harness.probe.liveHeapBytes() : harness.probe.lowestHeapBytes(2, Duration.ofMillis(200));
  }

  private static JsonObject withCpu(JsonObject phase, ServerProbe.CpuUsage cpu, long bytes) {
    if (cpu != null) {
      phase.put("serverCpu", new JsonObject().put("cpuSeconds", StepResult.round(cpu.cpuSeconds()))
          .put("coresBusy", StepResult.round(cpu.cpuSeconds() / Math.max(cpu.windowSeconds(), 1e-3)))
          .put("cpuMillisPerMiB", StepResult.round(bytes == 0 ? 0 : cpu.cpuSeconds() * 1e3 / (bytes / (1024.0 * 1024)))));
    }
    return phase;
  }

  /** A file the server types as a PDF: its head, then random bytes. */
  static byte[] pdf(int size) {
    byte[] bytes = new byte[size];
    ThreadLocalRandom.current().nextBytes(bytes);
    System.arraycopy(PDF_HEAD, 0, bytes, 0, PDF_HEAD.length);
    return bytes;
  }

  /** One phase's outcome: {@code attempted} transfers, {@code completed} of them whole. */
  private record Phase(int attempted, int completed, long bytes, double seconds, int inFlight, List<Long> latencyNanos,
      List<String> fileIds) {
    JsonObject toJson() {
      List<Long> sorted = new ArrayList<>(latencyNanos);
      Collections.sort(sorted);
      JsonObject latency = new JsonObject();
      if (!sorted.isEmpty()) {
        latency.put("p50", millis(sorted.get((sorted.size() - 1) / 2))).put("max", millis(sorted.get(sorted.size() - 1)))
            .put("mean", StepResult.round(sorted.stream().mapToLong(Long::longValue).average().orElse(0) / 1e6));
      }
      return new JsonObject()
          .put("attempted", attempted)
          .put("completed", completed)
          .put("inFlight", inFlight)
          .put("bytes", bytes)
          .put("seconds", StepResult.round(seconds))
          .put("mbPerSec", StepResult.round(bytes / MB / Math.max(seconds, 1e-3)))
          .put("perTransferMbPerSec", sorted.isEmpty() ? null
              : StepResult.round(bytes / (double) Math.max(completed, 1) / MB / (sorted.get((sorted.size() - 1) / 2) / 1e9)))
          .put("latencyMs", latency);
    }

    private static double millis(long nanos) {
      return StepResult.round(nanos / 1e6);
    }
  }

  /**
   * Reads the server's heap every interval on a thread of its own (the readings block) until closed:
   * the highest and the mean reading, and how many.
   */
  static final class HeapSampler implements AutoCloseable {
    private final ServerProbe probe;
    private final boolean forceGc;
    private final Duration interval;
    private final List<Long> readings = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch stop = new CountDownLatch(1);
    private Thread thread;

    HeapSampler(ServerProbe probe, boolean forceGc, Duration interval) {
      this.probe = probe;
      this.forceGc = forceGc;
      this.interval = interval;
    }

    HeapSampler start() {
      thread = new Thread(this::sample, "heap-sampler");
      thread.setDaemon(true);
      thread.start();
      return this;
    }

    private void sample() {
      try {
        do {
          OptionalLong heap = forceGc ? probe.liveHeapBytes() : probe.heapBytes();
          heap.ifPresent(readings::add);
        } while (!stop.await(interval.toMillis(), TimeUnit.MILLISECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop.countDown();
      thread.join(TimeUnit.MINUTES.toMillis(3));
    }

    JsonObject toJson() {
      List<Long> copy;
      synchronized (readings) {
        copy = List.copyOf(readings);
      }
      JsonObject json = new JsonObject().put("samples", copy.size()).put("intervalSeconds", interval.toMillis() / 1000.0);
      if (!copy.isEmpty()) {
        json.put("maxBytes", copy.stream().mapToLong(Long::longValue).max().getAsLong())
            .put("meanBytes", Math.round(copy.stream().mapToLong(Long::longValue).average().getAsDouble()))
            .put("readingsBytes", new JsonArray(copy));
      }
      return json;
    }
  }
}

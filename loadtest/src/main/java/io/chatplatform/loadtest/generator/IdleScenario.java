package io.chatplatform.loadtest.generator;

import io.chatplatform.loadtest.Options;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code idle}: what an idle connection costs the server. N users, each in two rooms of
 * {@code --room-size}, hold authenticated sockets (pinging, nothing else). The server's heap is
 * read from {@code /metrics} before connecting and after holding (each time the lowest of a few
 * readings; with {@code --force-gc} each reading follows a full GC forced with {@code jcmd <pid>
 * GC.run}, so it is the live set), its RSS from {@code /proc/<pid>/status}; the differences divided by
 * the connections are the figures. With {@code --force-gc} a class histogram ({@code jcmd <pid>
 * GC.class_histogram}) follows each reading, and what each class grew by per connection is in the
 * result ({@code heapClassesPerConnection}), for the report to attribute the bytes.
 *
 * <p>With {@code --processes K} the sockets are shared with K−1 worker processes (see
 * {@link WorkerFleet}); this process coordinates and measures.
 */
final class IdleScenario {
  private static final Logger LOG = LoggerFactory.getLogger(IdleScenario.class);
  private static final Duration WORKER_TIMEOUT = Duration.ofHours(1);

  private final Harness harness;
  private final Options options;

  IdleScenario(Harness harness) {
    this.harness = harness;
    this.options = harness.options;
  }

  RunResult run() throws Exception {
    harness.awaitServerReady();
    List<WorkerFleet.Share> shares = WorkerFleet.shares(options.connections(), options.processes(), options.userOffset());
    try (WorkerFleet fleet = WorkerFleet.start(options, shares.subList(1, shares.size()))) {
      List<TestUser> users = setUp(shares.get(0).connections());
      fleet.awaitReady(WORKER_TIMEOUT);

      LOG.info("reading the server's baseline heap");
      Duration interval = Duration.ofMillis(Math.round(options.heapIntervalSeconds() * 1000));
      OptionalLong heapBefore = readHeap(interval);
      OptionalLong rssBefore = harness.probe.rssBytes();
      Optional<HeapHistogram> histogramBefore = histogram();

      fleet.connectAll();
      Harness.ConnectOutcome outcome;
      LatencyRecorder latency = new LatencyRecorder();
      try (ProgressReporter progress = harness.connectProgress()) {
        outcome = harness.connect(users, i -> harness.errors::add);
        latency.add(outcome.latency());
        int connected = outcome.connected();
        int failed = outcome.failed();
        for (JsonObject report : fleet.awaitConnected(WORKER_TIMEOUT)) {
          connected += report.getInteger("connected");
          failed += report.getInteger("failed");
          latency.add(WorkerChannel.decode(report.getString("latency")));
          report.getJsonObject("errors").forEach(e -> harness.errors.add(e.getKey(), ((Number) e.getValue()).longValue()));
        }
        progress.label("holding " + connected + " sockets  ");
        LOG.info("{} sockets open ({} failed); holding them {} s", connected, failed, options.holdSeconds());
        TimeUnit.MILLISECONDS.sleep(Math.round(options.holdSeconds() * 1000));

        OptionalLong heapAfter = readHeap(interval);
        OptionalLong rssAfter = harness.probe.rssBytes();
        Optional<HeapHistogram> histogramAfter = histogram();
        JsonObject figures = new JsonObject()
            .put("connected", connected)
            .put("failed", failed)
            .put("connectSecondsThisProcess", outcome.seconds())
            .put("connectLatencyMs", latency.summary().toJson())
            .put("heapReadAfterForcedGc", options.forceGc());
        perConnection(figures, "heap", heapBefore, heapAfter, connected);
        perConnection(figures, "rss", rssBefore, rssAfter, connected);
        if (histogramBefore.isPresent() && histogramAfter.isPresent() && connected > 0) {
          figures.put("heapClassesPerConnection", histogramAfter.get().growthPerConnection(histogramBefore.get(), connected));
        }
        harness.closeAll(outcome.connections());
        JsonObject setup = new JsonObject().put("users", options.connections()).put("roomsPerUser", 2)
            .put("roomSize", options.roomSize()).put("processes", options.processes());
        return new RunResult(options, setup, List.of(), figures, harness.errors.snapshot());
      }
    }
  }

  /** A worker of {@code --processes}: sets up, connects when told, holds until told to stop. */
  void runWorker(WorkerChannel channel) throws Exception {
    harness.awaitServerReady();
    List<TestUser> users = setUp(options.connections());
    channel.send(WorkerChannel.READY);
    if (!channel.await(WorkerChannel.CONNECT)) {
      return;
    }
    Harness.ConnectOutcome outcome = harness.connect(users, i -> harness.errors::add);
    channel.send(WorkerChannel.CONNECTED + " " + new JsonObject()
        .put("connected", outcome.connected())
        .put("failed", outcome.failed())
        .put("seconds", outcome.seconds())
        .put("latency", WorkerChannel.encode(outcome.latency()))
        .put("errors", harness.errors.toJson()).encode());
    channel.await(WorkerChannel.STOP);
    harness.closeAll(outcome.connections());
  }

  /** The server's heap: after forced full GCs with {@code --force-gc}, else the lowest plain reading. */
  private OptionalLong readHeap(Duration interval) throws InterruptedException {
    return options.forceGc()
        ? harness.probe.heapBytesAfterGc(options.heapSamples(), interval)
        : harness.probe.lowestHeapBytes(options.heapSamples(), interval);
  }

  /**
   * With {@code --force-gc} only: the histogram forces a full collection of its own, which a run
   * without {@code --force-gc} asked not to do.
   */
  private Optional<HeapHistogram> histogram() throws InterruptedException {
    return options.forceGc() ? harness.probe.classHistogram() : Optional.empty();
  }

  private List<TestUser> setUp(int count) throws Exception {
    List<TestUser> users = harness.createUsers(count);
    harness.createRooms(Topology.twoRoomsEach(count, options.roomSize()), users);
    return users;
  }

  /** Adds {@code <name>BeforeBytes}, {@code <name>AfterBytes} and {@code <name>PerConnectionBytes} when both are known. */
  private static void perConnection(JsonObject figures, String name, OptionalLong before, OptionalLong after, int connections) {
    if (before.isEmpty() || after.isEmpty()) {
      figures.put(name + "PerConnectionBytes", (Object) null);
      return;
    }
    figures.put(name + "BeforeBytes", before.getAsLong()).put(name + "AfterBytes", after.getAsLong())
        .put(name + "PerConnectionBytes", connections == 0 ? 0 : (after.getAsLong() - before.getAsLong()) / connections);
  }
}

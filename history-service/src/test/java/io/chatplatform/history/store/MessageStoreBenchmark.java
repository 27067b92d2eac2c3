package io.chatplatform.history.store;

import io.chatplatform.history.HistoryConfig;

import io.chatplatform.contracts.history.HistoryApi.Append;
import io.chatplatform.contracts.history.HistoryApi.Appended;

import io.chatplatform.embeddedstore.EmbeddedMongo;
import io.chatplatform.runtime.Operations;
import io.chatplatform.runtime.Settings;
import io.vertx.core.Future;
import java.util.List;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.mongo.MongoClient;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The embedded store alone (bin/bench-store): {@link MessageStore#append} as history-service
 * calls it, through the real MongoDB client, against the in-process MongoDB-wire server on a
 * file (the embedded default) or in memory. Prints appends/s per slice and the process's CPU
 * time per append: the figures behind the store changes in docs/benchmarks.md.
 *
 * <p>Settings (system properties): {@code bench.store} {@code file}|{@code memory},
 * {@code bench.appends} (200,000), {@code bench.rooms} (500, as the {@code ack} part's direct
 * rooms), {@code bench.inflight} (200 appends outstanding).
 */
public final class MessageStoreBenchmark {
  public static void main(String[] args) throws Exception {
    String store = System.getProperty("bench.store", "file");
    int appends = Integer.getInteger("bench.appends", 200_000);
    int rooms = Integer.getInteger("bench.rooms", 500);
    int inflight = Integer.getInteger("bench.inflight", 200);
    Path dir = Files.createTempDirectory("bench-store");
    EmbeddedMongo mongo = store.equals("memory") ? EmbeddedMongo.inMemory() : EmbeddedMongo.onFile(dir.resolve("bench.mv"));
    Vertx vertx = Vertx.vertx();
    try {
      HistoryConfig config = HistoryConfig.from(Settings.of(Map.of("MONGO_URI", mongo.connectionString())));
      MongoClient client = MongoClient.create(vertx, config.mongo().clientConfig());
      MessageStore messages = new MessageStore(client, config, new Operations().registry());
      Promise<Void> done = Promise.promise();
      long cpuBefore = processCpuNanos();
      long[] started = new long[1];
      vertx.runOnContext(x -> messages.createIndexes().onComplete(indexes -> {
        started[0] = System.nanoTime();
        new Driver(messages, appends, rooms, done).start(inflight);
      }));
      done.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
      double seconds = (System.nanoTime() - started[0]) / 1e9;
      double cpuMicros = (processCpuNanos() - cpuBefore) / 1e3;
      System.out.printf("store=%s appends=%d rooms=%d inflight=%d: %.1f s, %.0f appends/s, process CPU %.1f s = %.0f µs per append%n",
          store, appends, rooms, inflight, seconds, appends / seconds, cpuMicros / 1e6, cpuMicros / appends);
    } finally {
      vertx.close().await();
      mongo.close();
    }
  }

  /** Keeps {@code inflight} appends outstanding until all are acknowledged; reports each slice. */
  private static final class Driver {
    private static final int SLICE = 20_000;
    private final MessageStore messages;
    private final int total;
    private final int rooms;
    private final Promise<Void> done;
    private int sent;
    private int acked;
    private long sliceStart = System.nanoTime();

    Driver(MessageStore messages, int total, int rooms, Promise<Void> done) {
      this.messages = messages;
      this.total = total;
      this.rooms = rooms;
      this.done = done;
    }

    void start(int inflight) {
      for (int i = 0; i < inflight; i++) {
        next();
      }
    }

    private void next() {
      if (sent == total) {
        return;
      }
      int i = sent++;
      Append message = new Append("room-" + (i % rooms), "user-" + (i % 1000), "m-" + i,
          "benchmark message " + i, List.of(), null, List.of(), System.currentTimeMillis());
      Future<Appended> appended = messages.append(message);
      appended.onComplete(result -> {
        if (result.failed()) {
          done.tryFail(result.cause());
          return;
        }
        if (++acked % SLICE == 0) {
          long now = System.nanoTime();
          System.out.printf("%,d appended: last %,d at %.0f/s%n", acked, SLICE, SLICE / ((now - sliceStart) / 1e9));
          sliceStart = now;
        }
        if (acked == total) {
          done.tryComplete();
        } else {
          next();
        }
      });
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}

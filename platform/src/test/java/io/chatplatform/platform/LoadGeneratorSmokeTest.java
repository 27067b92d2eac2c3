package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load generator, run as its command line from the jar the build made, against the embedded
 * platform: a short fan-out must lose nothing and duplicate nothing. It asserts counts only;
 * times and rates are the benchmarks' business (docs/benchmarks.md).
 */
@DisplayName("The load generator drives the embedded platform without loss or duplicates")
class LoadGeneratorSmokeTest {
  @TempDir Path dataDir;
  @TempDir Path out;

  @Test
  @DisplayName("a short fan-out (2 rooms x 5 members) delivers every message to every member exactly once")
  void fanoutSmoke() throws Exception {
    fanout("websocket");
  }

  @Test
  @DisplayName("the same over SockJS's websocket transport (--transport sockjs, the browsers' path): every message once, no error")
  void fanoutSmokeOverSockJs() throws Exception {
    fanout("sockjs");
  }

  private void fanout(String transport) throws Exception {
    try (PlatformFixture fx = new PlatformFixture(dataDir)) {
      // The "server" whose threads jcmd reads is this test's JVM, which runs the embedded platform.
      JsonObject step = generator(fx, "fanout", "--rooms", "2", "--members", "5", "--rate", "2", "--duration", "2", "--warmup", "1",
          "--drain", "10", "--transport", transport, "--server-pid", Long.toString(ProcessHandle.current().pid()))
          .getJsonArray("steps").getJsonObject(0);
      assertThat(step.getJsonObject("errors")).as("errors").isEmpty();
      JsonObject deliveries = step.getJsonObject("deliveries");
      JsonObject messages = step.getJsonObject("messages");
      assertThat(messages.getLong("sent")).isPositive();
      assertThat(messages.getLong("acked")).isEqualTo(messages.getLong("sent"));
      assertThat(deliveries.getLong("expected")).isEqualTo(messages.getLong("acked") * 5);
      assertThat(deliveries.getLong("received")).isEqualTo(deliveries.getLong("expected"));
      assertThat(deliveries.getLong("lost")).isZero();
      assertThat(deliveries.getLong("duplicated")).isZero();
      // The measured window's two thread readings: what the server allocated per stored message, and by which pool.
      JsonObject threads = step.getJsonObject("serverThreads");
      assertThat(threads).as("thread readings of the step").isNotNull();
      assertThat(threads.getLong("allocatedBytesPerMessage")).isPositive();
      assertThat(threads.getJsonArray("byPool").stream().map(JsonObject.class::cast))
          .anySatisfy(pool -> assertThat(pool.getString("threads")).isEqualTo("vert.x-eventloop-thread"));
    }
  }

  /**
   * bin/bench's push part, small: the server lets the generator's Web Push stand-in be called
   * (WEBPUSH_ALLOWED_ENDPOINTS) and decides after 200 ms instead of 10 s (PUSH_DELAY_MS, polling
   * every 50 ms) so the run lasts seconds. The stand-in verifies every VAPID token against the
   * server's key and decrypts every push as the browser would: none may be refused.
   */
  @Test
  @DisplayName("push-offline (2 rooms x 3 offline members): every member is pushed every message once, through the Web Push stand-in")
  void pushOfflineSmoke() throws Exception {
    int pushPort = freePort();
    try (PlatformFixture fx = new PlatformFixture(dataDir, Map.of("WEBPUSH_ALLOWED_ENDPOINTS", "http://127.0.0.1:" + pushPort + "/",
        "PUSH_DELAY_MS", "200", "PUSH_POLL_MS", "50"))) {
      JsonObject figures = generator(fx, "push-offline", "--rooms", "2", "--members", "3", "--room-rate", "2", "--duration", "2",
          "--warmup", "1", "--drain", "10", "--push-port", String.valueOf(pushPort), "--push-delay-ms", "200").getJsonObject("figures");
      JsonObject ledger = figures.getJsonObject("ledger");
      JsonObject pushes = figures.getJsonObject("pushes");
      assertThat(ledger.getLong("owed")).isPositive();
      assertThat(ledger.getLong("lost")).isZero();
      assertThat(ledger.getLong("duplicated")).isZero();
      assertThat(pushes.getLong("sent")).isPositive();
      assertThat(figures.getJsonObject("standInRefused")).as("every token verified, every push decrypted").isEmpty();
      assertThat(figures.getJsonObject("windowErrors")).isEmpty();
    }
  }

  @Test
  @DisplayName("push-online (rooms of 4 and 2, everyone acknowledging): decisions are made and nobody is pushed")
  void pushOnlineSmoke() throws Exception {
    int pushPort = freePort();
    // PUSH_DELAY_MS lowered from the production 10 s so that decisions fall inside the 4 s window:
    // 2.5 s to acknowledge. The receipts of this small run come back in milliseconds, but a clean
    // clone's build once held one back past a 1 s delay (a pause of the busy machine), and a member
    // that has not acknowledged in time is rightly pushed.
    try (PlatformFixture fx = new PlatformFixture(dataDir, Map.of("WEBPUSH_ALLOWED_ENDPOINTS", "http://127.0.0.1:" + pushPort + "/",
        "PUSH_DELAY_MS", "2500", "PUSH_POLL_MS", "100"))) {
      JsonObject figures = generator(fx, "push-online", "--rooms", "2", "--room-sizes", "4,2", "--room-rate", "2", "--duration", "4",
          "--warmup", "1", "--drain", "5", "--push-port", String.valueOf(pushPort), "--push-delay-ms", "2500").getJsonObject("figures");
      assertThat(figures.getBoolean("notificationService")).isTrue();
      for (Object o : figures.getJsonArray("steps")) {
        JsonObject step = (JsonObject) o;
        JsonObject receipts = step.getJsonObject("receipts");
        assertThat(step.getJsonObject("messages").getLong("acked")).isPositive();
        assertThat(receipts.getLong("answered")).as("every receipt answered").isEqualTo(receipts.getLong("asked")).isPositive();
        assertThat(step.getJsonObject("push").getLong("roomBatchesDecided")).isPositive();
        assertThat(step.getJsonObject("push").getLong("pushesDecided")).isZero();
        assertThat(step.getJsonObject("push").getLong("pushesAtStandIn")).isZero();
        assertThat(step.getJsonObject("errors")).isEmpty();
      }
    }
  }

  /** Runs the generator jar the build made against the platform; answers its result JSON. */
  /**
   * bin/bench's idle part, small: the "server" whose heap is read and histogrammed with jcmd is
   * this test's JVM, which runs the embedded platform. Every socket's ClientSession must show in
   * the histograms' difference: that is what the report attributes by component.
   */
  @Test
  @DisplayName("a short idle run (20 sockets) holds every socket and finds each one's ClientSession in the heap histogram")
  void idleSmoke() throws Exception {
    try (PlatformFixture fx = new PlatformFixture(dataDir)) {
      JsonObject figures = generator(fx, "idle", "--connections", "20", "--room-size", "5", "--hold", "0.5", "--force-gc",
          "--heap-samples", "1", "--server-pid", Long.toString(ProcessHandle.current().pid())).getJsonObject("figures");
      assertThat(figures.getInteger("connected")).isEqualTo(20);
      assertThat(figures.getInteger("failed")).isZero();
      JsonObject classes = figures.getJsonObject("heapClassesPerConnection");
      assertThat(classes).as("class histogram growth per connection").isNotNull();
      assertThat(classes.getJsonObject("io.chatplatform.gateway.socket.ClientSession")).as(classes.encode()).isNotNull();
      assertThat(classes.getJsonObject("io.chatplatform.gateway.socket.ClientSession").getDouble("instances"))
          .isGreaterThanOrEqualTo(1.0);
    }
  }

  private JsonObject generator(PlatformFixture fx, String... arguments) throws Exception {
    Path jar = Path.of("..", "loadtest", "target", "chat-loadtest.jar").toAbsolutePath().normalize();
    assertThat(jar).as("the build packages the load generator before the platform's tests").exists();
    Path result = out.resolve(arguments[0] + ".json");
    Path log = out.resolve(arguments[0] + "-generator.log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        jar.toString()));
    command.addAll(List.of(arguments));
    command.addAll(List.of("--url", "http://127.0.0.1:" + fx.port(), "--ops-url", "http://127.0.0.1:" + fx.platform.opsPort(),
        "--out", result.toString()));
    Process generator = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(generator.waitFor(120, TimeUnit.SECONDS)).as("the generator finishes").isTrue();
    assertThat(generator.exitValue()).as(Files.readString(log)).isZero();
    return new JsonObject(Files.readString(result));
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  @DisplayName("a short files run (2 uploaders) uploads every file whole and downloads every byte of it")
  void filesSmoke() throws Exception {
    int size = 64 * 1024;
    try (PlatformFixture fx = new PlatformFixture(dataDir)) {
      JsonObject json = generator(fx, "files", "--uploaders", "2", "--file-size", Integer.toString(size), "--files", "2",
          "--sequential-files", "2", "--heap-interval", "0.2");
      assertThat(json.getJsonObject("errors").isEmpty()).as("errors: " + json.getJsonObject("errors")).isTrue();
      JsonObject figures = json.getJsonObject("figures");
      assertWhole(figures.getJsonObject("sequential").getJsonObject("upload"), 2, size);
      assertWhole(figures.getJsonObject("sequential").getJsonObject("download"), 2, size);
      JsonObject concurrent = figures.getJsonObject("concurrent");
      assertWhole(concurrent.getJsonObject("upload"), 4, size);
      assertWhole(concurrent.getJsonObject("download"), 4, size);
      assertThat(concurrent.getJsonObject("heapDuringUploads").getInteger("samples")).as("heap read during the uploads").isPositive();
      assertThat(concurrent.getJsonObject("heapDuringUploads").getLong("maxBytes")).isPositive();
    }
  }

  /** Every transfer of the phase done, and exactly its files' bytes moved. */
  private static void assertWhole(JsonObject phase, int files, int size) {
    assertThat(phase.getInteger("attempted")).as(phase.encode()).isEqualTo(files);
    assertThat(phase.getInteger("completed")).as(phase.encode()).isEqualTo(files);
    assertThat(phase.getLong("bytes")).as(phase.encode()).isEqualTo((long) files * size);
  }
}

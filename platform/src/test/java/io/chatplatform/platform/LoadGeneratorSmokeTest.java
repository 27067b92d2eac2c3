package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    Path jar = Path.of("..", "loadtest", "target", "chat-loadtest.jar").toAbsolutePath().normalize();
    assertThat(jar).as("the build packages the load generator before the platform's tests").exists();
    try (PlatformFixture fx = new PlatformFixture(dataDir)) {
      Path result = out.resolve("smoke.json");
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
          "fanout", "--url", "http://127.0.0.1:" + fx.port(), "--ops-url", "http://127.0.0.1:" + fx.platform.opsPort(), "--rooms", "2", "--members", "5",
          "--rate", "2", "--duration", "2", "--warmup", "1", "--drain", "10", "--out", result.toString()));
      Process generator = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(out.resolve("generator.log").toFile()).start();
      assertThat(generator.waitFor(120, TimeUnit.SECONDS)).as("the generator finishes").isTrue();
      assertThat(generator.exitValue()).as(Files.readString(out.resolve("generator.log"))).isZero();

      JsonObject step = new JsonObject(Files.readString(result)).getJsonArray("steps").getJsonObject(0);
      JsonObject deliveries = step.getJsonObject("deliveries");
      JsonObject messages = step.getJsonObject("messages");
      assertThat(messages.getLong("sent")).isPositive();
      assertThat(messages.getLong("acked")).isEqualTo(messages.getLong("sent"));
      assertThat(deliveries.getLong("expected")).isEqualTo(messages.getLong("acked") * 5);
      assertThat(deliveries.getLong("received")).isEqualTo(deliveries.getLong("expected"));
      assertThat(deliveries.getLong("lost")).isZero();
      assertThat(deliveries.getLong("duplicated")).isZero();
    }
  }

  @Test
  @DisplayName("a short files run (2 uploaders) uploads every file whole and downloads every byte of it")
  void filesSmoke() throws Exception {
    Path jar = Path.of("..", "loadtest", "target", "chat-loadtest.jar").toAbsolutePath().normalize();
    assertThat(jar).as("the build packages the load generator before the platform's tests").exists();
    int size = 64 * 1024;
    try (PlatformFixture fx = new PlatformFixture(dataDir)) {
      Path result = out.resolve("files.json");
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
          "files", "--url", "http://127.0.0.1:" + fx.port(), "--ops-url", "http://127.0.0.1:" + fx.platform.opsPort(),
          "--uploaders", "2", "--file-size", Integer.toString(size), "--files", "2", "--sequential-files", "2",
          "--heap-interval", "0.2", "--out", result.toString()));
      Process generator = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(out.resolve("generator.log").toFile()).start();
      assertThat(generator.waitFor(120, TimeUnit.SECONDS)).as("the generator finishes").isTrue();
      String log = Files.readString(out.resolve("generator.log"));
      assertThat(generator.exitValue()).as(log).isZero();

      JsonObject json = new JsonObject(Files.readString(result));
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

package io.chatplatform.platform.chaos;

import io.chatplatform.testsupport.Await;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of the load generator's command line ({@code loadtest/target/chat-loadtest.jar}) as a
 * process of its own, its log and result JSON in the chaos run directory. The scenarios that need
 * hundreds or thousands of reconnecting clients use it: its sockets reconnect with jittered
 * backoff, sync and resend, and its ledger counts what each client ended up holding (loadtest/README.md).
 */
final class LoadRun implements AutoCloseable {
  final Path log;
  final Path result;
  final Process process;

  private LoadRun(Path log, Path result, Process process) {
    this.log = log;
    this.result = result;
    this.process = process;
  }

  /** Starts {@code java -jar chat-loadtest.jar <args…> --out <runDir>/<name>.json}. */
  static LoadRun start(Topology topology, String name, List<String> args) throws IOException {
    Path jar = topology.root.resolve("loadtest/target/chat-loadtest.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException("missing " + jar + " (build it: mvn -pl loadtest package)");
    }
    Path log = topology.runDir.resolve(name + ".log");
    Path result = topology.runDir.resolve(name + ".json");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-XX:+UseSerialGC", "-jar", jar.toString()));
    command.addAll(args);
    command.add("--out");
    command.add(result.toString());
    Files.writeString(topology.runDir.resolve("topology.txt"), name + ": " + String.join(" ", command) + "\n",
        java.nio.file.StandardOpenOption.APPEND);
    Process process = new ProcessBuilder(command).directory(topology.runDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    return new LoadRun(log, result, process);
  }

  /** Waits until the generator's log has a line containing {@code text} (e.g. "step 1:"). */
  void awaitLog(String text, Duration timeout) {
    Await.until("the generator to log '" + text + "' (" + log + ")", timeout, () -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("the generator exited with " + process.exitValue() + " before '" + text + "'; see " + log);
      }
      try {
        return Files.readString(log).contains(text);
      } catch (IOException e) {
        return false;
      }
    });
  }

  /** Waits for the generator to finish and returns its result JSON. */
  JsonObject await(Duration timeout) throws Exception {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the generator did not finish within " + timeout + "; see " + log);
    }
    if (!Files.exists(result)) {
      throw new AssertionError("the generator exited with " + process.exitValue() + " and no result; see " + log);
    }
    return new JsonObject(Files.readString(result));
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}

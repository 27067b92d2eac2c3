package io.chatplatform.loadtest.generator;

import io.chatplatform.loadtest.LoadTestMain;
import io.chatplatform.loadtest.Options;
import io.chatplatform.loadtest.Scenario;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker processes of {@code idle --processes K}: one process may open only so many files
 * (20,000 here), so K−1 child JVMs each hold a share of the sockets, with users of their own
 * ({@code --user-offset}). Speaks {@link WorkerChannel}'s protocol with them.
 */
final class WorkerFleet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerFleet.class);
  private static final String END_OF_OUTPUT = "\u0000eof";
  private static final long EXIT_TIMEOUT_S = 60;
  static final String LOG_TAG_PROPERTY = "loadtest.process";

  /** A share of the users: {@code connections} users numbered from {@code offset}. */
  record Share(int connections, int offset) {}

  private record Worker(Process process, PrintStream stdin, BlockingQueue<String> lines) {}

  private final List<Worker> workers = new ArrayList<>();

  private WorkerFleet() {}

  /** Splits {@code total} connections over {@code processes}, the first share being this process's. */
  static List<Share> shares(int total, int processes, int firstOffset) {
    List<Share> shares = new ArrayList<>();
    int offset = firstOffset;
    for (int p = 0; p < processes; p++) {
      int size = total / processes + (p < total % processes ? 1 : 0);
      shares.add(new Share(size, offset));
      offset += size;
    }
    return shares;
  }

  /** Starts one worker JVM per share, with this JVM's java, class path and JVM flags. */
  static WorkerFleet start(Options options, List<Share> shares) throws IOException {
    WorkerFleet fleet = new WorkerFleet();
    try {
      for (int i = 0; i < shares.size(); i++) {
        fleet.workers.add(launch(command(options, shares.get(i), i + 1)));
      }
    } catch (IOException | RuntimeException e) {
      fleet.close();
      throw e;
    }
    return fleet;
  }

  private static List<String> command(Options options, Share share, int number) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    // Tells the worker's log lines from the coordinator's on the shared stderr (see logback.xml).
    command.add("-D" + LOG_TAG_PROPERTY + "=[worker " + number + "] ");
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadTestMain.class.getName(),
        Scenario.IDLE.cliName, "--worker",
        "--url", options.url().toString(),
        "--ops-url", options.opsUrl().toString(),
        "--connections", Integer.toString(share.connections()),
        "--user-offset", Integer.toString(share.offset()),
        "--user-prefix", options.userPrefix(),
        "--password", options.password(),
        "--room-size", Integer.toString(options.roomSize()),
        "--concurrency", Integer.toString(options.concurrency()),
        "--setup-concurrency", Integer.toString(options.setupConcurrency()),
        "--event-loops", Integer.toString(options.eventLoops()),
        "--transport", options.transport().cliName()));
    return command;
  }

  private static Worker launch(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    // A reader thread per worker so the coordinator can wait with a timeout.
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        LOG.debug("worker output ended: {}", e.toString());
      }
      lines.add(END_OF_OUTPUT);
    }, "worker-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    LOG.info("worker process {} started", process.pid());
    return new Worker(process, new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8), lines);
  }

  void awaitReady(Duration timeout) throws Exception {
    for (Worker worker : workers) {
      awaitLine(worker, WorkerChannel.READY, timeout);
    }
  }

  void connectAll() {
    workers.forEach(w -> w.stdin().println(WorkerChannel.CONNECT));
  }

  /** Each worker's {@code CONNECTED} report. */
  List<JsonObject> awaitConnected(Duration timeout) throws Exception {
    List<JsonObject> reports = new ArrayList<>();
    for (Worker worker : workers) {
      String line = awaitLine(worker, WorkerChannel.CONNECTED, timeout);
      reports.add(new JsonObject(line.substring(WorkerChannel.CONNECTED.length()).trim()));
    }
    return reports;
  }

  private static String awaitLine(Worker worker, String prefix, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = worker.lines().poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new TimeoutException("worker " + worker.process().pid() + " did not say " + prefix);
      }
      if (line.equals(END_OF_OUTPUT)) {
        throw new IllegalStateException("worker " + worker.process().pid() + " exited before saying " + prefix);
      }
      if (line.startsWith(prefix)) {
        return line;
      }
      LOG.debug("worker {}: {}", worker.process().pid(), line);
    }
  }

  /** Tells every worker to stop, then waits for them (killing any that hangs). */
  @Override
  public void close() {
    for (Worker worker : workers) {
      worker.stdin().println(WorkerChannel.STOP);
      worker.stdin().close();
    }
    for (Worker worker : workers) {
      try {
        if (!worker.process().waitFor(EXIT_TIMEOUT_S, TimeUnit.SECONDS)) {
          LOG.warn("worker {} did not exit; killing it", worker.process().pid());
          worker.process().destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        worker.process().destroyForcibly();
      }
    }
  }
}

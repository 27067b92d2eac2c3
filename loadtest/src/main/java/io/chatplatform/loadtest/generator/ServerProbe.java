package io.chatplatform.loadtest.generator;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the generator reads about the server: CPU time and RSS from {@code /proc/<pid>} (when the
 * server runs on this machine and its pid is given) and the JVM heap from its {@code /metrics}.
 * All methods block, so they run on the orchestrating thread, never on an event loop.
 */
public final class ServerProbe {
  private static final Logger LOG = LoggerFactory.getLogger(ServerProbe.class);
  /** Linux's USER_HZ almost everywhere; {@code getconf CLK_TCK} says otherwise when it is not. */
  static final int DEFAULT_CLOCK_TICKS = 100;
  private static final Duration METRICS_TIMEOUT = Duration.ofSeconds(30);
  /** utime and stime are fields 14 and 15 of /proc/pid/stat: 12th and 13th after the ")" of comm. */
  private static final int UTIME_AFTER_COMM = 11;
  private static final int STIME_AFTER_COMM = 12;
  private static final String HEAP_METRIC = "jvm_memory_used_bytes{";
  private static final String HEAP_LABEL = "area=\"heap\"";
  private static final long BYTES_PER_KB = 1024;
  private static final long JCMD_TIMEOUT_S = 120;
  private static final String OPEN_FILES_LIMIT = "Max open files";
  /** A thread's header line of {@code Thread.print -e}: "name" … cpu=12.34ms … allocated=5678K … nid=0x1a2b. */
  private static final Pattern THREAD_LINE = Pattern.compile(
      "^\"(.*)\" .*?cpu=([0-9.]+)ms .*?(?:allocated=([0-9]+)([BKMG]) .*?)?nid=(0x[0-9a-f]+)");

  private final Long pid;
  private final int clockTicks;
  private final ChatApi api;

  ServerProbe(Long pid, ChatApi api) {
    this.pid = pid;
    this.api = api;
    this.clockTicks = pid == null ? DEFAULT_CLOCK_TICKS : clockTicksPerSecond();
  }

  /** Server CPU time (user + system) so far, in clock ticks; empty without a pid. */
  OptionalLong cpuTicks() {
    if (pid == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(parseCpuTicks(Files.readString(Path.of("/proc", pid.toString(), "stat"))));
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot read CPU time of process {}: {}", pid, e.toString());
      return OptionalLong.empty();
    }
  }

  /**
   * Server CPU time so far of its live threads but the JIT's (C1, C2 compilers, code sweeper), in clock ticks;
   * empty without a pid. Compiling is a fresh JVM's one-off work, not what a message costs, and on
   * a lightly loaded server it takes minutes to end: left in, it would be most of a window's CPU.
   */
  OptionalLong cpuTicksWithoutJit() {
    if (pid == null) {
      return OptionalLong.empty();
    }
    long ticks = 0;
    try (var tasks = Files.list(Path.of("/proc", pid.toString(), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          if (!isJitThread(Files.readString(task.resolve("comm")).trim())) {
            ticks += parseCpuTicks(Files.readString(task.resolve("stat")));
          }
        } catch (IOException e) {
          // the thread ended meanwhile: its time is gone from the sum, as it is from a later reading
        }
      }
      return OptionalLong.of(ticks);
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot read the threads of process {}: {}", pid, e.toString());
      return OptionalLong.empty();
    }
  }

  /** HotSpot's compiler threads and code cache sweeper, as /proc names them (15 characters: "C2 CompilerThre"). */
  static boolean isJitThread(String comm) {
    return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre") || comm.equals("Sweeper thread");
  }

  /** This process's own CPU time so far (user + system, every thread), in clock ticks. */
  static OptionalLong ownCpuTicks() {
    try {
      return OptionalLong.of(parseCpuTicks(Files.readString(Path.of("/proc/self/stat"))));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * This process's soft limit of open files ({@code Max open files} of {@code /proc/self/limits}),
   * as written there: a number or {@code unlimited}; empty when unreadable.
   */
  public static Optional<String> ownOpenFilesLimit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith(OPEN_FILES_LIMIT)) {
          return Optional.of(line.substring(OPEN_FILES_LIMIT.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot read /proc/self/limits: {}", e.toString());
    }
    return Optional.empty();
  }

  /** CPU used between two {@link #cpuTicks()} readings taken {@code windowSeconds} apart; null when unknown. */
  CpuUsage usage(OptionalLong startTicks, OptionalLong endTicks, double windowSeconds) {
    if (startTicks.isEmpty() || endTicks.isEmpty()) {
      return null;
    }
    return new CpuUsage((endTicks.getAsLong() - startTicks.getAsLong()) / (double) clockTicks, windowSeconds, clockTicks);
  }

  /**
   * Whether the server process still runs (not gone, not a zombie); null without a pid. A server
   * that died during a run explains its losses better than any figure.
   */
  Boolean alive() {
    if (pid == null) {
      return null;
    }
    try {
      String stat = Files.readString(Path.of("/proc", pid.toString(), "stat"));
      return parseState(stat) != 'Z';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The state letter of /proc/pid/stat (R, S, D, Z, …). */
  static char parseState(String stat) {
    return afterComm(stat).charAt(0);
  }

  /** Resident set size of the server process; empty without a pid. */
  OptionalLong rssBytes() {
    if (pid == null) {
      return OptionalLong.empty();
    }
    try {
      return parseRssBytes(Files.readString(Path.of("/proc", pid.toString(), "status")));
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot read RSS of process {}: {}", pid, e.toString());
      return OptionalLong.empty();
    }
  }

  /** The heap in use as the server reports it (sum of its heap pools), or empty if unreadable. */
  OptionalLong heapBytes() {
    try {
      return parseHeapBytes(Await.result(api.get("/metrics"), METRICS_TIMEOUT));
    } catch (Exception e) {
      LOG.warn("cannot read the server's /metrics: {}", e.toString());
      return OptionalLong.empty();
    }
  }

  /**
   * The lowest of {@code samples} heap readings {@code interval} apart. Nothing is asked of the
   * server (no GC is forced): the lowest reading is the closest to the live set, since between
   * collections the heap only grows.
   */
  OptionalLong lowestHeapBytes(int samples, Duration interval) throws InterruptedException {
    return lowestHeapBytes(samples, interval, false);
  }

  /**
   * The lowest of {@code samples} heap readings {@code interval} apart, each right after a full
   * collection forced with {@code jcmd <pid> GC.run} ({@code System.gc()} in the server: a full,
   * stop-the-world collection with G1, Parallel and Serial), so the reading is the live set and
   * not whatever garbage the young generation holds. Empty without a pid or when jcmd fails.
   */
  OptionalLong heapBytesAfterGc(int samples, Duration interval) throws InterruptedException {
    if (pid == null) {
      return OptionalLong.empty();
    }
    return lowestHeapBytes(samples, interval, true);
  }

  /** The lowest of {@code samples} readings; with {@code gcFirst} each follows {@link #forceGc()}, and a failed one gives up. */
  private OptionalLong lowestHeapBytes(int samples, Duration interval, boolean gcFirst) throws InterruptedException {
    OptionalLong lowest = OptionalLong.empty();
    for (int i = 0; i < samples; i++) {
      if (i > 0) {
        TimeUnit.MILLISECONDS.sleep(interval.toMillis());
      }
      if (gcFirst && !forceGc()) {
        return OptionalLong.empty();
      }
      OptionalLong heap = heapBytes();
      if (heap.isPresent() && (lowest.isEmpty() || heap.getAsLong() < lowest.getAsLong())) {
        lowest = heap;
      }
    }
    return lowest;
  }

  /** Runs {@code jcmd <pid> GC.run} and waits for it; false (logged) when it did not succeed. */
  boolean forceGc() throws InterruptedException {
    long start = System.nanoTime();
    if (jcmd("GC.run").isEmpty()) {
      return false;
    }
    LOG.info("forced a full GC in process {} ({} ms)", pid, (System.nanoTime() - start) / 1_000_000);
    return true;
  }

  /**
   * Every thread's CPU time and allocated bytes so far, by native thread id, from {@code jcmd <pid>
   * Thread.print -e} (the JVM's own per-thread accounting: exact CPU, allocation from the TLABs);
   * empty without a pid or when jcmd fails. The VM's own threads (GC, compiler) have CPU and no
   * allocation.
   */
  Optional<Map<String, ThreadUse>> threads() throws InterruptedException {
    return pid == null ? Optional.empty() : jcmd("Thread.print", "-e").map(ServerProbe::parseThreads);
  }

  /**
   * A thread's pool, the same in every process: its name without its numbers and run-specific
   * parts ("vert.x-eventloop-thread-3" → "vert.x-eventloop-thread", "AsyncGetter-4-thread-1" →
   * "AsyncGetter-thread", a store writer's file path dropped). Idempotent.
   */
  public static String poolOf(String threadName) {
    String pool = threadName.replaceAll("\\{.*}", "{}").replaceAll(" /.*", "").replaceAll("-[0-9]+-", "-")
        .replaceAll("[-#_ ]?[0-9]+$", "");
    return pool.isEmpty() ? threadName : pool;
  }

  /** One thread's use so far: its name, CPU time and bytes allocated. */
  record ThreadUse(String name, double cpuMillis, long allocatedBytes) {
    String group() {
      return poolOf(name);
    }
  }

  static Map<String, ThreadUse> parseThreads(String dump) {
    Map<String, ThreadUse> threads = new HashMap<>();
    for (String line : dump.split("\n")) {
      Matcher m = THREAD_LINE.matcher(line);
      if (m.find()) {
        long allocated = m.group(3) == null ? 0 : Long.parseLong(m.group(3)) * switch (m.group(4)) {
          case "K" -> 1024L;
          case "M" -> 1024L * 1024;
          case "G" -> 1024L * 1024 * 1024;
          default -> 1L;
        };
        threads.put(m.group(5), new ThreadUse(m.group(1), Double.parseDouble(m.group(2)), allocated));
      }
    }
    return threads;
  }

  /**
   * The server's live heap: the total of {@code jcmd <pid> GC.class_histogram}, which walks the heap
   * right after a full collection inside the same pause. Unlike a {@code /metrics} reading after
   * {@link #forceGc()}, nothing the server allocates between the collection and the reading is
   * counted: under a load that allocates 100 MB/s, that is tens of MB. Empty without a pid or
   * when jcmd fails.
   */
  OptionalLong liveHeapBytes() throws InterruptedException {
    if (pid == null) {
      return OptionalLong.empty();
    }
    return jcmd("GC.class_histogram").map(ServerProbe::parseHistogramTotalBytes).orElse(OptionalLong.empty());
  }

  /**
   * The server's live heap by class: {@code jcmd <pid> GC.class_histogram}, taken inside the full
   * collection it forces. Empty without a pid or when jcmd fails.
   */
  Optional<HeapHistogram> classHistogram() throws InterruptedException {
    return pid == null ? Optional.empty() : jcmd("GC.class_histogram").map(HeapHistogram::parse);
  }

  /** The bytes of the {@code Total} line of a class histogram ({@code Total  <instances>  <bytes>}). */
  static OptionalLong parseHistogramTotalBytes(String histogram) {
    for (String line : histogram.split("\n")) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 3 && parts[0].equals("Total")) {
        try {
          return OptionalLong.of(Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }

  /** The server's /metrics page (Prometheus text), or empty when unreadable. */
  Optional<ServerMetrics> metrics() {
    try {
      return Optional.of(new ServerMetrics(Await.result(api.get("/metrics"), METRICS_TIMEOUT)));
    } catch (Exception e) {
      LOG.warn("cannot read the server's /metrics: {}", e.toString());
      return Optional.empty();
    }
  }

  /** {@code jcmd <pid> <command…>}'s output; empty (logged) when it did not succeed. */
  private Optional<String> jcmd(String... command) throws InterruptedException {
    List<String> line = new java.util.ArrayList<>(List.of(jcmd(), pid.toString()));
    line.addAll(List.of(command));
    try {
      Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
      String output;
      try (InputStream out = process.getInputStream()) {
        output = new String(out.readAllBytes(), StandardCharsets.UTF_8).trim();
      }
      if (!process.waitFor(JCMD_TIMEOUT_S, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        LOG.warn("{} did not finish within {} s", String.join(" ", line), JCMD_TIMEOUT_S);
        return Optional.empty();
      }
      if (process.exitValue() != 0) {
        LOG.warn("{} failed ({}): {}", String.join(" ", line), process.exitValue(), output);
        return Optional.empty();
      }
      return Optional.of(output);
    } catch (IOException e) {
      LOG.warn("cannot run {}: {}", String.join(" ", line), e.toString());
      return Optional.empty();
    }
  }

  /** The jcmd beside this JVM's java (same JDK as the server's when both come from PATH), else "jcmd". */
  static String jcmd() {
    return ProcessHandle.current().info().command()
        .map(java -> Path.of(java).resolveSibling("jcmd"))
        .filter(Files::isExecutable)
        .map(Path::toString)
        .orElse("jcmd");
  }

  static long parseCpuTicks(String stat) {
    String[] fields = afterComm(stat).split("\\s+");
    return Long.parseLong(fields[UTIME_AFTER_COMM]) + Long.parseLong(fields[STIME_AFTER_COMM]);
  }

  /** /proc/pid/stat from field 3 on: comm (field 2) may contain spaces and parentheses, so the fields resume after the last ")". */
  private static String afterComm(String stat) {
    return stat.substring(stat.lastIndexOf(')') + 2).trim();
  }

  static OptionalLong parseRssBytes(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
        return OptionalLong.of(Long.parseLong(parts[0]) * BYTES_PER_KB);
      }
    }
    return OptionalLong.empty();
  }

  /** Sums every {@code jvm_memory_used_bytes{area="heap",…}} sample of a Prometheus text page. */
  public static OptionalLong parseHeapBytes(String metrics) {
    double sum = 0;
    boolean found = false;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(HEAP_METRIC) && line.contains(HEAP_LABEL)) {
        String[] parts = line.substring(line.lastIndexOf('}') + 1).trim().split("\\s+");
        sum += Double.parseDouble(parts[0]);
        found = true;
      }
    }
    return found ? OptionalLong.of(Math.round(sum)) : OptionalLong.empty();
  }

  /** CLK_TCK from {@code getconf}, or {@link #DEFAULT_CLOCK_TICKS}. */
  static int clockTicksPerSecond() {
    try {
      Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      try (InputStream out = process.getInputStream()) {
        String text = new String(out.readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (process.waitFor(5, TimeUnit.SECONDS) && process.exitValue() == 0) {
          return Integer.parseInt(text);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("getconf CLK_TCK failed: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return DEFAULT_CLOCK_TICKS;
  }

  /** Server CPU over a window. */
  public record CpuUsage(double cpuSeconds, double windowSeconds, int clockTicks) {
    /** CPU time per unit of work, in microseconds; 0 when there was no work. */
    public static double microsPer(double cpuSeconds, long units) {
      return units == 0 ? 0 : cpuSeconds * 1e6 / units;
    }

    JsonObject toJson(long deliveries, long messages) {
      return new JsonObject()
          .put("cpuSeconds", StepResult.round(cpuSeconds))
          .put("windowSeconds", StepResult.round(windowSeconds))
          .put("coresBusy", StepResult.round(cpuSeconds / windowSeconds))
          .put("cpuMicrosPerDelivery", StepResult.round(microsPer(cpuSeconds, deliveries)))
          .put("cpuMicrosPerMessage", StepResult.round(microsPer(cpuSeconds, messages)))
          .put("clockTicksPerSecond", clockTicks);
    }
  }
}

package io.chatplatform.loadtest.report;

import io.chatplatform.loadtest.LoadTestMain;
import io.chatplatform.loadtest.generator.ServerProbe;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code report}: turns the result files of a {@code bin/bench} run into the results section of
 * {@code docs/benchmarks.md} (between {@link #BEGIN} and {@link #END}; the rest of the document is
 * left alone) and publishes the files it shows in the assets folder beside the document
 * ({@code docs/benchmarks/}: the JSON results, the generator's SVG charts and a chart comparing
 * the platform with the relay).
 *
 * <p>The section is always written from the published set, so a partial run ({@code bin/bench
 * idle}) replaces the idle figures and keeps the others, each part saying when it was measured
 * and on which revision. A result that failed in this run replaces the published one with the
 * reason ({@code <name>.failed} in the run folder), so stale figures never pass for current.
 */
public final class BenchReport {
  public static final String COMMAND = "report";
  static final String BEGIN = "<!-- results:begin -->";
  static final String END = "<!-- results:end -->";
  /** Fan-out target: p99 delivery latency at or below this, in ms. */
  static final double FANOUT_P99_TARGET_MS = 50;
  static final double FANOUT_DELIVERIES_TARGET = 50_000;
  static final double EFFICIENCY_RATIO_TARGET = 1.3;
  static final double ACK_P99_TARGET_MS = 20;
  static final double ACK_RATE_TARGET = 1_000;
  static final long IDLE_HEAP_TARGET_BYTES = 8 * 1024;
  static final int IDLE_CONNECTIONS_TARGET = 15_000;
  /** Connect storm against a warm server (the last pass of {@code storm-warm}), connections/s. */
  static final double STORM_RATE_TARGET = 2_000;
  /** Connect storm against a freshly started server ({@code storm}: after a crash every client returns at once), connections/s. */
  static final double STORM_FRESH_RATE_TARGET = 1_000;
  /** A generator send lag p99 above this (ms) means the generator, not only the server, fell behind. */
  static final double GENERATOR_LAG_WARN_MS = 10;
  private static final String FAILED = ".failed";
  private static final String FAILED_TXT = ".failed.txt";
  private static final String JSON = ".json";
  private static final String SVG = ".svg";
  static final String COMPARE_CHART = "fanout-compare.svg";
  private static final double KIB = 1024;
  private static final double MIB = 1024 * 1024;
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT);

  /** The result files of a bench run: {@code <name>.json} (and {@code .svg}), by the part that writes them. */
  enum Result {
    FANOUT_PLATFORM("fanout", "fanout-platform"),
    EFFICIENCY_PLATFORM("efficiency", "efficiency-platform"),
    EFFICIENCY_RELAY("efficiency", "efficiency-relay"),
    FANOUT_RELAY("efficiency", "fanout-relay"),
    ACK("ack", "ack"),
    ACK_RELAY("ack", "ack-relay"),
    IDLE("idle", "idle"),
    IDLE_RELAY("idle", "idle-relay"),
    IDLE_RELAY_STRICT("idle", "idle-relay-strict"),
    IDLE_LEAN("idle", "idle-lean"),
    STORM("storm", "storm"),
    STORM_RELAY("storm", "storm-relay"),
    STORM_WARM("storm-warm", "storm-warm"),
    STORM_WARM_RELAY("storm-warm", "storm-warm-relay"),
    PUSH_OFFLINE("push", "push-offline"),
    PUSH_ONLINE("push", "push-online"),
    PUSH_ONLINE_BASELINE("push", "push-online-baseline"),
    FILES("files", "files");

    final String part;
    final String fileName;

    Result(String part, String fileName) {
      this.part = part;
      this.fileName = fileName;
    }
  }

  /** What the command line asked. */
  record Request(Path runDir, Path doc, Path assets, Long elapsedSeconds, String command, String revision) {}

  /** Where the published files are, and how the document links to them (relative to the document). */
  record Place(Path assets, String link) {
    static Place of(Path doc, Path assets) {
      Path from = doc.toAbsolutePath().normalize().getParent();
      String link = from.relativize(assets.toAbsolutePath().normalize()).toString().replace('\\', '/');
      return new Place(assets, link.isEmpty() ? "." : link);
    }
  }

  /** A published result: its JSON, or why it failed. */
  record Published(JsonObject json, String failure) {
    boolean ok() {
      return json != null;
    }
  }

  private BenchReport() {}

  public static int run(String[] args, PrintStream stdout) {
    Request request;
    try {
      request = parse(args);
    } catch (IllegalArgumentException e) {
      stdout.println("error: " + e.getMessage());
      stdout.print(usage());
      return LoadTestMain.EXIT_USAGE;
    }
    if (request == null) {
      stdout.print(usage());
      return LoadTestMain.EXIT_OK;
    }
    try {
      List<String> published = publish(request.runDir(), request.assets());
      String section = section(request, load(request.assets()), Machine.read(request.runDir()));
      replaceSection(request.doc(), section);
      stdout.println("published " + (published.isEmpty() ? "nothing new" : String.join(", ", published)) + " to " + request.assets());
      stdout.println("rewrote the results section of " + request.doc());
      return LoadTestMain.EXIT_OK;
    } catch (IOException | RuntimeException e) {
      stdout.println("error: " + e);
      return LoadTestMain.EXIT_FAILED;
    }
  }

  static String usage() {
    return """
        usage: java -jar loadtest/target/chat-loadtest.jar report --run-dir D [options]
          --run-dir D           folder of a bin/bench run (fanout-platform.json, efficiency-*.json, ack.json, …)
          --doc F               the document whose results section is rewritten [default docs/benchmarks.md]
          --assets D            where the shown files are published [default: benchmarks/ beside the document]
          --elapsed-seconds N   how long the run took (shown)
          --command C           the command that ran (shown), e.g. "bin/bench all"
          --revision R          the code measured (shown), e.g. git describe --always --dirty
        """;
  }

  /** Null for --help. */
  static Request parse(String[] args) {
    Map<String, String> given = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return null;
      }
      if (!arg.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got: " + arg);
      }
      String name = arg.substring(2);
      if (!List.of("run-dir", "doc", "assets", "elapsed-seconds", "command", "revision").contains(name)) {
        throw new IllegalArgumentException("unknown option: " + arg);
      }
      given.put(name, args[++i]);
    }
    if (!given.containsKey("run-dir")) {
      throw new IllegalArgumentException("--run-dir is required");
    }
    Path doc = Path.of(given.getOrDefault("doc", "docs/benchmarks.md"));
    Path assets = given.containsKey("assets") ? Path.of(given.get("assets"))
        : doc.toAbsolutePath().resolveSibling("benchmarks");
    Long elapsed;
    try {
      elapsed = given.containsKey("elapsed-seconds") ? Long.parseLong(given.get("elapsed-seconds")) : null;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--elapsed-seconds must be a whole number");
    }
    return new Request(Path.of(given.get("run-dir")), doc, assets, elapsed, given.get("command"), given.get("revision"));
  }

  /**
   * Copies this run's results into {@code assets}: a JSON (and its chart) replaces the published
   * one, a {@code .failed} note replaces it too; results the run did not make stay as they were.
   * Then redraws the platform-vs-relay chart. Returns the names published.
   */
  static List<String> publish(Path runDir, Path assets) throws IOException {
    Files.createDirectories(assets);
    List<String> published = new ArrayList<>();
    for (Result r : Result.values()) {
      Path json = runDir.resolve(r.fileName + JSON);
      Path svg = runDir.resolve(r.fileName + SVG);
      Path failed = runDir.resolve(r.fileName + FAILED);
      if (Files.isRegularFile(json)) {
        Files.copy(json, assets.resolve(r.fileName + JSON), StandardCopyOption.REPLACE_EXISTING);
        if (Files.isRegularFile(svg)) {
          Files.copy(svg, assets.resolve(r.fileName + SVG), StandardCopyOption.REPLACE_EXISTING);
        } else {
          Files.deleteIfExists(assets.resolve(r.fileName + SVG));
        }
        Files.deleteIfExists(assets.resolve(r.fileName + FAILED_TXT));
        published.add(r.fileName);
      } else if (Files.isRegularFile(failed)) {
        Files.copy(failed, assets.resolve(r.fileName + FAILED_TXT), StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(assets.resolve(r.fileName + JSON));
        Files.deleteIfExists(assets.resolve(r.fileName + SVG));
        published.add(r.fileName + " (failed)");
      }
    }
    Map<Result, Published> results = load(assets);
    Optional<String> compare = compareChart(results.get(Result.FANOUT_PLATFORM), results.get(Result.FANOUT_RELAY));
    if (compare.isPresent()) {
      Files.writeString(assets.resolve(COMPARE_CHART), compare.get(), StandardCharsets.UTF_8);
    } else {
      Files.deleteIfExists(assets.resolve(COMPARE_CHART));
    }
    return published;
  }

  /** The published results (null where there is none). */
  static Map<Result, Published> load(Path assets) throws IOException {
    Map<Result, Published> results = new LinkedHashMap<>();
    for (Result r : Result.values()) {
      Path json = assets.resolve(r.fileName + JSON);
      Path failed = assets.resolve(r.fileName + FAILED_TXT);
      if (Files.isRegularFile(json)) {
        results.put(r, new Published(new JsonObject(Files.readString(json, StandardCharsets.UTF_8)), null));
      } else if (Files.isRegularFile(failed)) {
        results.put(r, new Published(null, Files.readString(failed, StandardCharsets.UTF_8)));
      } else {
        results.put(r, null);
      }
    }
    return results;
  }

  /** Delivery p50 and p99 of the platform and of the relay against offered deliveries/s, with the p99 target. */
  static Optional<String> compareChart(Published platform, Published relay) {
    if (platform == null || !platform.ok() || relay == null || !relay.ok()
        || steps(platform.json()).size() < 2 || steps(relay.json()).size() < 2) {
      return Optional.empty();
    }
    double[] px = column(platform.json(), s -> s.getDouble("offeredDeliveriesPerSec"));
    double[] rx = column(relay.json(), s -> s.getDouble("offeredDeliveriesPerSec"));
    double xMax = Math.max(px[px.length - 1], rx[rx.length - 1]);
    List<SvgChart.Series> series = List.of(
        new SvgChart.Series("platform p50", "#1f77b4", false, column(platform.json(), s -> latency(s, "deliveryLatencyMs", "p50")), px),
        new SvgChart.Series("platform p99", "#d62728", false, column(platform.json(), s -> latency(s, "deliveryLatencyMs", "p99")), px),
        new SvgChart.Series("relay p50", "#1f77b4", true, column(relay.json(), s -> latency(s, "deliveryLatencyMs", "p50")), rx),
        new SvgChart.Series("relay p99", "#d62728", true, column(relay.json(), s -> latency(s, "deliveryLatencyMs", "p99")), rx),
        new SvgChart.Series("target p99 ≤ " + fmt(FANOUT_P99_TARGET_MS) + " ms", "#999999", true,
            new double[] {FANOUT_P99_TARGET_MS, FANOUT_P99_TARGET_MS}, new double[] {0, xMax}));
    JsonObject p = platform.json().getJsonObject("parameters");
    String title = "fanout " + p.getInteger("rooms") + " × " + p.getInteger("members") + ": platform vs baseline relay, delivery latency\n"
        + "platform measured " + when(platform.json().getString("writtenAt")) + ", relay " + when(relay.json().getString("writtenAt"))
        + (p.getString("label") != null ? " (" + p.getString("label") + ")" : "");
    return Optional.of(SvgChart.render(title, "offered deliveries/s", "delivery latency (ms)", px, series));
  }

  // ---------------------------------------------------------------- the section

  static String section(Request request, Map<Result, Published> results, Machine machine) {
    StringBuilder md = new StringBuilder();
    md.append(BEGIN).append('\n');
    md.append("<!-- Generated by `java -jar loadtest/target/chat-loadtest.jar report` (bin/bench): edits here are overwritten. -->\n\n");
    md.append("Last run: ").append(code(request.command() == null ? "bin/bench" : request.command()))
        .append(", finished ").append(machine.now());
    if (request.elapsedSeconds() != null) {
      md.append(", took ").append(duration(request.elapsedSeconds()));
    }
    if (request.revision() != null) {
      md.append(", on revision ").append(code(request.revision()));
    }
    md.append(". Each part below says when it was measured: a partial run (`bin/bench idle`) replaces only its own part.\n\n");

    md.append("### Machine of the last run\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| CPU | ").append(machine.cpuModel()).append(" (nproc ").append(machine.cores()).append(") |\n");
    md.append("| memory | ").append(machine.memory()).append(" |\n");
    md.append("| OS | ").append(machine.os()).append(" |\n");
    md.append("| Java | ").append(machine.java()).append(" |\n");
    md.append("| open files per process | ").append(machine.fileLimit()).append(" |\n");
    md.append("| date | ").append(machine.now()).append(" |\n\n");
    md.append("Server and generator run on this same machine and share its cores: the figures compare servers under the same "
        + "conditions; they are not the capacity of a dedicated server. A part measured on another machine says so where it "
        + "says when it was measured (results written before the machine was recorded say nothing).\n\n");

    summary(md, results);
    Place place = Place.of(request.doc(), request.assets());
    fanout(md, results.get(Result.FANOUT_PLATFORM), place);
    efficiency(md, results, place);
    ack(md, results, place);
    IdleReport.section(md, results, place);
    storm(md, results, place);
    PushReport.section(md, results, place);
    FilesReport.section(md, results.get(Result.FILES), place);
    md.append(END);
    return md.toString();
  }

  private static void summary(StringBuilder md, Map<Result, Published> results) {
    md.append("### Summary against the targets\n\n");
    md.append("| figure | target | measured | verdict |\n|---|---|---|---|\n");

    Published fanout = results.get(Result.FANOUT_PLATFORM);
    if (fanout != null && fanout.ok()) {
      Optional<JsonObject> best = bestCleanStep(fanout.json());
      JsonArray steps = steps(fanout.json());
      JsonObject top = steps.isEmpty() ? null : steps.getJsonObject(steps.size() - 1);
      md.append("| fan-out 10×100: highest step with zero loss and delivery p99 ≤ ").append(fmt(FANOUT_P99_TARGET_MS))
          .append(" ms | ≥ ").append(fmt(FANOUT_DELIVERIES_TARGET)).append(" delivered/s | ")
          .append(best.map(s -> fmt(s.getDouble("deliveredPerSec")) + " delivered/s (p99 " + ms(latency(s, "deliveryLatencyMs", "p99"))
              + ")").orElse("no step qualifies"))
          .append(" | ").append(verdict(best.map(s -> s.getDouble("deliveredPerSec") >= FANOUT_DELIVERIES_TARGET).orElse(false)))
          .append(" |\n");
      if (top != null) {
        md.append("| fan-out 10×100, top step (offered ").append(fmt(top.getDouble("offeredDeliveriesPerSec")))
            .append(" deliveries/s) | delivered all, p99 ≤ ").append(fmt(FANOUT_P99_TARGET_MS)).append(" ms, lost 0 | ")
            .append(fmt(top.getDouble("deliveredPerSec"))).append(" delivered/s, p99 ")
            .append(ms(latency(top, "deliveryLatencyMs", "p99"))).append(", lost ").append(fmt(lost(top))).append(" | ")
            .append(verdict(clean(top) && top.getDouble("deliveredPerSec") >= FANOUT_DELIVERIES_TARGET)).append(" |\n");
      }
    } else {
      md.append("| fan-out 10×100 | ≥ 50,000 delivered/s, p99 ≤ 50 ms, lost 0 | ").append(missing(fanout)).append(" | — |\n");
    }

    Optional<Double> ratio = efficiencyRatio(results);
    md.append("| CPU per delivery, platform ÷ relay, same offered rate | ≤ ").append(fmt(EFFICIENCY_RATIO_TARGET)).append(" | ")
        .append(ratio.map(r -> fmt(r) + " ×").orElse(missing(results.get(Result.EFFICIENCY_PLATFORM)))).append(" | ")
        .append(ratio.map(r -> verdict(r <= EFFICIENCY_RATIO_TARGET)).orElse("—")).append(" |\n");
    MessageCostReport.summaryRows(md, results);

    Published ack = results.get(Result.ACK);
    JsonObject s = ack != null && ack.ok() ? firstStep(ack.json()) : null;
    if (s != null) {
      double p99 = latency(s, "ackLatencyMs", "p99");
      JsonObject m = s.getJsonObject("messages");
      long failed = failedOrUnanswered(s);
      md.append("| ack p99 at ").append(fmt(ACK_RATE_TARGET)).append(" chat.send/s | ≤ ").append(fmt(ACK_P99_TARGET_MS)).append(" ms | ");
      if (m.getLong("acked") == 0) {
        md.append("no send acknowledged at ").append(fmt(s.getDouble("offeredMsgsPerSec"))).append(" sends/s: ").append(fmt(failed))
            .append(" of ").append(fmt(m.getLong("sent"))).append(" failed or unanswered (").append(errors(s.getJsonObject("errors")))
            .append(")");
      } else {
        md.append(ms(p99)).append(" at ").append(fmt(s.getDouble("offeredMsgsPerSec"))).append(" sends/s");
      }
      if (failed > 0 && m.getLong("acked") > 0) {
        md.append(" (p99 of the acked ones: only ").append(fmt(s.getDouble("ackedMsgsPerSec"))).append(" acked/s; ").append(fmt(failed))
            .append(" of ").append(fmt(m.getLong("sent"))).append(" sends failed or unanswered: ").append(errors(s.getJsonObject("errors")))
            .append(")");
      }
      md.append(" | ").append(verdict(ackMet(s))).append(" |\n");
    } else {
      md.append("| ack p99 at 1,000 chat.send/s | ≤ 20 ms | ").append(missing(ack)).append(" | — |\n");
    }

    Published idle = results.get(Result.IDLE);
    if (idle != null && idle.ok()) {
      JsonObject f = idle.json().getJsonObject("figures");
      Long perConnection = f.getLong("heapPerConnectionBytes");
      int connected = f.getInteger("connected", 0);
      md.append("| idle: heap per connection after GC, ").append(fmt(IDLE_CONNECTIONS_TARGET)).append(" connections | ≤ ")
          .append(bytes(IDLE_HEAP_TARGET_BYTES)).append(" | ")
          .append(perConnection == null ? "heap not read" : bytes(perConnection) + " (" + fmt(connected) + " held"
              + (Boolean.TRUE.equals(f.getBoolean("heapReadAfterForcedGc")) ? "" : ", no forced GC") + ")")
          .append(" | ").append(verdict(perConnection != null && perConnection <= IDLE_HEAP_TARGET_BYTES
              && connected >= IDLE_CONNECTIONS_TARGET)).append(" |\n");
    } else {
      md.append("| idle: heap per connection after GC | ≤ 8 KiB | ").append(missing(idle)).append(" | — |\n");
    }
    IdleReport.summaryRow(md, results);

    stormSummaryRow(md, "connect storm, fresh server", STORM_FRESH_RATE_TARGET, results.get(Result.STORM));
    stormSummaryRow(md, "connect storm, warm server", STORM_RATE_TARGET, results.get(Result.STORM_WARM));
    PushReport.summaryRow(md, results);
    FilesReport.summaryRow(md, results.get(Result.FILES));
    md.append('\n');
  }

  private static void fanout(StringBuilder md, Published fanout, Place place) {
    JsonObject json = open(md, "### Fan-out: 10 rooms × 100 members, step series (platform)", fanout, Result.FANOUT_PLATFORM, place);
    if (json == null) {
      return;
    }
    stepTable(md, json);
    chart(md, place, Result.FANOUT_PLATFORM.fileName + SVG, "fan-out latency against offered deliveries/s, platform");
  }

  /** An image link to a published chart, when there is one (a single step draws none). */
  private static void chart(StringBuilder md, Place place, String file, String alt) {
    if (Files.isRegularFile(place.assets().resolve(file))) {
      md.append("![").append(alt).append("](").append(place.link()).append('/').append(file).append(")\n\n");
    }
  }

  private static void efficiency(StringBuilder md, Map<Result, Published> results, Place place) {
    md.append("### Efficiency: server CPU per delivered message, platform and baseline relay\n\n");
    Published platform = results.get(Result.EFFICIENCY_PLATFORM);
    Published relay = results.get(Result.EFFICIENCY_RELAY);
    if (!present(md, platform, "efficiency") | !present(md, relay, "efficiency")) {
      return;
    }
    provenance(md, platform.json(), Result.EFFICIENCY_PLATFORM, place);
    provenance(md, relay.json(), Result.EFFICIENCY_RELAY, place);
    md.append("The same generator command against each server, each a fresh process.\n\n");
    md.append("| server | offered deliveries/s | delivered/s | lost | delivery p50 | delivery p99 | server CPU | cores busy "
        + "| CPU µs per delivery | CPU µs per message |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (Published p : List.of(platform, relay)) {
      JsonObject s = firstStep(p.json());
      String name = p == platform ? "platform" : "relay";
      if (s == null) {
        md.append("| ").append(name).append(" | no step | | | | | | | | |\n");
        continue;
      }
      JsonObject cpu = s.getJsonObject("serverCpu", new JsonObject());
      md.append("| ").append(name).append(" | ").append(fmt(s.getDouble("offeredDeliveriesPerSec"))).append(" | ")
          .append(fmt(s.getDouble("deliveredPerSec"))).append(" | ").append(fmt(lost(s))).append(" | ")
          .append(ms(latency(s, "deliveryLatencyMs", "p50"))).append(" | ").append(ms(latency(s, "deliveryLatencyMs", "p99")))
          .append(" | ").append(cpu.isEmpty() ? "—" : fmt(cpu.getDouble("cpuSeconds")) + " s over " + fmt(cpu.getDouble("windowSeconds")) + " s")
          .append(" | ").append(cpu.isEmpty() ? "—" : fmt(cpu.getDouble("coresBusy")))
          .append(" | ").append(cpu.isEmpty() ? "—" : fmt(cpu.getDouble("cpuMicrosPerDelivery")))
          .append(" | ").append(cpu.isEmpty() ? "—" : fmt(cpu.getDouble("cpuMicrosPerMessage"))).append(" |\n");
    }
    Optional<Double> ratio = efficiencyRatio(results);
    md.append("\nPlatform ÷ relay, CPU µs per delivery: **").append(ratio.map(r -> fmt(r) + " ×").orElse("unknown"))
        .append("** (target ≤ ").append(fmt(EFFICIENCY_RATIO_TARGET)).append(" ×).");
    for (Published p : List.of(platform, relay)) {
      JsonObject s = firstStep(p.json());
      String name = p == platform ? "platform" : "relay";
      if (s == null) {
        continue;
      }
      if (lost(s) > 0 || failedOrUnanswered(s) > 0 || s.getJsonObject("deliveries").getLong("received") == 0) {
        md.append(" The ").append(name).append(" did not keep up at this rate (lost deliveries or failed sends), so its CPU per "
            + "delivery is that of an overloaded server.");
      } else if (latency(s, "deliveryLatencyMs", "p99") > FANOUT_P99_TARGET_MS) {
        md.append(" The ").append(name).append(" delivered everything, with a delivery p99 above ").append(fmt(FANOUT_P99_TARGET_MS))
            .append(" ms.");
      }
    }
    md.append("\n\n");
    notes(md, platform.json());
    notes(md, relay.json());
    MessageCostReport.section(md, platform, relay);

    JsonObject series = open(md, "#### The same step series against the baseline relay", results.get(Result.FANOUT_RELAY),
        Result.FANOUT_RELAY, place);
    if (series == null) {
      return;
    }
    stepTable(md, series);
    chart(md, place, Result.FANOUT_RELAY.fileName + SVG, "fan-out latency against offered deliveries/s, relay");
    chart(md, place, COMPARE_CHART, "delivery latency against offered deliveries/s, platform and relay");
  }

  /** The platform's and the relay's runs of the same command, the platform's first; each said when and on what it ran. */
  private record SideBySide(List<String> names, List<JsonObject> results) {
    static SideBySide open(StringBuilder md, String heading, Map<Result, Published> all, Result platform, Result relay, Place place) {
      md.append(heading).append("\n\n");
      List<String> names = new ArrayList<>();
      List<JsonObject> results = new ArrayList<>();
      for (Result r : List.of(platform, relay)) {
        String name = r == platform ? "platform" : "relay";
        if (presentAs(md, all.get(r), r.part, r == platform ? "" : "The relay: ")) {
          provenance(md, all.get(r).json(), r, place);
          names.add(name);
          results.add(all.get(r).json());
        }
      }
      return new SideBySide(names, results);
    }

    JsonObject of(String name) {
      int i = names.indexOf(name);
      return i < 0 ? null : results.get(i);
    }
  }

  /** Ack latency of the same direct-pairs command against the platform and the relay, each a fresh process. */
  private static void ack(StringBuilder md, Map<Result, Published> all, Place place) {
    SideBySide runs = SideBySide.open(md, "### Ack latency at 1,000 chat.send/s, platform and baseline relay", all, Result.ACK,
        Result.ACK_RELAY, place);
    if (runs.results().isEmpty()) {
      return;
    }
    md.append("The same generator command against each server, each a fresh process. Ack latency: intended send time → the `rec` "
        + "reply to `chat.send` (the platform: message stored, `seq` assigned; the relay: `seq` assigned, nothing stored).\n\n");
    md.append("| server | offered sends/s | acked/s | ack p50 | ack p90 | ack p99 | ack p99.9 | ack max | delivery p99 | lost | failed "
        + "| unanswered | server cores busy | server CPU µs per send | errors |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < runs.names().size(); i++) {
      for (Object o : steps(runs.results().get(i))) {
        JsonObject s = (JsonObject) o;
        JsonObject cpu = s.getJsonObject("serverCpu");
        md.append("| ").append(runs.names().get(i)).append(" | ").append(fmt(s.getDouble("offeredMsgsPerSec"))).append(" | ")
            .append(fmt(s.getDouble("ackedMsgsPerSec"))).append(" | ").append(percentileCells(s.getJsonObject("ackLatencyMs")))
            .append(" | ").append(ms(latency(s, "deliveryLatencyMs", "p99"))).append(" | ").append(fmt(lost(s))).append(" | ")
            .append(fmt(s.getJsonObject("messages").getLong("failed"))).append(" | ")
            .append(fmt(s.getJsonObject("messages").getLong("unanswered"))).append(" | ").append(cores(s)).append(" | ")
            .append(cpu == null ? "—" : fmt(cpu.getDouble("cpuMicrosPerMessage"))).append(" | ")
            .append(errors(s.getJsonObject("errors"))).append(" |\n");
      }
    }
    md.append('\n');
    JsonObject platform = runs.of("platform");
    JsonObject relay = runs.of("relay");
    JsonObject platformStep = platform == null ? null : firstStep(platform);
    JsonObject relayStep = relay == null ? null : firstStep(relay);
    if (platformStep != null) {
      double p99 = latency(platformStep, "ackLatencyMs", "p99");
      md.append("Platform ack p99: **").append(ms(p99)).append("** at ").append(fmt(platformStep.getDouble("offeredMsgsPerSec")))
          .append(" sends/s (target ≤ ").append(fmt(ACK_P99_TARGET_MS)).append(" ms at ").append(fmt(ACK_RATE_TARGET))
          .append(" sends/s, every send answered): ").append(verdict(ackMet(platformStep)));
      if (relayStep != null) {
        md.append("; the relay's: ").append(ms(latency(relayStep, "ackLatencyMs", "p99")));
      }
      md.append(".\n\n");
    }
    runs.results().forEach(json -> notes(md, json));
  }

  /** The ack target: p99 within it at the target rate, every send answered. */
  private static boolean ackMet(JsonObject step) {
    return step.getDouble("offeredMsgsPerSec") >= ACK_RATE_TARGET * 0.98 && latency(step, "ackLatencyMs", "p99") <= ACK_P99_TARGET_MS
        && failedOrUnanswered(step) == 0;
  }

  private static void stormSummaryRow(StringBuilder md, String figure, double target, Published storm) {
    md.append("| ").append(figure).append(" | ≥ ").append(fmt(target)).append(" connections/s | ");
    if (storm != null && storm.ok()) {
      JsonObject f = storm.json().getJsonObject("figures");
      double rate = f.getDouble("connectionsPerSec");
      md.append(fmt(rate)).append(" connections/s (").append(fmt(f.getInteger("failed"))).append(" failed) | ")
          .append(verdict(rate >= target && f.getInteger("failed") == 0)).append(" |\n");
    } else {
      md.append(missing(storm)).append(" | — |\n");
    }
  }

  /** The same connect storm against a freshly started platform and a freshly started relay. */
  private static void storm(StringBuilder md, Map<Result, Published> all, Place place) {
    SideBySide runs = SideBySide.open(md, "### Connect storm, platform and baseline relay", all, Result.STORM, Result.STORM_RELAY, place);
    if (!runs.results().isEmpty()) {
      md.append("The same generator command against each server, each freshly started. A connection counts from the connect until "
          + "the answer to its first `chat.sync` (socket open, token checked, inbox registered: the client can chat; the relay "
          + "answers `chat.sync` with no rooms, as the platform does for a client that names none). Users are created beforehand, "
          + "not timed. Where the platform's time goes per connection, and what changed it: "
          + "[Connect storm: where the time goes](#connect-storm-where-the-time-goes).\n\n");
      md.append(stormColumns("server"));
      for (int i = 0; i < runs.names().size(); i++) {
        JsonObject json = runs.results().get(i);
        stormRow(md, "| " + runs.names().get(i) + " ", json.getJsonObject("parameters"), json.getJsonObject("figures"));
      }
      md.append('\n');
      stormVerdict(md, runs, "Platform", "the relay", STORM_FRESH_RATE_TARGET);
      runs.results().forEach(json -> notes(md, json));
    }
    stormWarm(md, all, place);
  }

  /** The header of a storm table, after the given first columns. */
  private static String stormColumns(String... first) {
    return "| " + String.join(" | ", first) + " " + STORM_COLUMNS.replace("\n|---", "\n" + "|---".repeat(first.length + 1));
  }

  private static final String STORM_COLUMNS = "| connections | in flight | connected | failed | seconds | connections/s | connect p50 | p90 | p99 "
      + "| p99.9 | max | server CPU µs per connection |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n";

  /** The platform's rate (of the last pass) against the target, and the relay's beside it. */
  private static void stormVerdict(StringBuilder md, SideBySide runs, String platformWho, String relayWho, double target) {
    JsonObject platform = runs.of("platform");
    if (platform == null) {
      return;
    }
    JsonObject f = platform.getJsonObject("figures");
    double rate = f.getDouble("connectionsPerSec");
    int failed = f.getInteger("failed");
    md.append(platformWho).append(": **").append(fmt(rate)).append(" connections/s** (target ≥ ").append(fmt(target))
        .append("/s, none failed").append(failed == 0 ? "" : "; " + fmt(failed) + " failed").append("): ")
        .append(verdict(rate >= target && failed == 0));
    JsonObject relay = runs.of("relay");
    if (relay != null) {
      md.append("; ").append(relayWho).append(": ").append(fmt(relay.getJsonObject("figures").getDouble("connectionsPerSec")))
          .append(" connections/s");
    }
    md.append(".\n\n");
  }

  /** The same storm run again and again against one server: the first pass meets it fresh, the later ones warm. */
  private static void stormWarm(StringBuilder md, Map<Result, Published> all, Place place) {
    SideBySide runs = SideBySide.open(md, "#### Connect storm, warm server, platform and baseline relay", all, Result.STORM_WARM,
        Result.STORM_WARM_RELAY, place);
    if (runs.results().isEmpty()) {
      return;
    }
    md.append("The same storm several times against one server (the same command against each server), every socket closed (and "
        + "gone at the server) between two passes: the first pass warms the JIT and the caches, the last one is the warm figure.\n\n");
    md.append(stormColumns("server", "pass"));
    List<String> generator = new ArrayList<>();
    for (int i = 0; i < runs.names().size(); i++) {
      String name = runs.names().get(i);
      JsonObject json = runs.results().get(i);
      JsonObject p = json.getJsonObject("parameters");
      JsonObject f = json.getJsonObject("figures");
      for (Object o : f.getJsonArray("passes", new JsonArray().add(f.copy().put("pass", 1)))) {
        JsonObject pass = (JsonObject) o;
        stormRow(md, "| " + name + " | " + pass.getInteger("pass") + " ", p, pass);
        JsonObject own = pass.getJsonObject("generatorCpu");
        JsonObject server = pass.getJsonObject("serverCpu");
        if (own != null && server != null && server.getDouble("coresBusy") != null) {
          generator.add(name + " pass " + pass.getInteger("pass") + ": server " + fmt(server.getDouble("coresBusy")) + ", generator "
              + fmt(own.getDouble("coresBusy")));
        }
      }
    }
    md.append('\n');
    stormVerdict(md, runs, "Platform, last pass", "the relay's last pass", STORM_RATE_TARGET);
    if (!generator.isEmpty()) {
      md.append("Cores busy (of the machine's shared cores): ").append(String.join("; ", generator)).append(".\n\n");
    }
    runs.results().forEach(json -> notes(md, json));
  }

  private static void stormRow(StringBuilder md, String firstCells, JsonObject p, JsonObject f) {
    JsonObject l = f.getJsonObject("connectLatencyMs");
    JsonObject cpu = f.getJsonObject("serverCpu");
    md.append(firstCells).append("| ").append(fmt(f.getInteger("attempted"))).append(" | ").append(p.getInteger("concurrency")).append(" | ")
        .append(fmt(f.getInteger("connected"))).append(" | ").append(fmt(f.getInteger("failed"))).append(" | ")
        .append(fmt(f.getDouble("seconds"))).append(" | **").append(fmt(f.getDouble("connectionsPerSec"))).append("** | ")
        .append(percentileCells(l)).append(" | ")
        .append(cpu == null ? "—" : fmt(cpu.getDouble("cpuMicrosPerConnection"))).append(" |\n");
  }

  /** One row per step: offered and delivered rates, the ledger, latencies, server CPU, generator lag, errors. */
  private static void stepTable(StringBuilder md, JsonObject json) {
    JsonObject p = json.getJsonObject("parameters");
    md.append(p.getInteger("rooms")).append(" rooms × ").append(p.getInteger("members")).append(" members, each member its own socket "
        + "and sending to its room; warmup ").append(fmt(p.getDouble("warmupSeconds"))).append(" s, then ")
        .append(fmt(p.getDouble("durationSeconds"))).append(" s measured per step, drain ≤ ").append(fmt(p.getDouble("drainSeconds")))
        .append(" s. Latencies in ms, from the intended send time.\n\n");
    md.append("| msgs/s per member | offered deliveries/s | delivered/s | acked msgs/s | lost | dup | sends failed or unanswered | delivery p50 | p99 "
        + "| p99.9 | max | ack p99 | server cores busy | server CPU µs/delivery | server KiB allocated per stored message "
        + "| generator cores busy | generator lag p99 | errors |\n"
        + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    List<String> lagging = new ArrayList<>();
    for (Object o : steps(json)) {
      JsonObject s = (JsonObject) o;
      JsonObject d = s.getJsonObject("deliveryLatencyMs");
      JsonObject cpu = s.getJsonObject("serverCpu");
      double lag = latency(s, "generatorSendLagMs", "p99");
      if (lag > GENERATOR_LAG_WARN_MS) {
        lagging.add(fmt(s.getDouble("ratePerSender")) + " msgs/s (" + ms(lag) + ")");
      }
      md.append("| ").append(fmt(s.getDouble("ratePerSender"))).append(" | ").append(fmt(s.getDouble("offeredDeliveriesPerSec")))
          .append(" | ").append(fmt(s.getDouble("deliveredPerSec"))).append(" | ").append(fmt(s.getDouble("ackedMsgsPerSec")))
          .append(" | ").append(fmt(lost(s))).append(" | ").append(fmt(s.getJsonObject("deliveries").getLong("duplicated")))
          .append(" | ").append(fmt(failedOrUnanswered(s)))
          .append(" | ").append(ms(d.getDouble("p50"))).append(" | ").append(ms(d.getDouble("p99"))).append(" | ").append(ms(d.getDouble("p99_9")))
          .append(" | ").append(ms(d.getDouble("max"))).append(" | ").append(ms(latency(s, "ackLatencyMs", "p99"))).append(" | ")
          .append(cores(s)).append(" | ").append(cpu == null ? "—" : fmt(cpu.getDouble("cpuMicrosPerDelivery"))).append(" | ")
          .append(MessageCostReport.allocatedKibPerMessage(s)).append(" | ")
          .append(s.getJsonObject("generatorCpu") == null ? "—" : fmt(s.getJsonObject("generatorCpu").getDouble("coresBusy")))
          .append(" | ").append(ms(lag)).append(" | ").append(errors(s.getJsonObject("errors"))).append(" |\n");
    }
    if (!lagging.isEmpty()) {
      md.append("\nThe generator itself fell behind its schedule (send lag p99 above ").append(fmt(GENERATOR_LAG_WARN_MS))
          .append(" ms) at ").append(String.join(", ", lagging))
          .append(": on this shared machine those steps measure the generator's saturation as well as the server's.\n");
    }
    md.append('\n');
    notes(md, json);
  }

  /** The run's own remarks: stopped early, server gone, errors outside the steps. */
  static void notes(StringBuilder md, JsonObject json) {
    JsonObject f = json.getJsonObject("figures", new JsonObject());
    List<String> notes = new ArrayList<>();
    if (f.getString("stoppedEarly") != null) {
      notes.add("the series stopped early: " + f.getString("stoppedEarly"));
    }
    if (Boolean.FALSE.equals(f.getBoolean("serverAliveAtEnd"))) {
      notes.add("the server process was gone at the end of the run (see the server log of the run)");
    }
    JsonObject errors = json.getJsonObject("errors", new JsonObject());
    if (!errors.isEmpty()) {
      notes.add("errors outside the measured steps: " + errors(errors));
    }
    int reconnected = json.getJsonObject("setup", new JsonObject()).getInteger("reconnected", 0);
    if (reconnected > 0) {
      notes.add(fmt(reconnected) + " sockets failed to connect during set-up and were connected again before the first step");
    }
    if (f.getLong("serverRssAtEndBytes") != null) {
      notes.add("server RSS at the end: " + mib(f.getLong("serverRssAtEndBytes")));
    }
    if (!notes.isEmpty()) {
      md.append("Notes (").append(label(json)).append("): ").append(String.join("; ", notes)).append(".\n\n");
    }
  }

  /** A part's heading, then when and on what it was measured: its JSON, or null (having said why) when missing or failed. */
  static JsonObject open(StringBuilder md, String heading, Published published, Result result, Place place) {
    md.append(heading).append("\n\n");
    if (!present(md, published, result.part)) {
      return null;
    }
    provenance(md, published.json(), result, place);
    return published.json();
  }

  static void provenance(StringBuilder md, JsonObject json, Result result, Place place) {
    JsonObject machine = json.getJsonObject("machine");
    md.append("_Measured ").append(when(json.getString("writtenAt")))
        .append(machine == null ? "" : " on " + machine.getString("cpu") + " (nproc " + machine.getInteger("cores") + ")")
        .append(" (").append(label(json)).append("); result: [")
        .append(result.fileName).append(JSON).append("](").append(place.link()).append('/').append(result.fileName).append(JSON)
        .append(")._\n\n");
  }

  private static String label(JsonObject json) {
    String label = json.getJsonObject("parameters").getString("label");
    return label == null ? json.getString("scenario") : label;
  }

  /** False (and says why) when a result is missing or failed. */
  static boolean present(StringBuilder md, Published published, String part) {
    return presentAs(md, published, part, "");
  }

  /** {@link #present}, the reason led by {@code who} ("The relay: "; empty for none). */
  private static boolean presentAs(StringBuilder md, Published published, String part, String who) {
    if (published == null) {
      md.append("_").append(who).append(who.isEmpty() ? "Not" : "not").append(" measured yet: run `bin/bench ").append(part)
          .append("`._\n\n");
      return false;
    }
    if (!published.ok()) {
      md.append("**").append(who).append(who.isEmpty() ? "Did" : "did").append(" not complete** in the last `bin/bench ").append(part)
          .append("`:\n\n```\n").append(published.failure().strip()).append("\n```\n\n");
      return false;
    }
    return true;
  }

  static String missing(Published published) {
    return published == null ? "not measured" : published.ok() ? "—" : "run failed";
  }

  // ---------------------------------------------------------------- figures

  static JsonArray steps(JsonObject json) {
    return json.getJsonArray("steps", new JsonArray());
  }

  private static double[] column(JsonObject json, Function<JsonObject, Double> value) {
    JsonArray steps = steps(json);
    double[] values = new double[steps.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = value.apply(steps.getJsonObject(i));
    }
    return values;
  }

  /** The only step of a single-rate run (null when it has none). */
  static JsonObject firstStep(JsonObject json) {
    JsonArray steps = steps(json);
    return steps.isEmpty() ? null : steps.getJsonObject(0);
  }

  static double latency(JsonObject step, String which, String percentile) {
    JsonObject l = step.getJsonObject(which);
    return l == null ? 0 : l.getDouble(percentile, 0.0);
  }

  static long lost(JsonObject step) {
    return step.getJsonObject("deliveries").getLong("lost");
  }

  /** Measured sends answered with an error or not at all. */
  private static long failedOrUnanswered(JsonObject step) {
    JsonObject m = step.getJsonObject("messages");
    return m.getLong("failed") + m.getLong("unanswered");
  }

  /** Every owed delivery arrived once, every send answered, p99 within the target. */
  static boolean clean(JsonObject step) {
    JsonObject m = step.getJsonObject("messages");
    JsonObject d = step.getJsonObject("deliveries");
    return d.getLong("lost") == 0 && d.getLong("duplicated") == 0 && m.getLong("unanswered") == 0 && m.getLong("failed") == 0
        && d.getLong("received") > 0 && latency(step, "deliveryLatencyMs", "p99") <= FANOUT_P99_TARGET_MS;
  }

  /** The step with the most deliveries/s among the clean ones. */
  static Optional<JsonObject> bestCleanStep(JsonObject json) {
    JsonObject best = null;
    for (Object o : steps(json)) {
      JsonObject s = (JsonObject) o;
      if (clean(s) && (best == null || s.getDouble("deliveredPerSec") > best.getDouble("deliveredPerSec"))) {
        best = s;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Platform CPU µs per delivery ÷ the relay's, from the two efficiency runs. */
  static Optional<Double> efficiencyRatio(Map<Result, Published> results) {
    Optional<Double> platform = microsPerDelivery(results.get(Result.EFFICIENCY_PLATFORM));
    Optional<Double> relay = microsPerDelivery(results.get(Result.EFFICIENCY_RELAY));
    if (platform.isEmpty() || relay.isEmpty() || relay.get() <= 0) {
      return Optional.empty();
    }
    return Optional.of(platform.get() / relay.get());
  }

  private static Optional<Double> microsPerDelivery(Published published) {
    JsonObject step = published == null || !published.ok() ? null : firstStep(published.json());
    JsonObject cpu = step == null ? null : step.getJsonObject("serverCpu");
    return cpu == null ? Optional.empty() : Optional.of(cpu.getDouble("cpuMicrosPerDelivery"));
  }

  private static String cores(JsonObject step) {
    JsonObject cpu = step.getJsonObject("serverCpu");
    return cpu == null ? "—" : fmt(cpu.getDouble("coresBusy"));
  }

  // ---------------------------------------------------------------- formatting

  static String verdict(boolean met) {
    return met ? "✅ met" : "❌ not met";
  }

  /** 52345.6 → "52,346"; 12.345 → "12.3"; 1.234 → "1.23"; 0.5 → "0.5". */
  static String fmt(double value) {
    double abs = Math.abs(value);
    if (abs >= 100 || value == Math.rint(value)) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    String text = String.format(Locale.ROOT, abs >= 10 ? "%.1f" : "%.2f", value);
    return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
  }

  static String fmt(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  /** Milliseconds with three significant digits: 0.912 ms, 12.3 ms, 1,234 ms. */
  static String ms(double value) {
    if (value >= 100) {
      return String.format(Locale.ROOT, "%,.0f ms", value);
    }
    return String.format(Locale.ROOT, value >= 10 ? "%.1f ms" : value >= 1 ? "%.2f ms" : "%.3f ms", value);
  }

  /** The table cells p50 | p90 | p99 | p99.9 | max of a latency summary. */
  private static String percentileCells(JsonObject latency) {
    return ms(latency.getDouble("p50")) + " | " + ms(latency.getDouble("p90")) + " | " + ms(latency.getDouble("p99")) + " | "
        + ms(latency.getDouble("p99_9")) + " | " + ms(latency.getDouble("max"));
  }

  static String bytes(long value) {
    return fmt(value) + " B (" + String.format(Locale.ROOT, "%.1f KiB", value / KIB) + ")";
  }

  static String bytesOrDash(Long value) {
    return value == null ? "—" : bytes(value);
  }

  static String mib(Long value) {
    return value == null ? "—" : String.format(Locale.ROOT, "%,.1f MiB", value / MIB);
  }

  static String errors(JsonObject errors) {
    if (errors == null || errors.isEmpty()) {
      return "—";
    }
    List<String> parts = new ArrayList<>();
    errors.forEach(e -> parts.add(e.getKey() + " " + fmt(((Number) e.getValue()).longValue())));
    return String.join(", ", parts);
  }

  static String duration(long seconds) {
    return seconds >= 60 ? seconds / 60 + " min " + seconds % 60 + " s" : seconds + " s";
  }

  private static String code(String text) {
    return "`" + text + "`";
  }

  private static String when(String instant) {
    try {
      return ZonedDateTime.parse(instant).withZoneSameInstant(ZoneOffset.UTC).format(WHEN);
    } catch (RuntimeException e) {
      return String.valueOf(instant);
    }
  }

  // ---------------------------------------------------------------- the document

  /** Replaces the text between the markers (markers kept); appends a results section when they are missing. */
  static void replaceSection(Path doc, String section) throws IOException {
    String text = Files.isRegularFile(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";
    Files.writeString(doc, withSection(text, section), StandardCharsets.UTF_8);
  }

  static String withSection(String text, String section) {
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      return text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + "\n## Results\n\n" + section + "\n";
    }
    return text.substring(0, begin) + section + text.substring(end + END.length());
  }

  /** The facts of this machine and JVM, for the section. */
  record Machine(int cores, String cpuModel, String memory, String os, String java, String fileLimit, String now) {
    static Machine read(Path runDir) {
      String java = readFirst(runDir.resolve("java-version.txt"))
          .map(t -> String.join(" · ", t.strip().lines().map(String::strip).toList()))
          .orElse(System.getProperty("java.runtime.name") + " " + System.getProperty("java.runtime.version") + " ("
              + System.getProperty("java.vm.name") + ")");
      return new Machine(
          Runtime.getRuntime().availableProcessors(),
          cpu(),
          field("/proc/meminfo", "MemTotal").map(Machine::kilobytes).orElse("unknown"),
          System.getProperty("os.name") + " " + System.getProperty("os.version") + " (" + System.getProperty("os.arch") + ")",
          java,
          ServerProbe.ownOpenFilesLimit().orElse("unknown"),
          ZonedDateTime.now(ZoneOffset.UTC).format(WHEN));
    }

    /** This machine's CPU model (from /proc/cpuinfo), or its architecture. */
    static String cpu() {
      return field("/proc/cpuinfo", "model name").orElse(System.getProperty("os.arch"));
    }

    private static Optional<String> readFirst(Path path) {
      try {
        return Files.isRegularFile(path) ? Optional.of(Files.readString(path, StandardCharsets.UTF_8)) : Optional.empty();
      } catch (IOException e) {
        return Optional.empty();
      }
    }

    /** "name : value" of a /proc file. */
    private static Optional<String> field(String file, String name) {
      try {
        for (String line : Files.readAllLines(Path.of(file))) {
          if (line.startsWith(name)) {
            int colon = line.indexOf(':');
            return Optional.of(line.substring(colon + 1).trim());
          }
        }
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
      return Optional.empty();
    }

    private static String kilobytes(String meminfo) {
      try {
        long kb = Long.parseLong(meminfo.split("\\s+")[0]);
        return String.format(Locale.ROOT, "%.1f GiB", kb / (1024.0 * 1024.0));
      } catch (RuntimeException e) {
        return meminfo;
      }
    }
  }
}

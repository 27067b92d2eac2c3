package io.chatplatform.loadtest.report;

import static io.chatplatform.loadtest.report.BenchReport.bytesOrDash;
import static io.chatplatform.loadtest.report.BenchReport.fmt;
import static io.chatplatform.loadtest.report.BenchReport.mib;
import static io.chatplatform.loadtest.report.BenchReport.ms;

import io.chatplatform.loadtest.report.BenchReport.Place;
import io.chatplatform.loadtest.report.BenchReport.Published;
import io.chatplatform.loadtest.report.BenchReport.Result;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The idle part of the results section ({@code bin/bench idle}): the same idle run against the
 * platform ({@code idle}) and against the baseline relay ({@code idle-relay}), side by side; the
 * platform's heap per connection above the relay's (the floor Vert.x's own connection objects set),
 * judged against 10 % of that floor; and the difference attributed to components from the two
 * runs' class histograms.
 */
final class IdleReport {
  /** Issue 18: the platform's own state per connection, above the relay's floor, at most this share of the floor. */
  static final double ABOVE_FLOOR_TARGET = 0.10;
  /** The run-specific part of a lambda's class name (JDK 17: {@code $$Lambda$1580/0x…}, later JDKs: {@code $$Lambda/0x…}). */
  private static final Pattern LAMBDA_NUMBER = Pattern.compile("\\$\\$Lambda(\\$\\d+)?/0x[0-9a-f]+");
  /** Classes shown per component. */
  static final int TOP_CLASSES = 3;
  /** The lean relay's classes shown. */
  static final int LEAN_TOP_CLASSES = 10;
  static final String LEAN_RELAY = "lean relay (Netty's WebSocket handlers on Vert.x's event loops)";

  static final String SUBSCRIPTIONS = "subscriptions (fan-out, event bus consumers)";
  static final String SESSION = "gateway session objects";
  static final String PRESENCE = "presence entries";
  static final String RATE_LIMIT = "rate-limit buckets";
  static final String RELAY = "the relay's own state";
  static final String PLATFORM_OTHER = "other platform classes";
  static final String CONNECTION = "Vert.x and Netty (connections, pipelines, queues)";
  static final String JDK = "JDK classes: arrays, maps, strings (owner not in a histogram)";

  /** A component: the classes whose name (an array's element type) starts with one of its prefixes. */
  private record Component(String name, List<String> prefixes) {}

  /** First match wins: the narrower groups come before the wider ones that would also match. */
  private static final List<Component> COMPONENTS = List.of(
      // LocalFanout's room subscriptions and the event bus consumers (HandlerRegistration…) it
      // registers, one per room a node's sockets are in: before the rest of gateway.socket.
      new Component(SUBSCRIPTIONS, List.of("io.chatplatform.gateway.socket.LocalFanout", "io.vertx.core.eventbus.")),
      // One of each per socket: ClientSession, SessionRegistry, the client channel, the frame router.
      new Component(SESSION, List.of("io.chatplatform.gateway.socket.")),
      // presence-service's store (MemoryPresenceStore when embedded), its tracker and timers.
      new Component(PRESENCE, List.of("io.chatplatform.presence.")),
      // The gateway's token buckets (the map entries that hold them are JDK classes).
      new Component(RATE_LIMIT, List.of("io.chatplatform.gateway.ratelimit.")),
      // Only in the relay's run: its sockets and room directory.
      new Component(RELAY, List.of("io.chatplatform.loadtest.relay.")),
      // Anything else of ours: a class here is a component the table should name.
      new Component(PLATFORM_OTHER, List.of("io.chatplatform.")),
      // The HTTP/WebSocket connection objects, Netty channels, pipeline contexts and their queues:
      // what the relay has as well.
      new Component(CONNECTION, List.of("io.vertx.", "io.netty.")));

  /** One class: bytes per connection it grew by in each run. */
  record ClassCost(String className, double platform, double relay) {
    double difference() {
      return platform - relay;
    }
  }

  /** One component: its bytes per connection in each run, and its classes, largest difference first. */
  record ComponentCost(String name, double platform, double relay, List<ClassCost> classes) {
    double difference() {
      return platform - relay;
    }
  }

  private IdleReport() {}

  static String componentOf(String className) {
    String element = className.replaceFirst("^\\[+L?", "").replaceFirst(";$", "");
    for (Component c : COMPONENTS) {
      for (String prefix : c.prefixes()) {
        if (element.startsWith(prefix)) {
          return c.name();
        }
      }
    }
    return JDK;
  }

  /** The per-class growth of both runs, grouped by component; components by difference, largest first. */
  static List<ComponentCost> components(JsonObject platform, JsonObject relay) {
    Map<String, Double> platformBytes = byStableName(platform);
    Map<String, Double> relayBytes = byStableName(relay);
    Set<String> names = new HashSet<>(platformBytes.keySet());
    names.addAll(relayBytes.keySet());
    Map<String, List<ClassCost>> byComponent = new LinkedHashMap<>();
    for (String name : names) {
      byComponent.computeIfAbsent(componentOf(name), k -> new ArrayList<>())
          .add(new ClassCost(name, platformBytes.getOrDefault(name, 0.0), relayBytes.getOrDefault(name, 0.0)));
    }
    List<ComponentCost> costs = new ArrayList<>();
    byComponent.forEach((component, classes) -> {
      classes.sort(Comparator.comparingDouble((ClassCost c) -> -Math.abs(c.difference())).thenComparing(ClassCost::className));
      costs.add(new ComponentCost(component, classes.stream().mapToDouble(ClassCost::platform).sum(),
          classes.stream().mapToDouble(ClassCost::relay).sum(), List.copyOf(classes)));
    });
    costs.sort(Comparator.comparingDouble(ComponentCost::difference).reversed().thenComparing(ComponentCost::name));
    return costs;
  }

  /**
   * Bytes by class, a lambda's classes merged under one name: the JVM numbers them per run
   * ({@code Foo$$Lambda$1580/0x00007ff314594aa8}), so the same lambda has another name in each run.
   */
  private static Map<String, Double> byStableName(JsonObject classes) {
    Map<String, Double> bytes = new LinkedHashMap<>();
    for (String name : classes.fieldNames()) {
      bytes.merge(LAMBDA_NUMBER.matcher(name).replaceFirst("\\$\\$Lambda"),
          classes.getJsonObject(name).getDouble("bytes", 0.0), Double::sum);
    }
    return bytes;
  }

  // ---------------------------------------------------------------- the section

  static void summaryRow(StringBuilder md, Map<Result, Published> results) {
    Published platform = results.get(Result.IDLE);
    Published relay = results.get(Result.IDLE_RELAY);
    md.append("| idle: platform heap per connection above the relay's floor | ≤ ").append(percent(ABOVE_FLOOR_TARGET)).append(" of the floor");
    Long platformBytes = heapPerConnection(platform);
    Long floor = heapPerConnection(relay);
    if (platformBytes == null || floor == null || floor <= 0) {
      md.append(" | ").append(platformBytes == null ? BenchReport.missing(platform) : BenchReport.missing(relay)).append(" | — |\n");
      return;
    }
    long above = platformBytes - floor;
    double budget = floor * ABOVE_FLOOR_TARGET;
    md.append(" (").append(fmt(Math.round(budget))).append(" B) | ");
    Long leanFloor = leanFloorUnder(results);
    if (leanFloor != null) {
      // The platform's sockets stand on the lean floor now: its own state is what it holds above
      // that one, judged against the same budget (10 % of the Vert.x floor the issue names).
      long own = platformBytes - leanFloor;
      md.append(fmt(own)).append(" B above the lean relay's ").append(fmt(leanFloor)).append(" B, which its sockets stand on (")
          .append(fmt(above)).append(" B against the Vert.x relay) | ").append(BenchReport.verdict(own <= budget)).append(" |\n");
      return;
    }
    md.append(fmt(above)).append(" B (").append(percent((double) above / floor)).append(") | ")
        .append(BenchReport.verdict(above <= budget)).append(" |\n");
  }

  /**
   * The lean relay's heap per connection, when the platform's own sockets are lean ones too (its
   * class histogram holds the gateway's {@code LeanWebSocket}); else null: a platform on Vert.x's
   * WebSocket (before {@code 8dbaf96}, or with {@code WEBSOCKET_COMPRESSION=true}) stands on the
   * Vert.x floor.
   */
  private static Long leanFloorUnder(Map<Result, Published> results) {
    Published platform = results.get(Result.IDLE);
    Long leanFloor = heapPerConnection(results.get(Result.IDLE_LEAN));
    if (platform == null || !platform.ok() || leanFloor == null || leanFloor <= 0) {
      return null;
    }
    return onLeanSockets(platform.json().getJsonObject("figures")) ? leanFloor : null;
  }

  private static boolean onLeanSockets(JsonObject figures) {
    JsonObject classes = figures.getJsonObject("heapClassesPerConnection");
    return classes != null && classes.fieldNames().stream().anyMatch(name -> name.endsWith(".LeanWebSocket"));
  }

  static void section(StringBuilder md, Map<Result, Published> results, Place place) {
    Published platformResult = results.get(Result.IDLE);
    JsonObject platform = BenchReport.open(md, "### Idle connections: memory per connection", platformResult, Result.IDLE, place);
    if (platform == null) {
      return;
    }
    Published relayResult = results.get(Result.IDLE_RELAY);
    JsonObject relay = null;
    if (BenchReport.present(md, relayResult, Result.IDLE_RELAY.part)) {
      relay = relayResult.json();
      BenchReport.provenance(md, relay, Result.IDLE_RELAY, place);
    }
    JsonObject p = platform.getJsonObject("parameters");
    JsonObject pf = platform.getJsonObject("figures");
    JsonObject rf = relay == null ? new JsonObject() : relay.getJsonObject("figures");
    boolean gc = Boolean.TRUE.equals(pf.getBoolean("heapReadAfterForcedGc"));
    md.append("The same command against each server, a fresh process each: every user in two rooms of ").append(p.getInteger("roomSize"))
        .append(", sockets held ").append(fmt(p.getDouble("holdSeconds"))).append(" s by ").append(p.getInteger("processes"))
        .append(" generator processes. Heap: ")
        .append(gc ? "after a full GC forced with `jcmd <pid> GC.run`, " : "lowest plain reading (no GC forced), ")
        .append("from the server's `/metrics`, before connecting and while holding; RSS from `/proc/<pid>/status`. The relay holds "
            + "the same sockets with minimal state on the same Vert.x WebSocket server: its figure is the floor Vert.x's own "
            + "connection objects set.\n\n");
    md.append("| | platform | baseline relay | platform above the relay's floor |\n|---|---|---|---|\n");
    md.append("| heap per connection").append(gc ? " (after GC)" : "").append(" | **").append(bytesOrDash(pf.getLong("heapPerConnectionBytes")))
        .append("** | **").append(bytesOrDash(rf.getLong("heapPerConnectionBytes"))).append("** | **")
        .append(bytesOrDash(difference(pf, rf, "heapPerConnectionBytes"))).append("** |\n");
    md.append("| RSS per connection | ").append(bytesOrDash(pf.getLong("rssPerConnectionBytes"))).append(" | ")
        .append(bytesOrDash(rf.getLong("rssPerConnectionBytes"))).append(" | ").append(bytesOrDash(difference(pf, rf, "rssPerConnectionBytes")))
        .append(" |\n");
    md.append("| heap before connecting → holding | ").append(mib(pf.getLong("heapBeforeBytes"))).append(" → ").append(mib(pf.getLong("heapAfterBytes")))
        .append(" | ").append(mib(rf.getLong("heapBeforeBytes"))).append(" → ").append(mib(rf.getLong("heapAfterBytes"))).append(" | |\n");
    md.append("| RSS before connecting → holding | ").append(mib(pf.getLong("rssBeforeBytes"))).append(" → ").append(mib(pf.getLong("rssAfterBytes")))
        .append(" | ").append(mib(rf.getLong("rssBeforeBytes"))).append(" → ").append(mib(rf.getLong("rssAfterBytes"))).append(" | |\n");
    md.append("| connections held (failed) of ").append(fmt(p.getInteger("connections"))).append(" | ").append(held(pf)).append(" | ")
        .append(relay == null ? "—" : held(rf)).append(" | |\n");
    md.append("| connect latency p50 / p99 | ").append(latency(pf)).append(" | ").append(relay == null ? "—" : latency(rf)).append(" | |\n\n");
    Long above = difference(pf, rf, "heapPerConnectionBytes");
    Long floor = rf.getLong("heapPerConnectionBytes");
    if (above != null && floor != null && floor > 0 && leanFloorUnder(results) == null) {
      md.append("Target: the platform's own state per connection at most ").append(percent(ABOVE_FLOOR_TARGET)).append(" of the floor, ")
          .append(fmt(Math.round(floor * ABOVE_FLOOR_TARGET))).append(" B; measured ").append(fmt(above)).append(" B, ")
          .append(percent((double) above / floor)).append(" of the floor: ")
          .append(BenchReport.verdict(above <= floor * ABOVE_FLOOR_TARGET)).append(".\n\n");
    }
    components(md, pf, rf);
    BenchReport.notes(md, platform);
    if (relay != null) {
      BenchReport.notes(md, relay);
    }
    JsonObject lean = leanerEdges(md, results, place, pf, rf);
    if (lean != null && leanFloorUnder(results) != null) {
      againstTheLeanFloor(md, pf, lean, Math.round(floor * ABOVE_FLOOR_TARGET));
    }
  }

  /**
   * The gateway serves its sockets on the lean path (its {@code LeanWebSocket}, like the lean
   * relay: Netty's frame codec on Vert.x's event loops), so below the Vert.x relay's floor its own
   * state shows only against the lean relay: the same figure and components, that floor subtracted.
   */
  private static void againstTheLeanFloor(StringBuilder md, JsonObject platform, JsonObject lean, long budget) {
    Long above = difference(platform, lean, "heapPerConnectionBytes");
    Long floor = lean.getLong("heapPerConnectionBytes");
    if (above == null || floor == null || floor <= 0) {
      return;
    }
    md.append("##### The platform above the lean relay's floor\n\n");
    md.append("The platform's sockets are lean ones too (its histogram holds the gateway's `LeanWebSocket`: Netty's frame codec ")
        .append("on the upgraded connection), so the lean relay holding the same sockets is the floor its own state sits on: ")
        .append(fmt(above)).append(" B per connection above it, ").append(percent((double) above / floor))
        .append(" of that floor. Target: the platform's own state at most 10 % of the Vert.x relay's floor, ").append(fmt(budget))
        .append(" B: ").append(BenchReport.verdict(above <= budget)).append(". By component:\n\n");
    components(md, platform, lean, "lean relay");
  }

  /**
   * Issue 18 item 4: the same idle run against the baseline relay with Vert.x's strict thread
   * mode and against the lean relay (Netty's own WebSocket handlers on Vert.x's event loops),
   * beside the platform and the floor, and the lean relay's largest classes.
   */
  private static JsonObject leanerEdges(StringBuilder md, Map<Result, Published> results, Place place, JsonObject platform,
      JsonObject floor) {
    md.append("#### Leaner edges beside the floor\n\n");
    List<String> rows = new ArrayList<>();
    rows.add(edgeRow("platform", platform, floor));
    rows.add(edgeRow("baseline relay (the floor)", floor, floor));
    JsonObject lean = null;
    for (Result result : List.of(Result.IDLE_RELAY_STRICT, Result.IDLE_LEAN)) {
      Published published = results.get(result);
      if (BenchReport.present(md, published, result.part)) {
        BenchReport.provenance(md, published.json(), result, place);
        JsonObject figures = published.json().getJsonObject("figures");
        rows.add(edgeRow(result == Result.IDLE_LEAN ? LEAN_RELAY : "baseline relay with strict thread mode", figures, floor));
        if (result == Result.IDLE_LEAN) {
          lean = figures;
        }
      }
    }
    md.append("The same idle command, a fresh server each. Strict thread mode is Vert.x's `HttpServerOptions.setStrictThreadMode(true)` "
        + "(`relay --strict-thread-mode`); the lean relay is `lean-relay`.\n\n");
    md.append("| server | heap per connection (after GC) | RSS per connection | heap, share of the floor |\n|---|---|---|---|\n");
    rows.forEach(md::append);
    md.append('\n');
    JsonObject leanClasses = lean == null ? null : lean.getJsonObject("heapClassesPerConnection");
    if (leanClasses != null) {
      JsonObject floorClasses = floor.getJsonObject("heapClassesPerConnection", new JsonObject());
      Map<String, Double> leanBytes = byStableName(leanClasses);
      Map<String, Double> floorBytes = byStableName(floorClasses);
      md.append("The lean relay's ").append(LEAN_TOP_CLASSES).append(" largest classes, bytes per connection, beside the same class "
          + "in the baseline relay's run:\n\n| class | lean relay | baseline relay |\n|---|---|---|\n");
      leanBytes.entrySet().stream()
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
          .limit(LEAN_TOP_CLASSES)
          .forEach(e -> md.append("| `").append(displayName(e.getKey())).append("` | ").append(fmt(e.getValue())).append(" | ")
              .append(fmt(floorBytes.getOrDefault(e.getKey(), 0.0))).append(" |\n"));
      md.append('\n');
    }
    return lean;
  }

  private static String edgeRow(String server, JsonObject figures, JsonObject floor) {
    Long heap = figures.getLong("heapPerConnectionBytes");
    Long floorHeap = floor.getLong("heapPerConnectionBytes");
    return "| " + server + " | **" + bytesOrDash(heap) + "** | " + bytesOrDash(figures.getLong("rssPerConnectionBytes")) + " | "
        + (heap == null || floorHeap == null || floorHeap <= 0 ? "—" : percent((double) heap / floorHeap)) + " |\n";
  }

  /** The component table, when both runs have their class histograms. */
  private static void components(StringBuilder md, JsonObject platform, JsonObject relay) {
    components(md, platform, relay, "relay");
  }

  private static void components(StringBuilder md, JsonObject platform, JsonObject relay, String relayName) {
    JsonObject pc = platform.getJsonObject("heapClassesPerConnection");
    JsonObject rc = relay.getJsonObject("heapClassesPerConnection");
    if (pc == null || rc == null) {
      md.append("_No class histograms in ").append(pc == null ? "the platform's" : "the " + relayName + "'s")
          .append(" result (they are taken with `--force-gc`): no bytes by component._\n\n");
      return;
    }
    md.append("Bytes per connection by component, from `jcmd <pid> GC.class_histogram` taken right after each heap reading (inside "
        + "the full GC it forces): what each class grew by between before connecting and holding, divided by the connections held; "
        + "classes that changed by less than half a byte per connection are left out. A histogram counts objects by class, not by "
        + "owner: the JDK's arrays, map nodes and strings are one row whoever holds them. Top ").append(TOP_CLASSES)
        .append(" classes per component by their difference, platform − ").append(relayName).append(", in B per connection.\n\n");
    md.append("| component | platform | ").append(relayName).append(" | platform − ").append(relayName)
        .append(" | top classes |\n|---|---|---|---|---|\n");
    double platformTotal = 0;
    double relayTotal = 0;
    for (ComponentCost c : components(pc, rc)) {
      platformTotal += c.platform();
      relayTotal += c.relay();
      List<String> top = new ArrayList<>();
      for (ClassCost k : c.classes().subList(0, Math.min(TOP_CLASSES, c.classes().size()))) {
        top.add("`" + displayName(k.className()) + "` " + fmt(k.difference()));
      }
      md.append("| ").append(c.name()).append(" | ").append(fmt(c.platform())).append(" | ").append(fmt(c.relay())).append(" | ")
          .append(fmt(c.difference())).append(" | ").append(String.join(", ", top)).append(" |\n");
    }
    md.append("| **all classes** | **").append(fmt(platformTotal)).append("** | **").append(fmt(relayTotal)).append("** | **")
        .append(fmt(platformTotal - relayTotal)).append("** | |\n\n");
  }

  /** "io.netty.channel.DefaultChannelPipeline$HeadContext" → "DefaultChannelPipeline$HeadContext"; "[B" → "byte[]". */
  static String displayName(String className) {
    int dimensions = 0;
    while (dimensions < className.length() && className.charAt(dimensions) == '[') {
      dimensions++;
    }
    String element = className.substring(dimensions);
    if (dimensions > 0) {
      element = switch (element) {
        case "B" -> "byte";
        case "C" -> "char";
        case "I" -> "int";
        case "J" -> "long";
        case "Z" -> "boolean";
        case "S" -> "short";
        case "F" -> "float";
        case "D" -> "double";
        default -> element.replaceFirst("^L", "").replaceFirst(";$", "");
      };
    }
    return element.substring(element.lastIndexOf('.') + 1) + "[]".repeat(dimensions);
  }

  private static Long heapPerConnection(Published published) {
    return published == null || !published.ok() ? null : published.json().getJsonObject("figures").getLong("heapPerConnectionBytes");
  }

  private static Long difference(JsonObject platform, JsonObject relay, String field) {
    Long a = platform.getLong(field);
    Long b = relay.getLong(field);
    return a == null || b == null ? null : a - b;
  }

  private static String held(JsonObject figures) {
    return fmt(figures.getInteger("connected", 0)) + " (" + fmt(figures.getInteger("failed", 0)) + ")";
  }

  private static String latency(JsonObject figures) {
    JsonObject l = figures.getJsonObject("connectLatencyMs", new JsonObject());
    return ms(l.getDouble("p50", 0.0)) + " / " + ms(l.getDouble("p99", 0.0));
  }

  private static String percent(double share) {
    double value = share * 100;
    return String.format(Locale.ROOT, Math.abs(value - Math.rint(value)) < 1e-9 ? "%.0f %%" : "%.1f %%", value);
  }
}

package io.chatplatform.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.loadtest.report.BenchReport.Place;
import io.chatplatform.loadtest.report.BenchReport.Published;
import io.chatplatform.loadtest.report.BenchReport.Result;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdleReportTest {
  @Test
  void classesAreGroupedByTheComponentThatHoldsThem() {
    assertThat(IdleReport.componentOf("io.chatplatform.gateway.socket.ClientSession")).isEqualTo(IdleReport.SESSION);
    assertThat(IdleReport.componentOf("io.chatplatform.gateway.socket.SessionRegistry")).isEqualTo(IdleReport.SESSION);
    assertThat(IdleReport.componentOf("io.chatplatform.gateway.socket.LocalFanout$RoomSubscription")).isEqualTo(IdleReport.SUBSCRIPTIONS);
    assertThat(IdleReport.componentOf("io.vertx.core.eventbus.impl.HandlerRegistration")).isEqualTo(IdleReport.SUBSCRIPTIONS);
    assertThat(IdleReport.componentOf("io.chatplatform.presence.store.MemoryPresenceStore$Entry")).isEqualTo(IdleReport.PRESENCE);
    assertThat(IdleReport.componentOf("io.chatplatform.gateway.ratelimit.TokenBucket")).isEqualTo(IdleReport.RATE_LIMIT);
    assertThat(IdleReport.componentOf("io.vertx.core.http.impl.ServerWebSocketImpl")).isEqualTo(IdleReport.CONNECTION);
    assertThat(IdleReport.componentOf("[Lio.netty.channel.AbstractChannelHandlerContext;")).isEqualTo(IdleReport.CONNECTION);
    assertThat(IdleReport.componentOf("io.chatplatform.loadtest.relay.RelaySocket")).isEqualTo(IdleReport.RELAY);
    assertThat(IdleReport.componentOf("[B")).isEqualTo(IdleReport.JDK);
    assertThat(IdleReport.componentOf("java.util.HashMap$Node")).isEqualTo(IdleReport.JDK);
  }

  @Test
  void theDifferenceIsAttributedByComponentLargestFirst() {
    JsonObject platform = classes(Map.of("[B", 2000.0, "io.vertx.core.http.impl.ServerWebSocketImpl", 300.0,
        "io.chatplatform.gateway.socket.ClientSession", 120.0, "io.chatplatform.gateway.ratelimit.TokenBucket", 64.0));
    JsonObject relay = classes(Map.of("[B", 1500.0, "io.vertx.core.http.impl.ServerWebSocketImpl", 300.0,
        "io.chatplatform.loadtest.relay.RelaySocket", 40.0));

    List<IdleReport.ComponentCost> costs = IdleReport.components(platform, relay);

    assertThat(costs).extracting(IdleReport.ComponentCost::name)
        .containsExactly(IdleReport.JDK, IdleReport.SESSION, IdleReport.RATE_LIMIT, IdleReport.CONNECTION, IdleReport.RELAY);
    assertThat(costs.get(0).difference()).isEqualTo(500.0);
    assertThat(costs.get(4).difference()).isEqualTo(-40.0);
    assertThat(costs.get(1).classes()).extracting(IdleReport.ClassCost::className)
        .containsExactly("io.chatplatform.gateway.socket.ClientSession");
  }

  @Test
  void aLambdaIsOneClassWhateverNumberItsRunGaveIt() {
    JsonObject platform = classes(Map.of("io.vertx.core.http.impl.Http1xServerRequest$$Lambda$1580/0x00007ff314594aa8", 32.0));
    JsonObject relay = classes(Map.of("io.vertx.core.http.impl.Http1xServerRequest$$Lambda$305/0x00007f7c3821d4d0", 32.0,
        "io.vertx.core.http.impl.Http1xServerRequest$$Lambda/0x00007f7c3821d4d8", 8.0));

    List<IdleReport.ClassCost> classes = IdleReport.components(platform, relay).get(0).classes();

    assertThat(classes).containsExactly(new IdleReport.ClassCost("io.vertx.core.http.impl.Http1xServerRequest$$Lambda", 32.0, 40.0));
  }

  @Test
  void theSectionSetsThePlatformBesideTheRelayAndJudgesTheTenPercent() {
    Map<Result, Published> results = new EnumMap<>(Result.class);
    results.put(Result.IDLE, published("idle on platform", 20_000, classes(Map.of("[B", 2500.0,
        "io.chatplatform.gateway.socket.ClientSession", 500.0))));
    results.put(Result.IDLE_RELAY, published("idle-relay on relay", 17_000, classes(Map.of("[B", 2000.0))));

    StringBuilder md = new StringBuilder();
    IdleReport.section(md, results, new Place(Path.of("docs/benchmarks"), "benchmarks"));
    StringBuilder summary = new StringBuilder();
    IdleReport.summaryRow(summary, results);

    // 20,000 − 17,000 = 3,000 B above the floor: 17.6 % of it, over the 10 % (1,700 B) target.
    assertThat(md).contains("| heap per connection (after GC) | **20,000 B (19.5 KiB)** | **17,000 B (16.6 KiB)** | **3,000 B (2.9 KiB)** |",
        "[idle-relay.json](benchmarks/idle-relay.json)", "| gateway session objects | 500 | 0 | 500 |", "`ClientSession` 500");
    assertThat(summary).contains("| idle: platform heap per connection above the relay's floor | ≤ 10 % of the floor (1,700 B) | "
        + "3,000 B (17.6 %) | ❌ not met |");
  }

  @Test
  void withoutTheRelayTheSectionSaysSoAndJudgesNothing() {
    Map<Result, Published> results = new EnumMap<>(Result.class);
    results.put(Result.IDLE, published("idle on platform", 20_000, null));

    StringBuilder md = new StringBuilder();
    IdleReport.section(md, results, new Place(Path.of("docs/benchmarks"), "benchmarks"));
    StringBuilder summary = new StringBuilder();
    IdleReport.summaryRow(summary, results);

    assertThat(md).contains("**20,000 B (19.5 KiB)**", "_Not measured yet: run `bin/bench idle`._");
    assertThat(summary).contains("| idle: platform heap per connection above the relay's floor | ≤ 10 % of the floor | not measured | — |");
  }

  @Test
  void theLeanEdgesAreSetBesideTheFloorWithTheLeanRelaysTopClasses() {
    Map<Result, Published> results = new EnumMap<>(Result.class);
    results.put(Result.IDLE, published("idle on platform", 20_000, classes(Map.of("[B", 2500.0,
        "io.chatplatform.gateway.socket.LeanWebSocket", 64.0))));
    results.put(Result.IDLE_RELAY, published("idle-relay on relay", 16_000, classes(Map.of("[Ljava.lang.Object;", 8_000.0,
        "io.netty.channel.DefaultChannelHandlerContext", 256.0))));
    results.put(Result.IDLE_RELAY_STRICT, published("idle-relay-strict on relay-strict", 11_000, null));
    results.put(Result.IDLE_LEAN, published("idle-lean on lean-relay", 4_000, classes(Map.of(
        "io.netty.channel.DefaultChannelHandlerContext", 384.0, "[B", 900.0, "io.chatplatform.loadtest.relay.LeanRelay$LeanSocket", 32.0))));

    StringBuilder md = new StringBuilder();
    IdleReport.section(md, results, new Place(Path.of("docs/benchmarks"), "benchmarks"));

    assertThat(md).contains("[idle-lean.json](benchmarks/idle-lean.json)", "[idle-relay-strict.json](benchmarks/idle-relay-strict.json)",
        "| lean relay (Netty's WebSocket handlers on Vert.x's event loops) | **4,000 B (3.9 KiB)** | 46,666 B (45.6 KiB) | 25 % |",
        "| baseline relay with strict thread mode | **11,000 B (10.7 KiB)** | 46,666 B (45.6 KiB) | 68.8 % |",
        "| baseline relay (the floor) | **16,000 B (15.6 KiB)** |",
        "| `byte[]` | 900 | 0 |", "| `DefaultChannelHandlerContext` | 384 | 256 |", "| `LeanRelay$LeanSocket` | 32 | 0 |");
    assertThat(md.indexOf("`byte[]`")).as("largest first").isLessThan(md.indexOf("| `DefaultChannelHandlerContext` | 384"));
    StringBuilder summary = new StringBuilder();
    IdleReport.summaryRow(summary, results);
    // The platform's sockets are lean (its histogram holds LeanWebSocket): its own state is judged above the lean relay.
    assertThat(summary).contains("| 16,000 B above the lean relay's 4,000 B, which its sockets stand on (4,000 B against the Vert.x relay) | ❌ not met |");
    assertThat(md).contains("##### The platform above the lean relay's floor", "16,000 B per connection above it, 400 % of that floor",
        "at most 10 % of the Vert.x relay's floor, 1,600 B: ❌ not met",
        "| component | platform | lean relay | platform − lean relay | top classes |");
    assertThat(md).as("the Vert.x-floor verdict is not given for lean sockets").doesNotContain("Target: the platform's own state per connection");

    // A platform on Vert.x's WebSocket (no LeanWebSocket in its histogram) stands on the Vert.x floor.
    results.put(Result.IDLE, published("idle on platform", 20_000, classes(Map.of("[B", 2500.0))));
    StringBuilder vertx = new StringBuilder();
    IdleReport.summaryRow(vertx, results);
    assertThat(vertx).contains("| 4,000 B (25 %) | ❌ not met |").doesNotContain("lean relay");
  }

  private static JsonObject classes(Map<String, Double> bytes) {
    JsonObject json = new JsonObject();
    bytes.forEach((name, b) -> json.put(name, new JsonObject().put("bytes", b).put("instances", 1.0)));
    return json;
  }

  private static Published published(String label, long perConnection, JsonObject classes) {
    JsonObject figures = new JsonObject().put("connected", 15000).put("failed", 0).put("heapReadAfterForcedGc", true)
        .put("connectLatencyMs", new JsonObject().put("p50", 300.0).put("p99", 1200.0))
        .put("heapBeforeBytes", 30_000_000L).put("heapAfterBytes", 30_000_000L + perConnection * 15000)
        .put("heapPerConnectionBytes", perConnection)
        .put("rssBeforeBytes", 300_000_000L).put("rssAfterBytes", 1_000_000_000L).put("rssPerConnectionBytes", 46_666L);
    if (classes != null) {
      figures.put("heapClassesPerConnection", classes);
    }
    JsonObject parameters = new JsonObject().put("label", label).put("roomSize", 10).put("holdSeconds", 20.0).put("processes", 2)
        .put("connections", 15000);
    return new Published(new JsonObject().put("scenario", "idle").put("writtenAt", "2026-12-01T08:00:00Z")
        .put("parameters", parameters).put("figures", figures), null);
  }
}

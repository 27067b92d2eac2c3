package io.chatplatform.platform.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.platform.Api;
import io.chatplatform.platform.EmbeddedPlatform;
import io.chatplatform.platform.SocketClient;
import io.chatplatform.platform.Uploads;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.chatplatform.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * deploy/observability against a running platform: every metric the Grafana dashboard and the
 * alert rules read, and the one the Prometheus adapter serves to the gateway's HPA, is on
 * {@code /metrics} once a little traffic has gone through, and the domain meters moved with it.
 *
 * <p>The embedded platform runs every service in one JVM with one registry, so the gateway's ops
 * port shows the meters of all of them (in production each process serves its own). Presence and
 * the rate limits run on a real Redis here ({@code REDIS_URL}), as in production, so that the
 * Redis meters exist. Production limits are in force: the test hits the sync limit (burst 30).
 */
@DisplayName("deploy/observability against a running platform: every metric of the dashboard and the alerts exists, and the domain meters move")
class MetricsCoverageTest {
  static final Path OBSERVABILITY = Repo.ROOT.resolve("deploy/observability");
  /** Functions, operators and keywords of PromQL: identifiers that are not metric names. */
  private static final Set<String> PROMQL_WORDS = Set.of(
      "sum", "avg", "min", "max", "count", "rate", "irate", "increase", "changes", "delta", "deriv", "histogram_quantile",
      "max_over_time", "min_over_time", "avg_over_time", "abs", "clamp_min", "clamp_max", "topk", "bottomk", "by",
      "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset");
  /** Series Prometheus makes itself, never on a target's /metrics. */
  private static final Set<String> PROMETHEUS_SERIES = Set.of("up");
  /** An identifier, not the unit of a number ({@code 5m}, {@code 1e3}). */
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![0-9.a-zA-Z_:])[a-zA-Z_:][a-zA-Z0-9_:]*");

  static RedisServer redis;
  static EmbeddedPlatform platform;
  static Vertx client;
  static WebClient web;
  static Api api;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start();
    Path data = Files.createTempDirectory("metrics-platform");
    platform = EmbeddedPlatform.start(Settings.of(Map.of(
        "DATA_DIR", data.toString(), "HTTP_PORT", "0", "HTTP_HOST", "127.0.0.1", "PASSWORD_HASH_ITERATIONS", "1000",
        "REDIS_URL", redis.url())));
    client = Vertx.vertx();
    web = WebClient.create(client);
    api = new Api(client, platform.port());
  }

  @AfterAll
  static void stop() throws Exception {
    api.close();
    Await.result(client.close());
    platform.close();
    redis.close();
  }

  @Test
  @DisplayName("after sign-ups, a send, syncs over the limit and an upload, /metrics has every series deploy/observability and the adapter name")
  void everyObservedMetricExists() throws Exception {
    Api.User alice = api.register("metrics-alice");
    Api.User bob = api.register("metrics-bob");
    JsonObject room = api.createRoom(alice, "metrics", bob);
    String roomId = room.getString("roomId");
    Map<String, Double> scraped;
    int refused;
    long loopsWithSockets;
    try (SocketClient a = SocketClient.withToken(client, platform.port(), alice);
         SocketClient b = SocketClient.withToken(client, platform.port(), bob);
         Uploads files = new Uploads(client, api, platform)) {
      a.ask("chat.sync", new JsonObject().put("rooms", new JsonObject()));
      b.ask("chat.sync", new JsonObject().put("rooms", new JsonObject()));
      // The gateway's event loops (GATEWAY_EVENT_LOOPS) each time the fan-out to their own sockets.
      loopsWithSockets = platform.gateway().openSessionsPerLoop().stream().filter(n -> n > 0).count();
      a.ask("chat.send", new JsonObject().put("roomId", roomId).put("clientMsgId", "m1").put("text", "hello"));
      b.awaitEvent("message");
      refused = syncsOverTheLimit(b, 40);
      files.uploaded(alice.token(), roomId, "report.pdf", Uploads.pdf(4_096, 7));
      // presence-service counts its sockets every PRESENCE_REAP_INTERVAL_MS (2 s): nothing to await but the gauge.
      Await.until("presence counts the two sockets", Await.TIMEOUT, () -> scrape().getOrDefault("chat_presence_sessions_online", 0.0) >= 2);
      scraped = scrape();
      System.out.println("sync requests refused by the limit: " + refused);
      assertThat(sum(scraped, "chat_gateway_sockets_open", "transport=\"websocket\"")).as("the two sockets, by transport").isEqualTo(2);
    }

    Set<String> wanted = new TreeSet<>();
    dashboardExpressions().forEach(e -> wanted.addAll(metricNames(e)));
    alertExpressions().forEach(e -> wanted.addAll(metricNames(e)));
    wanted.add(Adapter.series(Adapter.rule("chat_gateway_sockets_open")));
    System.out.println("metrics the dashboard, the alerts and the adapter read: " + wanted);
    Set<String> names = new TreeSet<>();
    scraped.keySet().forEach(series -> names.add(series.replaceFirst("\\{.*", "")));
    assertThat(names).as("series on /metrics").containsAll(wanted);

    Map<String, Double> moved = new java.util.LinkedHashMap<>();
    moved.put("messages in", sum(scraped, "chat_messages_in_total", ""));
    moved.put("messages delivered", sum(scraped, "chat_gateway_events_delivered_total", "type=\"message\""));
    moved.put("fan-outs timed", sum(scraped, "chat_fanout_latency_seconds_count", "type=\"message\""));
    moved.put("sends acked", sum(scraped, "chat_socket_requests_seconds_count", "address=\"chat.send\",outcome=\"ok\""));
    moved.put("syncs", sum(scraped, "chat_socket_requests_seconds_count", "address=\"chat.sync\""));
    moved.put("refused by the sync limit", sum(scraped, "chat_ratelimit_refused_total", "limit=\"sync\""));
    moved.put("uploads stored", sum(scraped, "chat_uploads_bytes_count", "outcome=\"stored\""));
    moved.put("upload bytes stored", sum(scraped, "chat_uploads_bytes_sum", "outcome=\"stored\""));
    moved.put("mongo operations on messages", sum(scraped, "chat_store_mongo_seconds_count", "collection=\"messages\""));
    moved.put("redis commands", sum(scraped, "chat_store_redis_seconds_count", ""));
    moved.put("event bus requests to chat-service's send", sum(scraped, "chat_service_requests_seconds_count", "address=\"svc.chat.messages.send\""));
    System.out.println("domain meters: " + moved);
    assertThat(moved.get("messages in")).isEqualTo(1);
    assertThat(moved.get("messages delivered")).as("to alice's and bob's sockets").isEqualTo(2);
    assertThat(moved.get("fan-outs timed")).as("one per gateway event loop holding a member's socket").isEqualTo(loopsWithSockets);
    assertThat(moved.get("sends acked")).isEqualTo(1);
    assertThat(moved.get("syncs")).isGreaterThanOrEqualTo(42);
    assertThat(moved.get("refused by the sync limit")).isEqualTo((double) refused).isGreaterThanOrEqualTo(1);
    assertThat(moved.get("uploads stored")).isEqualTo(1);
    assertThat(moved.get("upload bytes stored")).isEqualTo(4_096);
    assertThat(moved.get("mongo operations on messages")).isGreaterThanOrEqualTo(1);
    assertThat(moved.get("redis commands")).isGreaterThanOrEqualTo(1);
    assertThat(moved.get("event bus requests to chat-service's send")).isEqualTo(1);
    assertThat(sum(scraped, "chat_eventbus_timeouts_total", "")).as("no request timed out").isZero();
  }

  @Test
  @DisplayName("the metric-name reader strips functions, label matchers, ranges and grouping labels")
  void readsMetricNames() {
    assertThat(metricNames("histogram_quantile(0.99, sum by (le, address) (rate(chat_x_seconds_bucket{address=\"chat.send\"}[5m]))) > 0.5"))
        .containsExactly("chat_x_seconds_bucket");
    assertThat(metricNames("sum by (service) (rate(a_total{outcome=~\"internal|unavailable\"}[$__rate_interval])) / max(b) != min(c offset 5m)"))
        .containsExactlyInAnyOrder("a_total", "b", "c");
    assertThat(metricNames("up{job=~\"chat-.*\"} == 0")).isEmpty();
  }

  /** Sends {@code count} syncs at once (the limit refills 5 a second) and reads every answer; returns the refusals. */
  private static int syncsOverTheLimit(SocketClient socket, int count) {
    List<String> replies = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      replies.add(socket.send("chat.sync", new JsonObject().put("rooms", new JsonObject())));
    }
    int refused = 0;
    for (String reply : replies) {
      JsonObject frame = socket.awaitReply(reply).frame();
      if ("err".equals(frame.getString("type")) && "rate_limited".equals(frame.getString("body"))) {
        refused++;
      }
    }
    return refused;
  }

  /** Every series on the gateway's ops port, {@code name{labels}} → value. */
  private static Map<String, Double> scrape() {
    String text = Await.result(web.get(platform.opsPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
    Map<String, Double> series = new java.util.HashMap<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        int space = line.lastIndexOf(' ');
        series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      }
    }
    return series;
  }

  /** The sum of {@code name}'s series whose labels contain {@code labels} (Prometheus's text: {@code k="v",…}). */
  private static double sum(Map<String, Double> scraped, String name, String labels) {
    return scraped.entrySet().stream()
        .filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
        .filter(e -> e.getKey().contains(labels))
        .mapToDouble(Map.Entry::getValue)
        .sum();
  }

  static List<String> dashboardExpressions() throws Exception {
    List<String> expressions = new ArrayList<>();
    try (var dashboards = Files.list(OBSERVABILITY.resolve("grafana/dashboards"))) {
      for (Path dashboard : dashboards.filter(p -> p.toString().endsWith(".json")).toList()) {
        expressions.addAll(new JsonMapper().readTree(Files.readString(dashboard)).findValuesAsString("expr"));
      }
    }
    assertThat(expressions).as("the dashboard's queries").isNotEmpty();
    return expressions;
  }

  static List<String> alertExpressions() throws Exception {
    List<String> expressions = new YAMLMapper().readTree(Files.readString(OBSERVABILITY.resolve("prometheus/alerts.yml"))).findValuesAsString("expr");
    assertThat(expressions).as("the alert rules' expressions").isNotEmpty();
    return expressions;
  }

  /**
   * The metric names a PromQL expression reads: what is left once strings, label matchers, ranges
   * and grouping label lists are taken out, minus functions (followed by a parenthesis), keywords,
   * numbers with their units and the series Prometheus makes itself.
   */
  static Set<String> metricNames(String expression) {
    String bare = expression
        .replaceAll("\"[^\"]*\"", "\"\"")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      String word = m.group();
      boolean function = bare.substring(m.end()).stripLeading().startsWith("(");
      if (!function && !PROMQL_WORDS.contains(word) && !PROMETHEUS_SERIES.contains(word)) {
        names.add(word);
      }
    }
    return names;
  }
}

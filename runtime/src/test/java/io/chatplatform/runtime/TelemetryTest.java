package io.chatplatform.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Tracing is off without a collector, and with one its spans arrive over OTLP/HTTP without query strings. */
@DisplayName("Telemetry: off by default; spans over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, redacted")
class TelemetryTest {
  @Test
  @DisplayName("without OTEL_EXPORTER_OTLP_ENDPOINT there is no tracer")
  void offWithoutEndpoint() {
    Telemetry telemetry = Telemetry.from(Settings.of(Map.of()), "chat-service");
    assertThat(telemetry.on()).isFalse();
    assertThat(telemetry.tracerFactory()).isNull();
    assertThatThrownBy(() -> Telemetry.from(Settings.of(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")), "x"))
        .hasMessageContaining("must be an http(s) URL");
  }

  @Test
  @DisplayName("a traced HTTP request reaches the collector under OTEL_SERVICE_NAME, its query string cut off")
  void spansReachTheCollector() {
    Vertx collectorVertx = Vertx.vertx();
    List<String> paths = new CopyOnWriteArrayList<>();
    List<Buffer> bodies = new CopyOnWriteArrayList<>();
    HttpServer collector = Await.result(collectorVertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body -> {
          paths.add(request.path() + " " + request.getHeader("Content-Type"));
          bodies.add(body);
          request.response().putHeader("Content-Type", "application/x-protobuf").end();
        }))
        .listen(0, "127.0.0.1"));
    Telemetry telemetry = Telemetry.from(Settings.of(Map.of(
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.actualPort(),
        "OTEL_SERVICE_NAME", "traced-service")), "chat-service");
    ServiceNode node = ServiceNode.standalone(telemetry);
    try {
      HttpServer server = Await.result(node.vertx().createHttpServer()
          .requestHandler(request -> request.response().end("ok"))
          .listen(0, "127.0.0.1"));
      HttpClientResponse answered = Await.result(node.vertx().createHttpClient()
          .request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/eventbus/websocket?access_token=secret-token-123")
          .compose(request -> request.send()));
      assertThat(answered.statusCode()).isEqualTo(200);
    } finally {
      // Closing exports what is left.
      Await.result(node.close());
    }
    Await.until("spans reach the collector", Await.TIMEOUT, () -> !bodies.isEmpty());
    String exported = bodies.stream().map(b -> b.toString(StandardCharsets.ISO_8859_1)).reduce("", String::concat);
    System.out.println("collector received " + paths);
    assertThat(paths).allMatch(p -> p.equals("/v1/traces application/x-protobuf"));
    assertThat(exported).contains("traced-service", "/eventbus/websocket").doesNotContain("secret-token-123", "access_token");
    Await.result(collectorVertx.close());
  }

  @Test
  @DisplayName("URLs lose their query and fragment")
  void withoutQuery() {
    assertThat(Telemetry.Redacting.withoutQuery("http://h/eventbus/websocket?access_token=abc")).isEqualTo("http://h/eventbus/websocket");
    assertThat(Telemetry.Redacting.withoutQuery("/p#frag?x")).isEqualTo("/p");
    assertThat(Telemetry.Redacting.withoutQuery("/plain")).isEqualTo("/plain");
  }
}

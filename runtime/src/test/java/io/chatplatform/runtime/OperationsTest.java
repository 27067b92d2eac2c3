package io.chatplatform.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Operations: liveness, readiness from every check within its timeout, metrics")
class OperationsTest {
  final Vertx vertx = Vertx.vertx();
  final HttpClient http = vertx.createHttpClient();
  final Operations operations = new Operations();
  int port;

  record Answer(int status, Buffer body) {
    JsonObject json() {
      return body.toJsonObject();
    }
  }

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  void serve() {
    Router router = Router.router(vertx);
    operations.mount(vertx, router);
    port = Await.result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")).actualPort();
  }

  /**
   * GETs on a Vert.x context, so each step's continuation is attached in the event-loop turn that
   * produced its result: chained from the test's own thread, a response could be complete before
   * its body handler was attached, and that request never answered (1 run in ~10).
   */
  Answer get(String path) {
    return Await.result(Future.<Answer>future(promise -> vertx.runOnContext(x -> http
        .request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(HttpClientRequest::send)
        .compose(response -> response.body().map(body -> new Answer(response.statusCode(), body)))
        .onComplete(promise))));
  }

  @Test
  @DisplayName("a process without checks is live and ready: 200 {\"status\":\"UP\"}, with an empty set of checks when ready")
  void noChecks() {
    serve();
    Answer live = get("/health/live");
    assertThat(live.status()).isEqualTo(200);
    assertThat(live.json()).isEqualTo(new JsonObject().put("status", "UP"));
    Answer ready = get("/health/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json()).isEqualTo(new JsonObject().put("status", "UP").put("checks", new JsonObject()));
  }

  @Test
  @DisplayName("ready only when every check passes: a failed, a throwing and a silent check each answer 503 and are named DOWN")
  void everyCheckMustPass() {
    operations.addReadinessCheck("store", () -> Future.succeededFuture("pong"));
    serve();
    assertThat(get("/health/ready").json()).isEqualTo(new JsonObject().put("status", "UP").put("checks", new JsonObject().put("store", "UP")));

    // Added after the endpoint is mounted, as a service's verticle does.
    operations.addReadinessCheck("failed", () -> Future.failedFuture("no answer"));
    operations.addReadinessCheck("throwing", () -> {
      throw new IllegalStateException("broken");
    });
    operations.addReadinessCheck("silent", () -> Promise.promise().future());
    Answer ready = get("/health/ready");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.json()).isEqualTo(new JsonObject().put("status", "DOWN").put("checks", new JsonObject()
        .put("store", "UP").put("failed", "DOWN").put("throwing", "DOWN").put("silent", "DOWN")));
  }

  @Test
  @DisplayName("a check replaced under its name counts as the new one")
  void replacedCheck() {
    operations.addReadinessCheck("store", () -> Future.failedFuture("down"));
    serve();
    assertThat(get("/health/ready").status()).isEqualTo(503);
    operations.addReadinessCheck("store", () -> Future.succeededFuture());
    assertThat(get("/health/ready").status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a draining process is unready at once, naming the draining check, without waiting for a silent check; liveness stays UP")
  void drainingAnswersAtOnce() {
    operations.addReadinessCheck("store", () -> Future.succeededFuture());
    operations.addReadinessCheck("silent", () -> Promise.promise().future());
    serve();
    long start = System.nanoTime();
    assertThat(get("/health/ready").status()).isEqualTo(503);
    long checkedMs = (System.nanoTime() - start) / 1_000_000;

    operations.drain("gateway");
    start = System.nanoTime();
    Answer ready = get("/health/ready");
    long drainingMs = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("readiness with a silent check: %d ms (READINESS_CHECK_TIMEOUT_MS %d); while draining: %d ms%n",
        checkedMs, operations.readinessTimeoutMs(), drainingMs);
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.json()).isEqualTo(new JsonObject().put("status", "DOWN").put("checks", new JsonObject().put("gateway", "DOWN")));
    assertThat(get("/health/live").status()).as("liveness is the process alone").isEqualTo(200);
  }

  @Test
  @DisplayName("READINESS_CHECK_TIMEOUT_MS is 2000 by default, at least 1")
  void readinessTimeoutSetting() {
    assertThat(Operations.readinessTimeoutMs(Settings.of(java.util.Map.of()))).isEqualTo(2_000);
    assertThat(Operations.readinessTimeoutMs(Settings.of(java.util.Map.of("READINESS_CHECK_TIMEOUT_MS", "300")))).isEqualTo(300);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Operations(0)).hasMessageContaining("READINESS_CHECK_TIMEOUT_MS");
  }

  @Test
  @DisplayName("/metrics is Prometheus text with the JVM's meters")
  void metrics() {
    serve();
    Answer metrics = get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body().toString()).contains("jvm_memory_used_bytes");
  }
}

package io.chatplatform.runtime;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Health and metrics of one process: {@code GET /health/live}, {@code GET /health/ready} and
 * {@code GET /metrics} (Prometheus text). Services add readiness checks (their store answers);
 * the process is ready when every check passes within the timeout. A service's consumers are
 * registered before its deployment completes, so a deployed service is already serving.
 */
public final class Operations {
  /** How long a readiness check may take before it counts as failed. */
  public static final long READINESS_CHECK_TIMEOUT_MS = 2_000;

  private final PrometheusMeterRegistry registry;
  private final Map<String, Supplier<Future<?>>> readinessChecks = new ConcurrentHashMap<>();

  public Operations() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Adds a check that {@code /health/ready} runs; a failed future means not ready. */
  public void addReadinessCheck(String name, Supplier<Future<?>> check) {
    readinessChecks.put(name, check);
  }

  /** Mounts the three endpoints on {@code router}. */
  public void mount(Vertx vertx, Router router) {
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(ctx -> ready(vertx, ctx));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
  }

  private void ready(Vertx vertx, RoutingContext ctx) {
    List<String> names = new ArrayList<>(readinessChecks.keySet());
    List<Future<?>> results = new ArrayList<>();
    for (String name : names) {
      results.add(withTimeout(vertx, readinessChecks.get(name)));
    }
    Future.join(results)
        .onComplete(
            ignored -> {
              JsonObject checks = new JsonObject();
              boolean up = true;
              for (int i = 0; i < names.size(); i++) {
                boolean ok = results.get(i).succeeded();
                up &= ok;
                checks.put(names.get(i), ok ? "UP" : "DOWN");
              }
              ctx.response().setStatusCode(up ? 200 : 503);
              ctx.json(new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks));
            });
  }

  private static Future<?> withTimeout(Vertx vertx, Supplier<Future<?>> check) {
    try {
      return check.get().timeout(READINESS_CHECK_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}

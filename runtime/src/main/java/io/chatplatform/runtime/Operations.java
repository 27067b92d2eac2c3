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
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Health and metrics of one process: {@code GET /health/live}, {@code GET /health/ready} and
 * {@code GET /metrics} (Prometheus text). Services add readiness checks (their store answers);
 * the process is ready when every check passes within {@code READINESS_CHECK_TIMEOUT_MS}. A
 * service's consumers are registered before its deployment completes, so a deployed service is
 * already serving. Liveness is the process alone: it answers while the event loop serving it
 * does, whatever the dependencies do (a restart would not bring them back).
 *
 * <p>A process that begins to drain ({@link #drain}) answers readiness 503 at once, without
 * running the checks: a load balancer must stop sending before the sockets are closed, not a
 * check timeout later.
 *
 * <p>The checks run in vertx-health-check's {@link HealthChecks} (each with its timeout, all at
 * once). Its stock HTTP handler is not used because it answers in another shape (a list of
 * checks, and 204 when there are none); {@code /health/ready} keeps this one:
 * 200 or 503 with {@code {"status":"UP"|"DOWN","checks":{"<name>":"UP"|"DOWN"}}}.
 */
public final class Operations {
  /** {@code READINESS_CHECK_TIMEOUT_MS}'s default: how long a readiness check may take before it counts as failed. */
  public static final long READINESS_CHECK_TIMEOUT_MS = 2_000;

  private final PrometheusMeterRegistry registry;
  private final long readinessTimeoutMs;
  /** The check named DOWN while draining; null until {@link #drain}. */
  private volatile String drainingCheck;
  /** Every check added, in order; guarded by this. */
  private final Map<String, Supplier<Future<?>>> readinessChecks = new LinkedHashMap<>();
  /** Created by the first {@link #mount}; guarded by this. */
  private HealthChecks healthChecks;

  public Operations() {
    this(READINESS_CHECK_TIMEOUT_MS);
  }

  /** With each readiness check given {@code readinessTimeoutMs} to answer. */
  public Operations(long readinessTimeoutMs) {
    if (readinessTimeoutMs < 1) {
      throw new IllegalArgumentException("READINESS_CHECK_TIMEOUT_MS must be at least 1");
    }
    this.readinessTimeoutMs = readinessTimeoutMs;
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

  /** {@code READINESS_CHECK_TIMEOUT_MS} of {@code settings}. */
  public static long readinessTimeoutMs(Settings settings) {
    return settings.longValue("READINESS_CHECK_TIMEOUT_MS", READINESS_CHECK_TIMEOUT_MS);
  }

  /** How long each readiness check may take; a check that asks another process should ask within it. */
  public long readinessTimeoutMs() {
    return readinessTimeoutMs;
  }

  /**
   * The process drains: from now on {@code /health/ready} answers 503 at once, naming
   * {@code check} DOWN, and runs no check. There is no way back; a drained process stops.
   */
  public void drain(String check) {
    drainingCheck = check;
  }

  /**
   * Adds a check that {@code /health/ready} runs; a failed future (or a throw) means not ready.
   * A check of the same name is replaced (a verticle deployed again adds its check again).
   */
  public synchronized void addReadinessCheck(String name, Supplier<Future<?>> check) {
    boolean replaced = readinessChecks.put(name, check) != null;
    if (healthChecks != null) {
      if (replaced) {
        healthChecks.unregister(name);
      }
      register(healthChecks, name, check);
    }
  }

  /** Mounts the three endpoints on {@code router}. */
  public void mount(Vertx vertx, Router router) {
    HealthChecks checks = healthChecks(vertx);
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(ctx -> {
      String draining = drainingCheck;
      if (draining != null) {
        answer(ctx, false, new JsonObject().put(draining, "DOWN"));
      } else {
        ready(checks, ctx);
      }
    });
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
  }

  private synchronized HealthChecks healthChecks(Vertx vertx) {
    if (healthChecks == null) {
      healthChecks = HealthChecks.create(vertx);
      readinessChecks.forEach((name, check) -> register(healthChecks, name, check));
    }
    return healthChecks;
  }

  private void register(HealthChecks checks, String name, Supplier<Future<?>> check) {
    checks.register(name, readinessTimeoutMs, promise -> {
      Future<?> result;
      try {
        result = check.get();
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ok -> promise.tryComplete(Status.OK()), promise::tryFail);
    });
  }

  private static void ready(HealthChecks checks, RoutingContext ctx) {
    checks.checkStatus().onComplete(result -> {
      JsonObject byName = new JsonObject();
      if (result.getChecks() != null) {
        result.getChecks().forEach(check -> byName.put(check.getId(), CheckResult.isUp(check) ? "UP" : "DOWN"));
      }
      answer(ctx, CheckResult.isUp(result), byName);
    }, failure -> answer(ctx, false, new JsonObject()));
  }

  private static void answer(RoutingContext ctx, boolean up, JsonObject checks) {
    ctx.response().setStatusCode(up ? 200 : 503);
    ctx.json(new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks));
  }
}

package io.chatplatform.runtime;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.spi.VertxTracerFactory;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traces: when {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set, Vert.x traces every HTTP request, event
 * bus message and socket frame ({@link Correlation#scope}) with OpenTelemetry and the spans go over
 * OTLP/HTTP to that collector, under {@code service.name} = {@code OTEL_SERVICE_NAME} (default: the
 * process's service name). Unset, there is no tracer at all: Vert.x skips every tracing step.
 *
 * <p>Spans are redacted before they leave ({@link Redacting}): no query string (a socket's
 * {@code access_token} travels in the upgrade request's) and no database statement's arguments.
 * Vert.x records no message body in an event bus span.
 */
public final class Telemetry {
  private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);
  private static final Telemetry OFF = new Telemetry(null, null);

  private final OpenTelemetrySdk sdk;
  private final SdkTracerProvider provider;

  private Telemetry(OpenTelemetrySdk sdk, SdkTracerProvider provider) {
    this.sdk = sdk;
    this.provider = provider;
  }

  /** No tracing. */
  public static Telemetry off() {
    return OFF;
  }

  /**
   * Tracing as the settings say: off unless {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set (the
   * collector's base URL, {@code /v1/traces} is added); each export waits at most
   * {@code OTEL_EXPORTER_OTLP_TIMEOUT} ms.
   */
  public static Telemetry from(Settings settings, String serviceName) {
    String endpoint = settings.optional("OTEL_EXPORTER_OTLP_ENDPOINT");
    if (endpoint == null) {
      return off();
    }
    URI base = URI.create(endpoint);
    if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme()) || base.getHost() == null) {
      throw new IllegalArgumentException("OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL");
    }
    long timeoutMs = settings.longValue("OTEL_EXPORTER_OTLP_TIMEOUT", 10_000);
    if (timeoutMs < 1) {
      throw new IllegalArgumentException("OTEL_EXPORTER_OTLP_TIMEOUT must be at least 1");
    }
    String name = settings.string("OTEL_SERVICE_NAME", serviceName);
    SpanExporter otlp = OtlpHttpSpanExporter.builder()
        .setEndpoint(endpoint.replaceAll("/+$", "") + "/v1/traces")
        .setTimeout(Duration.ofMillis(timeoutMs))
        .build();
    // The host only: the URL could carry credentials.
    LOG.info("tracing on: spans of {} go over OTLP to {}", name, base.getHost());
    return exportingTo(name, otlp);
  }

  /** Tracing whose spans, redacted, go to {@code exporter} (in batches): the OTLP one, or a test's. */
  public static Telemetry exportingTo(String serviceName, SpanExporter exporter) {
    Resource resource = Resource.getDefault().merge(
        Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), serviceName)));
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(resource)
        .addSpanProcessor(BatchSpanProcessor.builder(new Redacting(exporter)).build())
        .build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(provider)
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    return new Telemetry(sdk, provider);
  }

  public boolean on() {
    return sdk != null;
  }

  /** The tracer Vert.x is built with; null when off (Vert.x then has none). */
  VertxTracerFactory tracerFactory() {
    return sdk == null ? null : new OpenTelemetryTracingFactory(sdk);
  }

  /** Exports the spans ended so far; blocking (a test's or a main's thread). */
  public void flush(long timeoutMs) {
    if (provider != null) {
      provider.forceFlush().join(timeoutMs, TimeUnit.MILLISECONDS);
    }
  }

  /** Exports what is left and stops. */
  Future<Void> close() {
    if (provider == null) {
      return Future.succeededFuture();
    }
    Promise<Void> closed = Promise.promise();
    CompletableResultCode shutdown = provider.shutdown();
    shutdown.whenComplete(() -> closed.complete());
    return closed.future();
  }

  /**
   * Takes out of each span what must never leave the process: the query string of a URL (a
   * socket's {@code access_token} or ticket travels there), the query attribute itself, and the
   * arguments of a database statement (the command is kept).
   */
  static final class Redacting implements SpanExporter {
    private static final Set<String> URL_KEYS = Set.of("http.url", "url.full", "http.target", "url.original");
    private static final Set<String> QUERY_KEYS = Set.of("url.query", "http.query");
    private static final Set<String> STATEMENT_KEYS = Set.of("db.statement", "db.query.text");

    private final SpanExporter delegate;

    Redacting(SpanExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return delegate.export(spans.stream().map(Redacting::redact).toList());
    }

    static SpanData redact(SpanData span) {
      AttributesBuilder kept = Attributes.builder();
      span.getAttributes().forEach((key, value) -> {
        String name = key.getKey();
        if (QUERY_KEYS.contains(name)) {
          return;
        }
        if (URL_KEYS.contains(name) && value instanceof String url) {
          kept.put(name, withoutQuery(url));
        } else if (STATEMENT_KEYS.contains(name) && value instanceof String statement) {
          kept.put(name, statement.strip().split("\\s+", 2)[0]);
        } else {
          @SuppressWarnings("unchecked")
          AttributeKey<Object> same = (AttributeKey<Object>) key;
          kept.put(same, value);
        }
      });
      Attributes attributes = kept.build();
      String name = withoutQuery(span.getName());
      return new DelegatingSpanData(span) {
        @Override
        public String getName() {
          return name;
        }

        @Override
        public Attributes getAttributes() {
          return attributes;
        }

        @Override
        public int getTotalAttributeCount() {
          return attributes.size();
        }
      };
    }

    static String withoutQuery(String url) {
      int cut = url.indexOf('?');
      int fragment = url.indexOf('#');
      if (cut < 0 || fragment >= 0 && fragment < cut) {
        cut = fragment;
      }
      return cut < 0 ? url : url.substring(0, cut);
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }
  }
}

package io.chatplatform.runtime;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingPolicy;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The correlation id of the request being handled: created (or accepted from a client's {@code
 * X-Request-Id}) where a request enters the platform, carried in the {@value #HEADER} header of
 * every event bus request a service makes while handling it, and put on every log line written
 * meanwhile ({@link LogContext}, field {@value #LOG_KEY}).
 *
 * <p>It lives in the local data of the Vert.x <em>duplicated</em> context the request is handled
 * on: Vert.x gives each HTTP request and each event bus message one of its own, and callbacks of
 * what the handler started (a store's answer, another service's reply) run on it again, so the
 * id follows the request across its asynchronous steps without a thread-local. It is never put
 * on an event loop's own context, which every request on that loop shares.
 *
 * <p>It works with tracing off. With tracing on, {@link #scope} also opens a server span, so a
 * request that does not arrive over HTTP or the event bus (a socket's frame) gets its own trace.
 */
public final class Correlation {
  /** The HTTP header a client or proxy may send (and the gateway answers with), and the event bus header between services. */
  public static final String HEADER = "X-Request-Id";
  /** The key of the id in the logging context (a field of every JSON log line). */
  public static final String LOG_KEY = "correlationId";
  /**
   * What a client-supplied id must look like to be kept: letters, digits, {@code . _ -}, 8 to 64
   * of them (UUIDs, hex and base64url ids pass). Anything else (a line break, a quote, a long
   * string) could forge or bloat log lines, so it is replaced by an id of our own.
   */
  static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]{8,64}");

  /** The key of the id in a duplicated context's local data. */
  private static final Object KEY = new Object();

  private Correlation() {}

  /** A new id: 128 random bits in base64url (22 characters). Not a secret, only unique. */
  public static String fresh() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** {@code supplied} when it is a safe id ({@link #SAFE}), else a fresh one. */
  public static String acceptOrFresh(String supplied) {
    return supplied != null && SAFE.matcher(supplied).matches() ? supplied : fresh();
  }

  /** The id of the request handled on the current context; null outside one. */
  public static String current() {
    ContextInternal context = ContextInternal.current();
    if (context == null || !context.isDuplicate()) {
      return null;
    }
    return (String) context.localContextData().get(KEY);
  }

  /**
   * Makes {@code id} the current request's: the current context must be a request's own
   * (duplicated) context, as an HTTP request's handler or an event bus consumer runs on.
   * Ignored elsewhere: an event loop's own context is shared by every request on it.
   */
  public static void enter(String id) {
    ContextInternal context = ContextInternal.current();
    if (context != null && context.isDuplicate() && id != null) {
      context.localContextData().put(KEY, id);
    }
  }

  /**
   * Handles the received message, from here on, under the correlation id its headers carry (a
   * fresh one when they carry none, or an unsafe one). Called first thing in a consumer.
   */
  public static void enterFrom(MultiMap headers) {
    enter(Objects.requireNonNullElseGet(of(headers), Correlation::fresh));
  }

  /** The id a received message carries, when it is safe; null otherwise. */
  public static String of(MultiMap headers) {
    String id = headers.get(HEADER);
    return id != null && SAFE.matcher(id).matches() ? id : null;
  }

  /** {@code options} carrying the current request's id (a copy; {@code options} is shared). */
  public static DeliveryOptions propagate(DeliveryOptions options) {
    String id = current();
    return id == null ? options : new DeliveryOptions(options).addHeader(HEADER, id);
  }

  /**
   * Runs {@code action} as a request of its own: on a new duplicate of the current context, with
   * {@code id} as its correlation id and, when tracing is on, inside a new server span named
   * {@code operation} (the root of its own trace) that ends when the returned future completes.
   * Call it on an event loop (a socket's frame handler). {@code operation} must not hold a secret.
   */
  public static <T> Future<T> scope(String id, String operation, Supplier<Future<T>> action) {
    ContextInternal current = ContextInternal.current();
    if (current == null) {
      throw new IllegalStateException("Correlation.scope must be called on a Vert.x context");
    }
    ContextInternal request = current.duplicate();
    request.localContextData().put(KEY, id);
    @SuppressWarnings("unchecked")
    VertxTracer<Object, Object> tracer = request.tracer();
    Object span = tracer == null
        ? null
        : tracer.receiveRequest(request, SpanKind.RPC, TracingPolicy.ALWAYS, new Asked(operation, id), operation, List.of(), Asked.TAGS);
    return within(request, action).andThen(done -> {
      if (span != null) {
        tracer.sendResponse(request, null, span, done.failed() ? done.cause() : null, TagExtractor.empty());
      }
    });
  }

  /**
   * {@code action}, to run later (after other requests' steps, from their callbacks) still as part
   * of the current request: on its context, with its correlation id and span.
   */
  public static <T> Supplier<Future<T>> staying(Supplier<Future<T>> action) {
    ContextInternal context = ContextInternal.current();
    return context == null ? action : () -> within(context, action);
  }

  /** Runs {@code action} on {@code context}, at once when on its thread; a failure thrown becomes a failed future. */
  private static <T> Future<T> within(ContextInternal context, Supplier<Future<T>> action) {
    if (!context.inThread()) {
      io.vertx.core.Promise<T> result = context.promise();
      context.runOnContext(x -> attempt(action).onComplete(result));
      return result.future();
    }
    @SuppressWarnings("unchecked")
    Future<T>[] result = new Future[1];
    context.dispatch(() -> result[0] = attempt(action));
    return result[0];
  }

  private static <T> Future<T> attempt(Supplier<Future<T>> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** What a {@link #scope}'s span records: what was asked (a socket frame's address) and the correlation id that links it to the log. */
  private record Asked(String operation, String id) {
    static final TagExtractor<Asked> TAGS = new TagExtractor<>() {
      @Override
      public int len(Asked asked) {
        return 2;
      }

      @Override
      public String name(Asked asked, int index) {
        return index == 0 ? "chat.operation" : "chat.correlation_id";
      }

      @Override
      public String value(Asked asked, int index) {
        return index == 0 ? asked.operation() : asked.id();
      }
    };
  }
}

package io.chatplatform.runtime;

import io.chatplatform.contracts.Codecs;
import io.chatplatform.contracts.EncodedReply;
import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.Endpoint;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.Shape;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * Requests to other services, written once for every service: the typed payload goes as it is
 * (by reference in one JVM), the reply comes back typed, every call has the timeout given here,
 * and every failure comes back as a client-facing {@link ServiceException} ({@code unavailable}
 * for a timeout or a missing service). Each call is timed in {@link Meters#SERVICE_REQUESTS} by
 * address and outcome, and a call that got no answer in time is counted in
 * {@link Meters#EVENT_BUS_TIMEOUTS} by address (endpoint addresses are constants: no ids). Each
 * carries the correlation id of the request being handled ({@link Correlation}), so the service it
 * reaches logs under the same id.
 */
public final class ServiceClient {
  private final EventBus eventBus;
  private final DeliveryOptions options;
  private final MeterRegistry metrics;
  private final Meters.Family<Timer> requestTimes;
  private final Meters.Family<Counter> timeouts;

  public ServiceClient(EventBus eventBus, long timeoutMs, MeterRegistry metrics) {
    this.eventBus = Codecs.register(eventBus);
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
    this.metrics = metrics;
    this.requestTimes = metrics == null ? null
        : Meters.latencies(metrics, Meters.SERVICE_REQUESTS, "Requests to other services over the event bus, by address and outcome",
            "address", "outcome");
    this.timeouts = metrics == null ? null
        : Meters.counters(metrics, Meters.EVENT_BUS_TIMEOUTS,
            "Requests to other services that got no answer within their timeout, by address", "address");
  }

  public <Q, R> Future<R> request(Endpoint<Q, R> endpoint, Q request) {
    long started = System.nanoTime();
    return eventBus
        .<Object>request(endpoint.address(), request, Correlation.propagate(options))
        .transform(result -> {
          if (result.failed()) {
            ServiceException failure = ServiceException.from(result.cause());
            record(endpoint, failure.code().word, started);
            if (metrics != null && result.cause() instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT) {
              timeouts(endpoint).increment();
            }
            return Future.failedFuture(failure);
          }
          record(endpoint, "ok", started);
          return Future.succeededFuture(typed(endpoint.reply(), result.result().body()));
        });
  }

  /**
   * Forwards a client's request, as JSON, to {@code endpoint}: read through the endpoint's shape
   * (a field of the wrong type is {@code bad_request} naming it), sent typed, and the reply written
   * back as the client-facing JSON. The REST API's way to call a service for a client.
   */
  public <Q, R> Future<JsonObject> forward(Endpoint<Q, R> endpoint, JsonObject body) {
    return forwarded(endpoint, body).map(reply -> endpoint.reply().write().apply(reply));
  }

  /**
   * {@link #forward}, with the reply as the bytes of its client JSON: a reply that carries them
   * ({@link EncodedReply}) is not encoded again. The sockets' way to call a service for a client.
   */
  public <Q, R> Future<Buffer> forwardEncoded(Endpoint<Q, R> endpoint, JsonObject body) {
    return forwarded(endpoint, body)
        .map(reply -> reply instanceof EncodedReply encoded ? encoded.clientJson() : endpoint.reply().write().apply(reply).toBuffer());
  }

  private <Q, R> Future<R> forwarded(Endpoint<Q, R> endpoint, JsonObject body) {
    Q request;
    try {
      request = endpoint.request().read().apply(body);
    } catch (ServiceException e) {
      return Future.failedFuture(e);
    }
    return request(endpoint, request);
  }

  /**
   * The reply as its type: a responder that answered in JSON (a test) or as another typed payload
   * (an older member during a rolling upgrade: a {@code Message} where a {@code Sent} is expected)
   * is read through its JSON. A reply of no known form is an internal error, never an empty reply
   * read as if it were one.
   */
  static <T> T typed(Shape<T> shape, Object body) {
    if (shape.type().isInstance(body)) {
      return shape.type().cast(body);
    }
    if (body == null) {
      // An empty reply (a handler that answers nothing, such as an acknowledgement): read as {}.
      return shape.read().apply(new JsonObject());
    }
    JsonObject json = body instanceof JsonObject object ? object : Codecs.json(body);
    if (json == null) {
      throw new ServiceException(ErrorCode.INTERNAL,
          "a reply of an unexpected type: " + body.getClass().getSimpleName() + ", expected " + shape.type().getSimpleName());
    }
    return shape.read().apply(json);
  }

  private void record(Endpoint<?, ?> endpoint, String outcome, long started) {
    if (metrics != null) {
      requestTimes.with(endpoint.address(), outcome).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      // Created with the address's first request, at 0: the series exists before its first timeout.
      timeouts(endpoint);
    }
  }

  private Counter timeouts(Endpoint<?, ?> endpoint) {
    return timeouts.with(endpoint.address());
  }
}

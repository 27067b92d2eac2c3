package io.chatplatform.runtime;

import io.chatplatform.contracts.Codecs;
import io.chatplatform.contracts.Endpoint;
import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's table of request handlers: endpoint → method reference taking the typed request and
 * returning the typed reply. The one place where requests are read and failures become event
 * bus failure replies: a {@link ServiceException} keeps its code and text; anything else is a bug,
 * logged with its stack and answered as {@code internal} without details.
 *
 * <p>A request sent as JSON (a test, the bridge of an older member) is read through the
 * endpoint's shape, and answered in JSON too; a typed request gets the typed reply.
 *
 * <p>Each request is handled under the correlation id its sender put in the {@value
 * Correlation#HEADER} header ({@link Correlation}): on every log line, and on every request the
 * handler makes in turn.
 */
public final class ServiceHandlers {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceHandlers.class);

  private final EventBus eventBus;
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();

  private ServiceHandlers(EventBus eventBus) {
    this.eventBus = Codecs.register(eventBus);
  }

  public static ServiceHandlers on(EventBus eventBus) {
    return new ServiceHandlers(eventBus);
  }

  /** Serves {@code endpoint} with {@code handler}. */
  public <Q, R> ServiceHandlers handle(Endpoint<Q, R> endpoint, Function<Q, Future<R>> handler) {
    consumers.add(eventBus.consumer(endpoint.address(), message -> dispatch(endpoint, handler, message)));
    return this;
  }

  /** Answers pings on {@code address} at once, empty ({@link ServicePing}), until the verticle is undeployed. */
  public ServiceHandlers answerPings(String address) {
    consumers.add(eventBus.consumer(address, message -> message.reply(null)));
    return this;
  }

  /** Completes when every consumer is registered (cluster-wide in clustered mode). */
  public Future<Void> completion() {
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  private static <Q, R> void dispatch(Endpoint<Q, R> endpoint, Function<Q, Future<R>> handler, Message<Object> message) {
    // The caller's correlation id (a fresh one if it sent none) for everything this request does and logs.
    Correlation.enterFrom(message.headers());
    Object body = message.body();
    boolean json = body instanceof JsonObject && endpoint.request().typed();
    Future<R> reply;
    try {
      reply = handler.apply(read(endpoint, body));
    } catch (RuntimeException e) {
      reply = Future.failedFuture(e);
    }
    reply.onComplete(result -> {
      if (result.succeeded()) {
        R value = result.result();
        message.reply(json && endpoint.reply().typed() ? endpoint.reply().write().apply(value) : value);
      } else {
        fail(endpoint.address(), message, result.cause());
      }
    });
  }

  private static <Q> Q read(Endpoint<Q, ?> endpoint, Object body) {
    if (endpoint.request().type().isInstance(body)) {
      return endpoint.request().type().cast(body);
    }
    if (body instanceof JsonObject json) {
      return endpoint.request().read().apply(json);
    }
    throw ServiceException.badRequest("a JSON object body is required");
  }

  private static void fail(String address, Message<?> message, Throwable cause) {
    ServiceException failure;
    if (cause instanceof ServiceException || cause instanceof ReplyException) {
      // A client-facing failure, possibly passed on from a service this one called.
      failure = ServiceException.from(cause);
    } else if (MongoErrors.isUnavailable(cause)) {
      // The store is down or slow: the caller may retry, and it is no bug of ours.
      LOG.warn("request to {} failed: the store did not answer ({})", address, cause.getClass().getSimpleName());
      failure = new ServiceException(ErrorCode.UNAVAILABLE, "the store does not answer, try again");
    } else {
      LOG.error("request to {} failed", address, cause);
      failure = new ServiceException(ErrorCode.INTERNAL, "internal error");
    }
    message.fail(failure.code().status, failure.wireMessage());
  }
}

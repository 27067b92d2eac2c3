package io.chatplatform.runtime;

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
 * A service's table of request handlers: address → method reference taking the request body
 * and returning the reply. The one place where failures become event bus failure replies:
 * a {@link ServiceException} keeps its code and text, anything else is logged and answered
 * as {@code internal} without details.
 */
public final class ServiceHandlers {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceHandlers.class);

  private final EventBus eventBus;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();

  private ServiceHandlers(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  public static ServiceHandlers on(EventBus eventBus) {
    return new ServiceHandlers(eventBus);
  }

  /** Serves {@code address} with {@code handler}; a null reply is sent as {@code {}}. */
  public ServiceHandlers handle(String address, Function<JsonObject, Future<?>> handler) {
    consumers.add(eventBus.consumer(address, message -> dispatch(address, handler, message)));
    return this;
  }

  /** Completes when every consumer is registered (cluster-wide in clustered mode). */
  public Future<Void> completion() {
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  private static void dispatch(
      String address, Function<JsonObject, Future<?>> handler, Message<JsonObject> message) {
    Future<?> reply;
    try {
      JsonObject body = message.body();
      if (body == null) {
        throw ServiceException.badRequest("a JSON object body is required");
      }
      reply = handler.apply(body);
    } catch (RuntimeException e) {
      reply = Future.failedFuture(e);
    }
    reply.onComplete(
        result -> {
          if (result.succeeded()) {
            Object value = result.result();
            message.reply(value == null ? new JsonObject() : value);
          } else {
            fail(address, message, result.cause());
          }
        });
  }

  private static void fail(String address, Message<?> message, Throwable cause) {
    ServiceException failure;
    if (cause instanceof ServiceException || cause instanceof ReplyException) {
      // A client-facing failure, possibly passed on from a service this one called.
      failure = ServiceException.from(cause);
    } else if (cause instanceof IllegalArgumentException || cause instanceof ClassCastException) {
      // Raised by JsonObject getters on a field of the wrong type: the caller's mistake.
      failure = ServiceException.badRequest("a field of the request has the wrong type");
    } else {
      LOG.error("request to {} failed", address, cause);
      failure = new ServiceException(ErrorCode.INTERNAL, "internal error");
    }
    message.fail(failure.code().status, failure.wireMessage());
  }
}

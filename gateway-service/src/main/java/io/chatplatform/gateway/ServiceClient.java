package io.chatplatform.gateway;

import io.chatplatform.contracts.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/** Requests to the services; every failure comes back as a client-facing {@link ServiceException}. */
public final class ServiceClient {
  private final EventBus eventBus;
  private final DeliveryOptions options;

  public ServiceClient(EventBus eventBus, long timeoutMs) {
    this.eventBus = eventBus;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  public Future<JsonObject> request(String address, JsonObject body) {
    return eventBus
        .<Object>request(address, body, options)
        .transform(
            result -> {
              if (result.failed()) {
                return Future.failedFuture(ServiceException.from(result.cause()));
              }
              Object reply = result.result().body();
              return Future.succeededFuture(reply instanceof JsonObject json ? json : new JsonObject());
            });
  }
}

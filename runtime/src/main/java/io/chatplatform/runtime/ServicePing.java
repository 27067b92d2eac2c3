package io.chatplatform.runtime;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

/**
 * Whether a service is there, for another process's readiness: each service answers its ping
 * address ({@code Addresses.<Service>.PING}) at once with an empty reply, on its own event loop
 * ({@link ServiceHandlers#answerPings}).
 * An answer proves that a consumer of the service is registered where the asker's event bus can
 * reach it and that its event loop turns; not that its store answers (the service's own readiness
 * says that).
 */
public final class ServicePing {
  private ServicePing() {}

  /** Pings {@code address}; fails when nobody consumes it, or no answer comes within {@code timeoutMs}. */
  public static Future<Void> ask(EventBus eventBus, String address, long timeoutMs) {
    return eventBus.request(address, null, new DeliveryOptions().setSendTimeout(timeoutMs)).mapEmpty();
  }
}

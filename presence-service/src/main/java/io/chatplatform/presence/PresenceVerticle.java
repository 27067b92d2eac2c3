package io.chatplatform.presence;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.runtime.Operations;
import io.chatplatform.runtime.ServiceHandlers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * presence-service: wires config → store (Redis when {@code REDIS_URL} is set, memory otherwise)
 * → {@link PresenceTracker} → the table of request handlers.
 */
public final class PresenceVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceVerticle.class);
  private final PresenceConfig config;
  private final Operations operations;
  private PresenceStore store;
  private PresenceTracker tracker;

  public PresenceVerticle(PresenceConfig config, Operations operations) {
    this.config = config;
    this.operations = operations;
  }

  @Override
  public Future<?> start() {
    boolean redis = config.redisUrl() != null;
    LOG.info("presence-service starting on {} with its registry in {}", Thread.currentThread().getName(), redis ? "Redis" : "memory");
    Future<PresenceStore> opened =
        redis
            ? RedisPresenceStore.create(vertx, config)
            : Future.succeededFuture(new MemoryPresenceStore(config.nodeTtlMs()));
    return opened.compose(s -> {
      store = s;
      operations.addReadinessCheck("presence-store", store::ping);
      tracker = new PresenceTracker(vertx, store, config, operations.registry());
      tracker.start();
      return ServiceHandlers.on(vertx.eventBus())
          .handle(Addresses.Presence.CONNECT, tracker::connect)
          .handle(Addresses.Presence.DISCONNECT, tracker::disconnect)
          .handle(Addresses.Presence.HEARTBEAT, tracker::heartbeat)
          .handle(Addresses.Presence.SET, tracker::setStatus)
          .handle(Addresses.Presence.TYPING, tracker::typing)
          .handle(Addresses.Presence.QUERY, tracker::query)
          .completion();
    });
  }

  @Override
  public Future<?> stop() {
    if (tracker != null) {
      tracker.stop();
    }
    return store == null ? Future.succeededFuture() : store.close();
  }
}

package io.chatplatform.presence.bus;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.presence.PresenceApi;
import io.chatplatform.presence.PresenceConfig;
import io.chatplatform.presence.PresenceMetrics;
import io.chatplatform.presence.domain.Presence;
import io.chatplatform.presence.domain.PresenceStore;
import io.chatplatform.presence.domain.PresenceTracker;
import io.chatplatform.presence.domain.Timers;
import io.chatplatform.presence.store.MemoryPresenceStore;
import io.chatplatform.presence.store.RedisPresenceStore;
import io.chatplatform.runtime.EventBusFanout;
import io.chatplatform.runtime.Operations;
import io.chatplatform.runtime.ServiceClient;
import io.chatplatform.runtime.ServiceHandlers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * presence-service: wires config → store (Redis when {@code REDIS_URL} is set, memory otherwise)
 * → {@link PresenceTracker} → the table of request handlers, and runs the dead-node reaper.
 */
public final class PresenceVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceVerticle.class);
  private final PresenceConfig config;
  private final Operations operations;
  private PresenceStore store;
  private PresenceTracker tracker;
  private long reaper = -1;

  public PresenceVerticle(PresenceConfig config, Operations operations) {
    this.config = config;
    this.operations = operations;
  }

  @Override
  public Future<?> start() {
    boolean redis = config.redisUrl() != null;
    LOG.info("presence-service starting on {} with its registry in {}", Thread.currentThread().getName(), redis ? "Redis" : "memory");
    Future<PresenceStore> opened =
        redis ? RedisPresenceStore.create(vertx, config, operations.registry()) : Future.succeededFuture(new MemoryPresenceStore(config.nodeTtlMs()));
    return opened.compose(s -> {
      store = s;
      operations.addReadinessCheck("presence-store", store::ping);
      Timers timers = new Timers() {
        @Override
        public long schedule(long delayMs, Runnable action) {
          return vertx.setTimer(delayMs, id -> action.run());
        }

        @Override
        public void cancel(long timerId) {
          vertx.cancelTimer(timerId);
        }
      };
      tracker = new PresenceTracker(
          store,
          new BusChatDirectory(new ServiceClient(vertx.eventBus(), config.chatTimeoutMs(), operations.registry())),
          new BusPresenceEvents(new EventBusFanout(vertx.eventBus())),
          timers,
          System::currentTimeMillis,
          config,
          operations.registry());
      PresenceMetrics metrics = new PresenceMetrics(operations.registry());
      metrics.refresh(store);
      reaper = vertx.setPeriodic(config.reapIntervalMs(), id -> {
        tracker.reapDeadNodes();
        metrics.refresh(store);
      });
      return ServiceHandlers.on(vertx.eventBus())
          .handle(PresenceApi.CONNECT, tracker::connect)
          .handle(PresenceApi.DISCONNECT, tracker::disconnect)
          .handle(PresenceApi.HEARTBEAT, tracker::heartbeat)
          .handle(PresenceApi.SET, tracker::setStatus)
          .handle(PresenceApi.TYPING, tracker::typing)
          .handle(PresenceApi.QUERY, query -> tracker.query(query).map(PresenceVerticle::presenceReply))
          .handle(PresenceApi.DO_NOT_DISTURB, tracker::doNotDisturb)
          .answerPings(Addresses.Presence.PING)
          .completion();
    });
  }

  /** Client-facing {@code {presence:[{userId, status, lastSeen}]}}. */
  private static JsonObject presenceReply(List<Presence> found) {
    JsonArray list = new JsonArray();
    found.forEach(p -> list.add(new JsonObject().put("userId", p.userId()).put("status", p.status()).put("lastSeen", p.lastSeen())));
    return new JsonObject().put("presence", list);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(reaper);
    if (tracker != null) {
      tracker.stop();
    }
    return store == null ? Future.succeededFuture() : store.close();
  }
}

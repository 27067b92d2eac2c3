package io.chatplatform.chat.bus;

import io.chatplatform.chat.ChatConfig;
import io.chatplatform.chat.ChatMetrics;
import io.chatplatform.chat.domain.Accounts;
import io.chatplatform.chat.domain.Administration;
import io.chatplatform.chat.domain.Blocking;
import io.chatplatform.chat.domain.ChatEvents;
import io.chatplatform.chat.domain.HistoryClient;
import io.chatplatform.chat.domain.Messaging;
import io.chatplatform.chat.domain.Moderation;
import io.chatplatform.chat.domain.PasswordHasher;
import io.chatplatform.chat.domain.Receipts;
import io.chatplatform.chat.domain.RefreshTokens;
import io.chatplatform.chat.domain.Rooms;
import io.chatplatform.chat.store.MongoAuditLog;
import io.chatplatform.chat.store.MongoRefreshTokenStore;
import io.chatplatform.chat.store.MongoRoomStore;
import io.chatplatform.chat.store.MongoUserStore;
import io.chatplatform.chat.store.RoomCache;
import io.chatplatform.runtime.EventBusFanout;
import io.chatplatform.runtime.Operations;
import io.chatplatform.runtime.ServiceClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.chatplatform.runtime.TimedMongo;
import io.vertx.ext.mongo.MongoClient;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** chat-service: wires config → stores → domain → the table of request handlers. */
public final class ChatVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ChatVerticle.class);
  private final ChatConfig config;
  private final Operations operations;
  private MongoClient mongo;

  public ChatVerticle(ChatConfig config, Operations operations) {
    this.config = config;
    this.operations = operations;
  }

  @Override
  public Future<?> start() {
    LOG.info("chat-service starting on {}", Thread.currentThread().getName());
    mongo = TimedMongo.wrap(MongoClient.create(vertx, config.mongo().clientConfig()), operations.registry());
    operations.addReadinessCheck("chat-mongo", () -> mongo.runCommand("ping", new JsonObject().put("ping", 1)));
    MongoUserStore users = new MongoUserStore(mongo);
    RoomCache roomCache = new RoomCache(vertx.eventBus(), config.roomCacheSize(), config.roomCacheTtlMs(), System::currentTimeMillis);
    MongoRoomStore roomStore = new MongoRoomStore(mongo, roomCache);
    HistoryClient history =
        new BusHistoryClient(new ServiceClient(vertx.eventBus(), config.historyTimeoutMs(), operations.registry()));
    ChatEvents events = new BusChatEvents(new EventBusFanout(vertx.eventBus()), vertx.eventBus(), new ChatMetrics(operations.registry()));
    Blocking blocking = new Blocking() {
      @Override
      public <T> Future<T> run(Callable<T> work) {
        return vertx.executeBlocking(work, false);
      }
    };
    MongoAuditLog audit = new MongoAuditLog(mongo);
    MongoRefreshTokenStore refreshStore = new MongoRefreshTokenStore(mongo);
    RefreshTokens refreshTokens = new RefreshTokens(
        refreshStore, users, config.refreshTokenTtlSeconds(), config.refreshFamiliesPerUserMax(), System::currentTimeMillis);
    Accounts accounts = new Accounts(
        users, new PasswordHasher(config.passwordHashIterations()), blocking, events, refreshTokens, config.adminUsernames(),
        config.limits().userSearchLimit(), System::currentTimeMillis);
    Rooms rooms = new Rooms(roomStore, users, accounts, history, events, config.limits(), System::currentTimeMillis);
    Messaging messaging = new Messaging(rooms, users, history, events, config.limits(), audit, System::currentTimeMillis);
    Administration administration =
        new Administration(accounts, users, roomStore, events, audit, config.adminLimits(), System::currentTimeMillis);
    Receipts receipts = new Receipts(rooms, history, events, config.limits());
    Moderation moderation =
        new Moderation(rooms, roomStore, users, accounts, audit, events, config.moderation(), System::currentTimeMillis);
    return Future.all(users.createIndexes(), roomStore.prepare(), refreshStore.createIndexes(), audit.createIndexes(), roomCache.start())
        .compose(x -> new ChatHandlers(accounts, refreshTokens, rooms, messaging, receipts, moderation, config.roomListMaxBytes(),
                administration, config.adminLimits().replyMaxBytes())
            .serve(vertx.eventBus()));
  }

  @Override
  public Future<?> stop() {
    return mongo == null ? Future.succeededFuture() : mongo.close();
  }
}

package io.chatplatform.chat;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.runtime.Operations;
import io.chatplatform.runtime.ServiceHandlers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;

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
    mongo = MongoClient.create(vertx, config.mongo().clientConfig());
    operations.addReadinessCheck("chat-mongo", () -> mongo.runCommand("ping", new JsonObject().put("ping", 1)));
    UserStore users = new UserStore(mongo);
    RoomCache roomCache =
        new RoomCache(vertx.eventBus(), config.roomCacheSize(), config.roomCacheTtlMs(), System::currentTimeMillis);
    RoomStore roomStore = new RoomStore(mongo, roomCache);
    Fanout fanout = new Fanout(vertx.eventBus());
    Accounts accounts = new Accounts(vertx, users, config);
    Rooms rooms = new Rooms(roomStore, users, accounts, fanout, vertx.eventBus(), config);
    Messaging messaging = new Messaging(rooms, users, fanout, vertx.eventBus(), config);
    Receipts receipts = new Receipts(rooms, fanout, vertx.eventBus(), config);
    return Future.all(users.createIndexes(), roomStore.prepare(), roomCache.start())
        .compose(
            x ->
                ServiceHandlers.on(vertx.eventBus())
                    .handle(Addresses.Chat.USER_REGISTER, accounts::register)
                    .handle(Addresses.Chat.USER_AUTHENTICATE, accounts::authenticate)
                    .handle(Addresses.Chat.USER_GET, accounts::get)
                    .handle(Addresses.Chat.USER_SEARCH, accounts::search)
                    .handle(Addresses.Chat.USER_SET_DISABLED, accounts::setDisabled)
                    .handle(Addresses.Chat.USERS_DISABLED_LIST, accounts::disabledList)
                    .handle(Addresses.Chat.ROOM_CREATE, rooms::create)
                    .handle(Addresses.Chat.ROOM_DIRECT, rooms::direct)
                    .handle(Addresses.Chat.ROOM_LIST, rooms::list)
                    .handle(Addresses.Chat.ROOM_GET, rooms::get)
                    .handle(Addresses.Chat.ROOM_MEMBER_ADD, rooms::addMember)
                    .handle(Addresses.Chat.ROOM_MEMBER_REMOVE, rooms::removeMember)
                    .handle(Addresses.Chat.ROOM_IDS_OF_USER, rooms::idsOfUser)
                    .handle(Addresses.Chat.ROOM_CHECK_MEMBER, rooms::checkMember)
                    .handle(Addresses.Chat.USER_CONTACTS, rooms::contacts)
                    .handle(Addresses.Chat.RECEIPT_MARK, receipts::mark)
                    .handle(Addresses.Chat.RECEIPT_LIST, receipts::list)
                    .handle(Addresses.Chat.MESSAGE_SEND, messaging::send)
                    .handle(Addresses.Chat.MESSAGE_PAGE, messaging::page)
                    .handle(Addresses.Chat.MESSAGE_SYNC, messaging::sync)
                    .completion());
  }

  @Override
  public Future<?> stop() {
    return mongo == null ? Future.succeededFuture() : mongo.close();
  }
}

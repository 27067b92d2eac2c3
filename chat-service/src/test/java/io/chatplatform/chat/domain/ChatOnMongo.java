package io.chatplatform.chat.domain;

import io.chatplatform.chat.store.MongoAuditLog;
import io.chatplatform.chat.store.MongoRoomStore;
import io.chatplatform.chat.store.MongoUserStore;
import io.chatplatform.chat.store.RoomCache;
import io.chatplatform.contracts.chat.ChatApi.Register;
import io.chatplatform.testsupport.Await;
import io.vertx.ext.mongo.MongoClient;
import java.util.Set;

/**
 * Accounts, rooms and the audit log over the MongoDB stores on the embedded server; what has no
 * store of its own here (events, history, refresh tokens, the clock) comes from {@link ChatDomain}.
 */
final class ChatOnMongo implements AutoCloseable {
  final OnEmbeddedMongo db = new OnEmbeddedMongo();
  final MongoClient mongo = db.mongo;
  final MongoUserStore users = new MongoUserStore(mongo);
  final MongoRoomStore roomStore = new MongoRoomStore(mongo, new RoomCache(db.vertx.eventBus(), 100, 60_000, System::currentTimeMillis));
  final MongoAuditLog audit = new MongoAuditLog(mongo);
  final ChatDomain memory = new ChatDomain();
  final Accounts accounts;
  final Rooms rooms;

  /** {@code adminUsernames}: who gets the admin role when they register ({@code ADMIN_USERNAMES}). */
  ChatOnMongo(Set<String> adminUsernames) {
    accounts = new Accounts(users, new PasswordHasher(ChatDomain.HASH_ITERATIONS), memory.inline, memory.events, memory.refreshTokens,
        adminUsernames, 5, memory.now::get);
    rooms = new Rooms(roomStore, users, accounts, memory.history, memory.events, ChatDomain.LIMITS, memory.now::get);
  }

  /** Registers a user and answers their id. */
  String user(String name) {
    return Await.result(accounts.register(new Register(name, "password-" + name, null))).userId();
  }

  @Override
  public void close() {
    db.close();
  }
}

package io.chatplatform.history;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.runtime.Operations;
import io.chatplatform.runtime.ServiceHandlers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * history-service: stores messages with their per-room {@code seq} and reads them back in pages.
 * Only chat-service calls it, after checking membership; bodies are trusted to be validated.
 */
public final class HistoryVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryVerticle.class);
  private final HistoryConfig config;
  private final Operations operations;
  private MongoClient mongo;
  private MessageStore store;
  private ReceiptStore receipts;

  public HistoryVerticle(HistoryConfig config, Operations operations) {
    this.config = config;
    this.operations = operations;
  }

  @Override
  public Future<?> start() {
    LOG.info("history-service starting on {}", Thread.currentThread().getName());
    mongo = MongoClient.create(vertx, config.mongo().clientConfig());
    store = new MessageStore(mongo, config, operations.registry());
    receipts = new ReceiptStore(mongo, store, config.unreadScanMax());
    operations.addReadinessCheck("history-mongo", () -> mongo.runCommand("ping", new JsonObject().put("ping", 1)));
    return store
        .createIndexes()
        .compose(
            x ->
                ServiceHandlers.on(vertx.eventBus())
                    .handle(Addresses.History.APPEND, this::append)
                    .handle(Addresses.History.PAGE, this::page)
                    .handle(Addresses.History.SYNC, this::sync)
                    .handle(Addresses.History.ROOM_STATES, this::roomStates)
                    .handle(Addresses.History.RECEIPT_MARK, this::markReceipt)
                    .handle(Addresses.History.RECEIPT_LIST, this::listReceipts)
                    .completion());
  }

  @Override
  public Future<?> stop() {
    return mongo == null ? Future.succeededFuture() : mongo.close();
  }

  private Future<JsonObject> append(JsonObject body) {
    return store
        .append(NewMessage.fromJson(body))
        .map(a -> new JsonObject().put("message", a.message()).put("duplicate", a.duplicate()));
  }

  /** {@code {roomId, before?|after?, limit}} → {@code {messages, hasMore}}. */
  private Future<JsonObject> page(JsonObject body) {
    String roomId = body.getString("roomId");
    int limit = Math.min(body.getInteger("limit", config.maxPageSize()), config.maxPageSize());
    Long after = body.getLong("after");
    Future<MessageStore.Page> page =
        after != null ? store.after(roomId, after, limit) : store.before(roomId, body.getLong("before"), limit);
    return page.map(MessageStore.Page::toJson);
  }

  /** {@code {rooms: {roomId: lastSeen}}} → {@code {rooms: {roomId: {messages, hasMore}}}}. */
  private Future<JsonObject> sync(JsonObject body) {
    JsonObject rooms = body.getJsonObject("rooms", new JsonObject());
    List<String> ids = new ArrayList<>(rooms.fieldNames());
    List<Future<MessageStore.Page>> pages = new ArrayList<>();
    for (String roomId : ids) {
      pages.add(store.after(roomId, rooms.getLong(roomId), config.syncPageSize()));
    }
    return Future.all(pages)
        .map(
            x -> {
              JsonObject result = new JsonObject();
              for (int i = 0; i < ids.size(); i++) {
                result.put(ids.get(i), pages.get(i).result().toJson());
              }
              return new JsonObject().put("rooms", result);
            });
  }

  /** {@code {userId?, roomIds}} → {@code {rooms: {roomId: {lastSeq, unread}}}}. */
  private Future<JsonObject> roomStates(JsonObject body) {
    return receipts.roomStates(body.getString("userId"), strings(body.getJsonArray("roomIds")));
  }

  /** {@code {roomId, userId, seq, kind}} → {@code {delivered, read, moved}}. */
  private Future<JsonObject> markReceipt(JsonObject body) {
    return receipts
        .mark(body.getString("roomId"), body.getString("userId"), body.getLong("seq"), body.getString("kind"))
        .map(m -> new JsonObject()
            .put("delivered", m.now().delivered())
            .put("read", m.now().read())
            .put("moved", m.moved()));
  }

  /** {@code {roomId, userIds}} → {@code {members: [{userId, delivered, read}]}}. */
  private Future<JsonObject> listReceipts(JsonObject body) {
    return receipts
        .list(body.getString("roomId"), strings(body.getJsonArray("userIds")))
        .map(list -> new JsonObject().put("members", new JsonArray(list)));
  }

  private static List<String> strings(JsonArray array) {
    return array.stream().map(String::valueOf).toList();
  }
}

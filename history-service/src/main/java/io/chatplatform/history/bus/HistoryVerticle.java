package io.chatplatform.history.bus;

import io.chatplatform.history.HistoryConfig;
import io.chatplatform.history.domain.BudgetedSync;
import io.chatplatform.history.domain.ReplyBudget;
import io.chatplatform.history.store.MessageStore;
import io.chatplatform.history.store.ReceiptStore;

import io.chatplatform.contracts.history.HistoryApi;
import io.chatplatform.contracts.history.HistoryApi.Append;
import io.chatplatform.contracts.history.HistoryApi.Appended;
import io.chatplatform.contracts.history.HistoryApi.ListReceipts;
import io.chatplatform.contracts.history.HistoryApi.MarkReceipt;
import io.chatplatform.contracts.history.HistoryApi.Page;
import io.chatplatform.contracts.history.HistoryApi.ReceiptMarked;
import io.chatplatform.contracts.history.HistoryApi.RoomStates;
import io.chatplatform.contracts.history.HistoryApi.RoomStatesQuery;
import io.chatplatform.contracts.history.HistoryApi.RoomMarks;
import io.chatplatform.contracts.history.HistoryApi.Sync;
import io.chatplatform.contracts.history.HistoryApi.SyncPages;
import io.chatplatform.contracts.history.MessagePage;
import io.chatplatform.runtime.Operations;
import io.chatplatform.runtime.ServiceHandlers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;

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
  private BudgetedSync syncs;

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
    syncs = new BudgetedSync(store, config.syncPageSize(), config.syncMaxReplyBytes());
    operations.addReadinessCheck("history-mongo", () -> mongo.runCommand("ping", new JsonObject().put("ping", 1)));
    return store
        .createIndexes()
        .compose(
            x ->
                ServiceHandlers.on(vertx.eventBus())
                    .handle(HistoryApi.APPEND, this::append)
                    .handle(HistoryApi.PAGE, this::page)
                    .handle(HistoryApi.SYNC, this::sync)
                    .handle(HistoryApi.ROOM_STATES, this::roomStates)
                    .handle(HistoryApi.RECEIPT_MARK, this::markReceipt)
                    .handle(HistoryApi.RECEIPT_LIST, this::listReceipts)
                    .completion());
  }

  @Override
  public Future<?> stop() {
    return mongo == null ? Future.succeededFuture() : mongo.close();
  }

  private Future<Appended> append(Append append) {
    return store.append(append);
  }

  /** At most {@code limit} messages and {@code HISTORY_PAGE_MAX_BYTES} of JSON, the messages nearest the cursor. */
  private Future<MessagePage> page(Page page) {
    int limit = Math.min(page.limit(), config.maxPageSize());
    boolean forward = page.after() != null;
    return (forward ? store.after(page.roomId(), page.after(), limit) : store.before(page.roomId(), page.before(), limit))
        .map(read -> ReplyBudget.fit(read, config.pageMaxBytes(), !forward));
  }

  /** Per room what came after the given seq: {@code HISTORY_SYNC_PAGE_SIZE} a room, {@code SYNC_MAX_REPLY_BYTES} in all. */
  private Future<SyncPages> sync(Sync sync) {
    return syncs.answer(sync.rooms());
  }

  private Future<RoomStates> roomStates(RoomStatesQuery query) {
    return receipts.roomStates(query.userId(), query.roomIds());
  }

  private Future<ReceiptMarked> markReceipt(MarkReceipt mark) {
    return receipts
        .mark(mark.roomId(), mark.userId(), mark.seq(), mark.kind())
        .map(m -> new ReceiptMarked(m.now().delivered(), m.now().read(), m.moved()));
  }

  private Future<RoomMarks> listReceipts(ListReceipts list) {
    return receipts.list(list.roomId(), list.userIds()).map(RoomMarks::new);
  }
}

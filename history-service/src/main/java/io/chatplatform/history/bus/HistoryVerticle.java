package io.chatplatform.history.bus;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.history.DeliveredIndexConfig;
import io.chatplatform.history.HistoryConfig;
import io.chatplatform.history.HistoryMetrics;
import io.chatplatform.history.domain.BehindMembers;
import io.chatplatform.history.domain.BudgetedSync;
import io.chatplatform.history.domain.DeliveredIndex;
import io.chatplatform.history.domain.ReplyBudget;
import io.chatplatform.history.domain.SearchCursor;
import io.chatplatform.history.domain.SearchTerms;
import io.chatplatform.history.SearchConfig;
import io.chatplatform.contracts.history.HistoryApi.Search;
import io.chatplatform.contracts.history.SearchPage;
import java.util.List;
import io.chatplatform.history.storage.GridFsStorage;
import io.chatplatform.history.store.Attachments;
import io.chatplatform.history.store.FileCatalog;
import io.chatplatform.history.store.FileSweeper;
import io.chatplatform.history.store.MemoryDeliveredIndex;
import io.chatplatform.history.store.MessageStore;
import io.chatplatform.history.store.ReceiptStore;
import io.chatplatform.history.store.RedisDeliveredIndex;

import io.chatplatform.contracts.history.HistoryApi;
import io.chatplatform.contracts.history.HistoryApi.Append;
import io.chatplatform.contracts.history.HistoryApi.Appended;
import io.chatplatform.contracts.history.HistoryApi.Change;
import io.chatplatform.contracts.history.HistoryApi.Changed;
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
import io.chatplatform.runtime.RedisClients;
import io.chatplatform.runtime.ServiceClient;
import io.chatplatform.runtime.ServiceHandlers;
import io.chatplatform.runtime.StartupRetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.json.JsonObject;
import io.chatplatform.runtime.TimedMongo;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.redis.client.Redis;

/**
 * history-service: stores messages with their per-room {@code seq} and reads them back in pages,
 * and owns files: their records, their bytes in GridFS, the files endpoint that streams them, and
 * the sweep of files no message owns. chat-service calls the message endpoints after checking
 * membership (bodies are trusted to be validated); gateways call the two file grants, for which
 * this asks chat-service about membership itself.
 */
public final class HistoryVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryVerticle.class);
  private final HistoryConfig config;
  private final Operations operations;
  private MongoClient mongo;
  private Redis redis;
  private MessageStore store;
  private ReceiptStore receipts;
  private DeliveredIndex deliveredIndex;
  private BehindMembers behind;
  private BudgetedSync syncs;
  private Attachments attachments;
  private FilesEndpoint files;
  private FileSweeper sweeper;
  private boolean sweeping;

  public HistoryVerticle(HistoryConfig config, Operations operations) {
    this.config = config;
    this.operations = operations;
  }

  @Override
  public Future<?> start() {
    LOG.info("history-service starting on {}", Thread.currentThread().getName());
    mongo = TimedMongo.wrap(MongoClient.create(vertx, config.mongo().clientConfig()), operations.registry());
    store = new MessageStore(mongo, config, operations.registry());
    receipts = new ReceiptStore(mongo, store, config.unreadScanMax());
    syncs = new BudgetedSync(store, config.syncPageSize(), config.syncMaxReplyBytes());
    FileCatalog catalog = new FileCatalog(mongo);
    GridFsStorage storage = new GridFsStorage(mongo);
    attachments = new Attachments(catalog, store);
    sweeper = new FileSweeper(catalog, store, storage, config.files().orphanAge(), config.transfer().sweepBatch(), System::currentTimeMillis);
    ServiceClient chat = new ServiceClient(vertx.eventBus(), config.transfer().chatTimeoutMs(), operations.registry());
    files = new FilesEndpoint(vertx, config.files(), config.transfer(), catalog, storage, chat, System::currentTimeMillis,
        new HistoryMetrics(operations.registry()));
    operations.addReadinessCheck("history-mongo", () -> mongo.runCommand("ping", new JsonObject().put("ping", 1)));
    return Future.all(store.createIndexes(), catalog.createIndexes(), storage.createIndexes())
        .compose(x -> openDeliveredIndex())
        .compose(x -> files.start())
        .onSuccess(x -> vertx.setPeriodic(config.transfer().sweepIntervalMs(), id -> sweep()))
        .compose(
            x ->
                ServiceHandlers.on(vertx.eventBus())
                    .handle(HistoryApi.APPEND, this::append)
                    .handle(HistoryApi.FILE_UPLOAD_GRANT, files::uploadGrant)
                    .handle(HistoryApi.FILE_DOWNLOAD_GRANT, files::downloadGrant)
                    .handle(HistoryApi.PAGE, this::page)
                    .handle(HistoryApi.SEARCH, this::search)
                    .handle(HistoryApi.SYNC, this::sync)
                    .handle(HistoryApi.MESSAGE_GET, ref -> store.message(ref.roomId(), ref.seq()))
                    .handle(HistoryApi.MESSAGE_CHANGE, this::change)
                    .handle(HistoryApi.MESSAGE_REACT, store::react)
                    .handle(HistoryApi.ROOM_STATES, this::roomStates)
                    .handle(HistoryApi.RECEIPT_MARK, this::markReceipt)
                    .handle(HistoryApi.RECEIPT_LIST, this::listReceipts)
                    .handle(HistoryApi.RECEIPT_BEHIND, query -> behind.find(query))
                    .answerPings(Addresses.History.PING)
                    .completion())
        .onSuccess(x -> backfillSearchTerms());
  }

  /**
   * Messages stored before search existed have no {@code terms} and are not found until this
   * has given them theirs: in the background, in batches, once per start (later starts find
   * nothing left to do after one read).
   */
  private void backfillSearchTerms() {
    store.backfillTerms()
        .onSuccess(indexed -> {
          if (indexed > 0) {
            LOG.info("indexed {} messages stored before search existed", indexed);
          }
        })
        .onFailure(e -> LOG.warn("indexing older messages for search failed, it is tried again at the next start: {}", e.toString()));
  }

  @Override
  public Future<?> stop() {
    Future<Void> endpoint = files == null ? Future.succeededFuture() : files.stop();
    return endpoint
        .eventually(() -> redis == null ? Future.succeededFuture() : redis.close())
        .eventually(() -> mongo == null ? Future.succeededFuture() : mongo.close());
  }

  /** One sweep at a time; a failed one is tried again at the next interval. */
  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    sweeper.sweep()
        .onFailure(e -> LOG.warn("the sweep of unattached files failed, it runs again in {} ms: {}", config.transfer().sweepIntervalMs(), e.toString()))
        .onComplete(x -> sweeping = false);
  }

  private Future<Appended> append(Append message) {
    return attachments.append(message)
        .compose(this::quoteStillLive)
        .onSuccess(appended -> LOG.debug("stored message {} in room {} as seq {}{}",
            appended.message().messageId(), message.roomId(), appended.message().seq(), appended.duplicate() ? " (a retry)" : ""));
  }

  /**
   * A reply whose quote chat-service made while the quoted message was live: if that message has
   * been deleted since, its delete may have blanked the quotes before this reply was stored, so
   * the reply blanks them itself. A delete marks the message deleted before it blanks quotes and a
   * reply is stored before it looks, so one of the two always sees the other. One point read per reply.
   */
  private Future<Appended> quoteStillLive(Appended appended) {
    io.chatplatform.contracts.history.Message reply = appended.message();
    if (reply.quote() == null || reply.quote().deleted()) {
      return Future.succeededFuture(appended);
    }
    return store.message(reply.roomId(), reply.quote().seq()).compose(quoted -> quoted.deleted()
        ? store.blankQuotesOf(reply.roomId(), quoted.seq())
            .compose(x -> store.message(reply.roomId(), reply.seq()))
            .map(blanked -> new Appended(blanked, appended.duplicate()))
        : Future.succeededFuture(appended));
  }

  /**
   * At most {@code limit} messages and {@code HISTORY_PAGE_MAX_BYTES} of JSON, the messages
   * nearest the cursor; for a jump ({@code around}), the message and up to {@code limit / 2} on each side.
   */
  private Future<MessagePage> page(Page page) {
    int limit = Math.min(page.limit(), config.maxPageSize());
    if (page.around() != null) {
      return store.around(page.roomId(), page.around(), limit / 2).map(read -> ReplyBudget.fitAround(read, config.pageMaxBytes()));
    }
    boolean forward = page.after() != null;
    return (forward ? store.after(page.roomId(), page.after(), limit) : store.before(page.roomId(), page.before(), limit))
        .map(read -> ReplyBudget.fit(read, config.pageMaxBytes(), !forward));
  }

  /**
   * Messages with every word of {@code q} in the rooms chat-service gave, newest first: at most
   * {@code limit} ({@code HISTORY_MAX_PAGE_SIZE}) and {@code HISTORY_PAGE_MAX_BYTES}. One more is
   * read than is given, so a full page knows whether there is a next.
   */
  private Future<SearchPage> search(Search search) {
    SearchConfig limits = config.search();
    List<String> words = SearchTerms.query(search.q(), limits.queryMaxWords(), limits.queryMaxChars());
    SearchCursor before = SearchCursor.parse(search.before());
    int limit = Math.max(1, Math.min(search.limit(), config.maxPageSize()));
    return store.search(search.roomIds(), words, before, limit + 1)
        .map(read -> ReplyBudget.fitSearch(read, limit, config.pageMaxBytes()));
  }

  /** Per room what came after the given seq: {@code HISTORY_SYNC_PAGE_SIZE} a room, {@code SYNC_MAX_REPLY_BYTES} in all. */
  private Future<SyncPages> sync(Sync sync) {
    return syncs.answer(sync.rooms(), sync.changes());
  }

  /**
   * An edit or a delete. A delete then deletes the message's files, also when the message was
   * deleted before: a delete whose files could not all be deleted fails ({@code unavailable}),
   * and the client's retry, which finds the message deleted, finishes the files. The replies
   * quoting it then show it deleted ({@link MessageStore#blankQuotesOf}), also finished by a retry.
   */
  private Future<Changed> change(Change change) {
    return store.change(change).compose(changed -> change.delete()
        ? sweeper.deleteFilesOf(changed.message().messageId())
            .compose(x -> store.blankQuotesOf(change.roomId(), change.seq()))
            .map(changed)
        : Future.succeededFuture(changed));
  }

  private Future<RoomStates> roomStates(RoomStatesQuery query) {
    return receipts.roomStates(query.userId(), query.roomIds());
  }

  /**
   * Stores the receipt, then raises the member's entry in the delivered index without waiting
   * for it: the index is a cache whose lag is safe ({@link DeliveredIndex}), and the receipt's
   * answer should not wait for a second store.
   */
  private Future<ReceiptMarked> markReceipt(MarkReceipt mark) {
    return receipts
        .mark(mark.roomId(), mark.userId(), mark.seq(), mark.kind())
        .andThen(marked -> {
          if (marked.succeeded() && marked.result().moved() != null) {
            deliveredIndex.raise(mark.roomId(), mark.userId(), marked.result().now().delivered())
                .onFailure(e -> LOG.debug("a delivered index raise failed (the entry lags, which is safe): {}", e.getMessage()));
          }
        })
        .map(m -> new ReceiptMarked(m.now().delivered(), m.now().read(), m.moved()));
  }

  /** Redis when {@code REDIS_URL} is set (shared by the instances), else this process's memory. */
  private Future<Void> openDeliveredIndex() {
    DeliveredIndexConfig index = config.deliveredIndex();
    Future<DeliveredIndex> opened = index.redisUrl() == null
        ? Future.succeededFuture(new MemoryDeliveredIndex(index.memoryRooms()))
        : openRedisIndex(index, redis = RedisClients.pooled(vertx, index.redisUrl(), index.redisMaxPoolSize(), operations.registry()));
    return opened.map(opening -> {
      LOG.info("push decisions' delivered index in {}", index.redisUrl() == null ? "memory" : "Redis");
      deliveredIndex = opening;
      behind = new BehindMembers(opening, receipts::list);
      return null;
    });
  }

  private Future<DeliveredIndex> openRedisIndex(DeliveredIndexConfig index, Redis client) {
    return StartupRetry.until(vertx, "history-service's Redis", index.redisStartWaitMs(),
        () -> RedisDeliveredIndex.create(client, index.keyPrefix(), index.ttlMs(), index.redisCommandTimeoutMs()));
  }

  private Future<RoomMarks> listReceipts(ListReceipts list) {
    return receipts.list(list.roomId(), list.userIds()).map(RoomMarks::new);
  }
}

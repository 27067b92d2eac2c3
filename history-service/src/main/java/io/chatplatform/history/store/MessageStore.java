package io.chatplatform.history.store;

import io.chatplatform.history.HistoryConfig;
import io.chatplatform.history.domain.RoomHistory;
import io.chatplatform.history.domain.SearchCursor;
import io.chatplatform.history.domain.SearchTerms;

import io.chatplatform.contracts.history.HistoryApi.Append;
import io.chatplatform.contracts.history.HistoryApi.Appended;
import io.chatplatform.contracts.history.HistoryApi.Change;
import io.chatplatform.contracts.history.HistoryApi.Changed;
import io.chatplatform.contracts.history.HistoryApi.React;
import io.chatplatform.contracts.history.Reaction;
import io.chatplatform.history.domain.Reactions;
import io.chatplatform.contracts.history.FileInfo;
import io.chatplatform.contracts.history.Message;
import io.chatplatform.contracts.history.MessagePage;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.runtime.MongoErrors;
import com.mongodb.MongoBulkWriteException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Messages in MongoDB, each with its room's {@code seq}.
 *
 * <p>Guarantees:
 * <ul>
 *   <li><b>No gaps, no duplicates in {@code seq}</b>, also with several instances: a message's
 *       {@code _id} is {@code <roomId>:<seq>}, so taking a {@code seq} and storing the message are
 *       one atomic insert. An instance that loses the race for a {@code seq} (duplicate {@code _id})
 *       tries the next one. Nothing is reserved before the insert, so a crash leaves no hole.
 *   <li><b>Idempotent sends</b>: {@code clientKey = roomId/senderId/clientMsgId} has a unique
 *       index; a second insert with the same key fails and the stored message is returned instead.
 *   <li><b>Per-room order inside one instance</b>: appends are written one batch at a time, each
 *       batch an ordered insert holding each room's messages with consecutive seqs in arrival
 *       order, so an instance never races itself. An ordered insert stops at its first failure,
 *       so what it stored is always a prefix, and the rest is written again after it.
 * </ul>
 * The per-room {@code lastSeq} document is a hint kept with {@code $max}; the messages are the truth.
 * Pages are read by computing the {@code _id}s of the wanted {@code seq}s, which is a point lookup
 * on every MongoDB and works the same on the embedded server (which ignores compound indexes).
 *
 * <p>Called on one event loop (its verticle's): the in-memory maps need no locking.
 */
public final class MessageStore implements RoomHistory {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MessageStore.class);
  static final String MESSAGES = "messages";
  static final String ROOM_SEQS = "room_seqs";
  /** The room's counter of changes (in its {@link #ROOM_SEQS} document), and a changed message's place in it. */
  static final String UPDATED_SEQ = "updatedSeq";
  /**
   * Beside it, the changes numbered and not yet settled, {@code [{n, at}]}: sync answers changes
   * only below the lowest ({@link #settled}).
   */
  static final String IN_FLIGHT = "updatesInFlight";
  /** Storage only: per emoji every user who reacted ({@code reactions} holds what clients see of it). */
  static final String REACTED_BY = "reactedBy";
  /** Storage only: the words a message is found by ({@link SearchTerms}); empty for a tombstone. */
  static final String TERMS = "terms";
  /** One document per one-time data migration done ({@code _id}: its name), so a start does not look again. */
  static final String MIGRATIONS = "history_migrations";
  private static final String TERMS_BACKFILLED = "search-terms";

  private final MongoClient mongo;
  private final HistoryConfig config;
  private final java.util.function.LongSupplier clock;
  private final Map<String, Long> lastSeqCache;
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private boolean writing;
  /** Completes when every batch written so far is acknowledged; never fails. */
  private Future<Void> acknowledged = Future.succeededFuture();
  /** Rooms where another instance took a seq: the next candidate must be above this. */
  private final Map<String, Long> seqFloors = new HashMap<>();
  private final Counter seqConflicts;
  private final DistributionSummary batchSizes;

  private static final BulkWriteOptions ORDERED = new BulkWriteOptions().setOrdered(true);

  /** Name of the counter of seq races lost to another instance. */
  public static final String SEQ_CONFLICTS_METRIC = "chat.history.seq.conflicts";

  public MessageStore(MongoClient mongo, HistoryConfig config, MeterRegistry metrics) {
    this(mongo, config, metrics, System::currentTimeMillis);
  }

  /** With {@code clock} (epoch ms) telling when a change in flight started and whether one has expired. */
  MessageStore(MongoClient mongo, HistoryConfig config, MeterRegistry metrics, java.util.function.LongSupplier clock) {
    this.mongo = mongo;
    this.config = config;
    this.clock = clock;
    this.seqConflicts =
        Counter.builder(SEQ_CONFLICTS_METRIC)
            .description("appends that found their seq taken by another instance and retried")
            .register(metrics);
    this.batchSizes =
        DistributionSummary.builder("chat.history.append.batch.size")
            .description("messages written together by one insert")
            .register(metrics);
    int capacity = config.seqCacheRooms();
    this.lastSeqCache =
        new LinkedHashMap<>(1024, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > capacity;
          }
        };
  }

  /** Creates the indexes (idempotent). The compound one is for real MongoDB's ad-hoc queries. */
  public Future<Void> createIndexes() {
    return Future.all(
            mongo.createIndexWithOptions(
                MESSAGES, new JsonObject().put("clientKey", 1), new IndexOptions().unique(true).name("clientKey_1")),
            mongo.createIndexWithOptions(
                MESSAGES, new JsonObject().put("roomId", 1).put("seq", 1), new IndexOptions().name("roomId_1_seq_1")),
            mongo.createIndexWithOptions(
                MESSAGES, new JsonObject().put("roomId", 1).put(UPDATED_SEQ, 1), new IndexOptions().name("roomId_1_updatedSeq_1")),
            // A delete finds the replies that quote the message by it (blankQuotesOf).
            mongo.createIndexWithOptions(
                MESSAGES, new JsonObject().put("roomId", 1).put("replyTo", 1), new IndexOptions().name("roomId_1_replyTo_1").sparse(true)),
            // A search: per room its messages by word, in the order results come in (newest
            // first, the id breaking ties), so a page is read off the index without sorting.
            mongo.createIndexWithOptions(
                MESSAGES, new JsonObject().put("roomId", 1).put(TERMS, 1).put("ts", -1).put("_id", -1),
                new IndexOptions().name("roomId_1_terms_1_ts_-1__id_-1")))
        .mapEmpty();
  }

  /** An append waiting for the writer. */
  private static final class Pending {
    final Append message;
    final List<FileInfo> files;
    final Promise<Appended> promise = Promise.promise();
    final long enqueuedAt = System.nanoTime();
    int attempts;

    Pending(Append message, List<FileInfo> files) {
      this.message = message;
      this.files = files;
    }

    String roomId() {
      return message.roomId();
    }
  }

  /**
   * Stores a new message and gives it the room's next {@code seq}; or, when the same sender sent
   * the same {@code clientMsgId} to the room before, returns that message unchanged.
   *
   * <p>Group commit: the appends that arrive while a batch is being written, whatever their
   * rooms, are written together in the next one: one ordered insert (consecutive seqs per room,
   * in arrival order), then one write of the rooms' last-seq hints. A busy instance costs two
   * round trips per batch, not per message, and the next batch's insert goes out while this
   * one's hints are being written.
   */
  public Future<Appended> append(Append message) {
    return append(message, List.of());
  }

  /**
   * {@link #append(Append)} of a message whose attachments were checked and claimed
   * ({@code Attachments}): the message stores {@code files}, the files as they are now.
   */
  public Future<Appended> append(Append message, List<FileInfo> files) {
    if (waiting.size() >= config.appendQueueMax()) {
      // Admission control: past this backlog every append would time out anyway.
      return Future.failedFuture(overloaded());
    }
    Pending pending = new Pending(message, files);
    waiting.add(pending);
    if (!writing) {
      drain();
    }
    return pending.promise.future();
  }

  private void drain() {
    if (waiting.isEmpty()) {
      return;
    }
    writing = true;
    List<Pending> batch = new ArrayList<>();
    long staleBefore = System.nanoTime() - config.appendMaxWaitMs() * 1_000_000L;
    while (!waiting.isEmpty() && batch.size() < config.appendBatchMax()) {
      Pending next = waiting.poll();
      if (next.enqueuedAt < staleBefore) {
        // Its caller has given up (or is about to): writing it would only delay the others.
        next.promise.fail(overloaded());
      } else {
        batch.add(next);
      }
    }
    if (batch.isEmpty()) {
      writing = false;
      drain();
      return;
    }
    batchSizes.record(batch.size());
    writeBatch(batch)
        .onComplete(
            done -> {
              writing = false;
              drain();
            });
  }

  /**
   * Writes a batch's messages and completes once its seqs are settled: stored, or put back in
   * front of the queue. Its appends are acknowledged later, when the rooms' last-seq hints are
   * written too, so the next batch's insert overlaps this one's hint write (the hints are raised
   * with {@code $max}, in any order). Never fails itself.
   */
  private Future<Void> writeBatch(List<Pending> batch) {
    Set<String> unknown = new LinkedHashSet<>();
    batch.forEach(p -> {
      if (!lastSeqCache.containsKey(p.roomId())) {
        unknown.add(p.roomId());
      }
    });
    return lastSeqs(List.copyOf(unknown))
        .compose(read -> insertBatch(batch, read))
        .recover(
            failure -> {
              batch.forEach(p -> p.promise.tryFail(failure));
              return Future.succeededFuture();
            });
  }

  private Future<Void> insertBatch(List<Pending> batch, Map<String, Long> read) {
    Map<String, Long> next = new HashMap<>();
    List<Pending> written = new ArrayList<>();
    List<JsonObject> docs = new ArrayList<>();
    for (Pending pending : batch) {
      String roomId = pending.roomId();
      long last =
          next.computeIfAbsent(
              roomId,
              id -> Math.max(lastSeqCache.getOrDefault(id, read.getOrDefault(id, 0L)), seqFloors.getOrDefault(id, 0L)));
      Long replyTo = pending.message.replyTo();
      if (replyTo != null && (replyTo < 1 || replyTo > last)) {
        pending.promise.fail(ServiceException.badRequest("replyTo must be the seq of an earlier message"));
        continue;
      }
      next.put(roomId, last + 1);
      docs.add(document(pending.message, pending.files, last + 1, UUID.randomUUID().toString().replace("-", ""))
          .put(TERMS, terms(pending.message.text())));
      written.add(pending);
    }
    if (docs.isEmpty()) {
      return Future.succeededFuture();
    }
    List<BulkOperation> inserts = docs.stream().map(BulkOperation::createInsert).toList();
    return mongo
        .bulkWriteWithOptions(MESSAGES, inserts, ORDERED)
        .compose(
            result -> {
              acknowledgeWhenMarked(written, docs, written.size());
              return Future.succeededFuture();
            },
            failure -> afterFailedInsert(written, docs, failure));
  }

  /**
   * An ordered insert stops at its first failure: what came before it is stored, the failed
   * message is either a duplicate (its clientKey exists) or lost its seq to another instance,
   * and everything after it goes back, in order, to the front of the queue.
   */
  private Future<Void> afterFailedInsert(List<Pending> written, List<JsonObject> docs, Throwable failure) {
    int failedAt = failedIndex(failure);
    if (failedAt < 0) {
      return Future.failedFuture(failure);
    }
    Pending culprit = written.get(failedAt);
    for (int i = written.size() - 1; i > failedAt; i--) {
      waiting.addFirst(written.get(i));
    }
    Future<Void> prefix = acknowledgeWhenMarked(written, docs, failedAt);
    if (String.valueOf(failure.getMessage()).contains("clientKey")) {
      // Answered from the stored message; the next batch need not wait for that look-up.
      prefix
          .compose(x -> findByClientKey(clientKey(culprit.message)))
          // If an earlier attempt stored the message but died before marking the room's last
          // seq, the retry repairs the hint so pages and sync show the message.
          .compose(found -> markLastSeqs(Map.of(culprit.roomId(), found.message().seq())).map(found))
          .onComplete(culprit.promise);
      return Future.succeededFuture();
    }
    // Another instance stored this seq first: move past it, with a fresh look at the room.
    seqConflicts.increment();
    if (++culprit.attempts >= config.appendMaxAttempts()) {
      culprit.promise.fail(new ServiceException(ErrorCode.UNAVAILABLE, "the room is too busy, try again"));
    } else {
      waiting.addFirst(culprit);
    }
    lastSeqCache.remove(culprit.roomId());
    seqFloors.merge(culprit.roomId(), docs.get(failedAt).getLong("seq"), Math::max);
    return Future.succeededFuture();
  }

  private static ServiceException unfinished() {
    return new ServiceException(ErrorCode.UNAVAILABLE, "the message could not be indexed, send it again");
  }

  private static ServiceException overloaded() {
    return new ServiceException(ErrorCode.UNAVAILABLE, "history is overloaded, try again");
  }

  /**
   * Acknowledges the first {@code count} appends of a batch, whose documents are stored, once
   * their rooms' last-seq hints are written (so a page read after the ack shows the message).
   * If that write fails they are answered {@code unavailable} instead, and a resend finishes
   * the job. The in-memory last seqs are raised at once, before the next batch takes its seqs.
   * The returned future completes with the acks and never fails.
   */
  private Future<Void> acknowledgeWhenMarked(List<Pending> written, List<JsonObject> docs, int count) {
    Map<String, Long> lastStored = new HashMap<>();
    for (int i = 0; i < count; i++) {
      lastStored.merge(written.get(i).roomId(), docs.get(i).getLong("seq"), Math::max);
    }
    lastStored.keySet().forEach(seqFloors::remove);
    Future<Void> earlierBatches = acknowledged;
    Future<Void> marked = markLastSeqs(lastStored);
    acknowledged =
        marked
            // Acks in batch order, whichever hint write finishes first: a room's events are
            // published in seq order.
            .transform(x -> earlierBatches)
            .onComplete(
                x -> {
                  for (int i = 0; i < count; i++) {
                    if (marked.succeeded()) {
                      written.get(i).promise.complete(new Appended(toClient(docs.get(i)), false));
                    } else {
                      // Stored, but pages and sync would not show it until a later message
                      // raised the hint: no ack. The client's resend finds it by clientKey and
                      // raises the hint then (the duplicate path), so nothing is left half-done.
                      written.get(i).promise.fail(unfinished());
                    }
                  }
                });
    return acknowledged;
  }

  /** The index of the failed write of an ordered bulk insert that hit a duplicate key, else -1. */
  private static int failedIndex(Throwable failure) {
    Throwable cause = failure;
    while (cause != null && !(cause instanceof MongoBulkWriteException)) {
      cause = cause.getCause();
    }
    if (cause instanceof MongoBulkWriteException bulk
        && !bulk.getWriteErrors().isEmpty()
        && bulk.getWriteErrors().get(0).getCode() == MongoErrors.DUPLICATE_KEY) {
      return bulk.getWriteErrors().get(0).getIndex();
    }
    return -1;
  }

  private Future<Appended> findByClientKey(String clientKey) {
    return storedUnder(clientKey)
        .compose(message -> message == null
            ? Future.failedFuture(new ServiceException(ErrorCode.UNAVAILABLE, "try again"))
            : Future.succeededFuture(new Appended(message, true)));
  }

  /** The message stored under the idempotency key {@link #clientKey}, or null when there is none. */
  public Future<Message> storedUnder(String clientKey) {
    return mongo.findOne(MESSAGES, new JsonObject().put("clientKey", clientKey), null).map(doc -> doc == null ? null : toClient(doc));
  }

  /** Raises the rooms' last-seq hints (never lowers them) and remembers them here. */
  private Future<Void> markLastSeqs(Map<String, Long> lastSeqs) {
    if (lastSeqs.isEmpty()) {
      return Future.succeededFuture();
    }
    List<BulkOperation> updates = new ArrayList<>();
    lastSeqs.forEach((roomId, seq) -> {
      lastSeqCache.merge(roomId, seq, Math::max);
      updates.add(BulkOperation.createUpdate(
          new JsonObject().put("_id", roomId),
          new JsonObject()
              .put("$max", new JsonObject().put("lastSeq", seq))
              // The room's sequence is born with its first hint: a store that lost the room
              // (reset, restore) starts it again under a new epoch, which clients notice.
              .put("$setOnInsert", new JsonObject().put("epoch", newEpoch())),
          true,
          false));
    });
    return mongo.bulkWrite(ROOM_SEQS, updates).mapEmpty();
  }

  private Future<RoomSeq> readRoomSeq(String roomId) {
    return mongo
        .findOne(ROOM_SEQS, new JsonObject().put("_id", roomId), null)
        .compose(doc -> {
          if (doc == null) {
            return Future.succeededFuture(new RoomSeq(0, null));
          }
          if (doc.getString("epoch") != null) {
            return Future.succeededFuture(roomSeq(doc));
          }
          // A room stored before epochs existed gets one now, once (the first writer wins).
          return mongo
              .updateCollection(ROOM_SEQS, new JsonObject().put("_id", roomId).put("epoch", new JsonObject().put("$exists", false)),
                  new JsonObject().put("$set", new JsonObject().put("epoch", newEpoch())))
              .compose(x -> readRoomSeq(roomId));
        });
  }

  @Override
  public Future<Map<String, RoomSeq>> roomSeqs(List<String> roomIds) {
    if (roomIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return mongo
        .find(ROOM_SEQS, new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(roomIds))))
        .compose(docs -> {
          Map<String, RoomSeq> seqs = new HashMap<>();
          List<Future<RoomSeq>> withoutEpoch = new ArrayList<>();
          for (JsonObject doc : docs) {
            String roomId = doc.getString("_id");
            if (doc.getString("epoch") != null) {
              seqs.put(roomId, roomSeq(doc));
            } else {
              withoutEpoch.add(readRoomSeq(roomId).onSuccess(seq -> seqs.put(roomId, seq)));
            }
          }
          return Future.all(withoutEpoch).map(x -> seqs);
        });
  }

  private RoomSeq roomSeq(JsonObject doc) {
    return new RoomSeq(doc.getLong("lastSeq", 0L), doc.getString("epoch"), settled(doc));
  }

  /**
   * The room's {@code updatedSeq} as sync may answer it: the highest number below every change
   * still in flight (numbered, not yet settled, not expired), so every change up to it is written
   * or never will be. Changes are numbered before they are written, so two of them can be written
   * out of order; a client holding this number can never have passed a lower change still to come.
   */
  private long settled(JsonObject doc) {
    long settled = doc.getLong(UPDATED_SEQ, 0L);
    JsonArray inFlight = doc.getJsonArray(IN_FLIGHT);
    if (inFlight != null) {
      long expiredBefore = clock.getAsLong() - config.changeInFlightMaxMs();
      for (Object entry : inFlight) {
        JsonObject change = (JsonObject) entry;
        if (change.getLong("at", 0L) >= expiredBefore) {
          settled = Math.min(settled, change.getLong("n", settled + 1) - 1);
        }
      }
    }
    return settled;
  }

  private static String newEpoch() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /** The last {@code seq} of each room (0 for a room without messages). */
  public Future<Map<String, Long>> lastSeqs(List<String> roomIds) {
    if (roomIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return mongo
        .find(ROOM_SEQS, new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(roomIds))))
        .map(
            docs -> {
              Map<String, Long> result = new HashMap<>();
              roomIds.forEach(id -> result.put(id, 0L));
              docs.forEach(doc -> result.put(doc.getString("_id"), doc.getLong("lastSeq", 0L)));
              return result;
            });
  }

  /** Up to {@code limit} messages just before {@code before} (newest first page when null). */
  public Future<MessagePage> before(String roomId, Long before, int limit) {
    return readRoomSeq(roomId)
        .compose(
            room -> {
              long upper = before == null ? room.lastSeq() : Math.min(before - 1, room.lastSeq());
              long lower = Math.max(1, upper - limit + 1);
              return range(roomId, lower, upper).map(list -> new MessagePage(list, lower > 1, room.epoch()));
            });
  }

  /** Up to {@code limit} messages just after {@code after}. */
  public Future<MessagePage> after(String roomId, long after, int limit) {
    return readRoomSeq(roomId)
        .compose(
            room -> {
              long lower = Math.max(1, after + 1);
              long upper = Math.min(room.lastSeq(), after + limit);
              return range(roomId, lower, upper).map(list -> new MessagePage(list, upper < room.lastSeq(), room.epoch()));
            });
  }

  @Override
  public Future<List<Message>> range(String roomId, long lower, long upper) {
    if (upper < lower) {
      return Future.succeededFuture(List.of());
    }
    JsonArray ids = new JsonArray();
    for (long seq = lower; seq <= upper; seq++) {
      ids.add(messageKey(roomId, seq));
    }
    FindOptions options = new FindOptions().setSort(new JsonObject().put("seq", 1));
    return mongo
        .findWithOptions(MESSAGES, new JsonObject().put("_id", new JsonObject().put("$in", ids)), options)
        .map(docs -> docs.stream().map(MessageStore::toClient).toList());
  }

  @Override
  public Future<List<Message>> changedAfter(String roomId, long updatedSeq, int limit) {
    JsonObject query = new JsonObject().put("roomId", roomId).put(UPDATED_SEQ, new JsonObject().put("$gt", updatedSeq));
    FindOptions options = new FindOptions().setSort(new JsonObject().put(UPDATED_SEQ, 1)).setLimit(limit);
    return mongo.findWithOptions(MESSAGES, query, options).map(docs -> docs.stream().map(MessageStore::toClient).toList());
  }

  /**
   * At most {@code max} messages of {@code roomIds} whose {@code terms} hold every one of
   * {@code words} ({@link SearchTerms}), newest first ({@code ts}, then the id), older than
   * {@code before} when given. Deleted messages have no terms, so they never match. One query,
   * the same on MongoDB (served by the {@code roomId_1_terms_1_ts_-1__id_-1} multikey index) and on the
   * embedded store (which scans: it has no index but the unique ones).
   */
  public Future<List<Message>> search(List<String> roomIds, List<String> words, SearchCursor before, int max) {
    if (roomIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    // MongoDB bounds its index scan by the first word of $all only: the longest word first, as the
    // likeliest to be rare, so "the zqxj" does not walk every message holding "the".
    List<String> rarestFirst = words.stream().sorted(java.util.Comparator.comparingInt(String::length).reversed()).toList();
    JsonObject query = new JsonObject()
        .put("roomId", new JsonObject().put("$in", new JsonArray(roomIds)))
        .put(TERMS, new JsonObject().put("$all", new JsonArray(rarestFirst)));
    if (before != null) {
      // (ts, _id) below the cursor's; the plain bound on ts lets the index skip what is newer.
      query.put("ts", new JsonObject().put("$lte", before.ts()))
          .put("$or", new JsonArray()
              .add(new JsonObject().put("ts", new JsonObject().put("$lt", before.ts())))
              .add(new JsonObject().put("_id", new JsonObject().put("$lt", before.id()))));
    }
    FindOptions options = new FindOptions().setSort(new JsonObject().put("ts", -1).put("_id", -1)).setLimit(max);
    return mongo.findWithOptions(MESSAGES, query, options).map(docs -> docs.stream().map(MessageStore::toClient).toList());
  }

  /**
   * A jump to a message: the message of {@code seq} and up to {@code each} messages on each side,
   * ascending, with {@link MessagePage.Around} cursors (null at the room's ends); {@code not_found}
   * for a seq the room does not have. Not yet cut to a budget ({@code ReplyBudget.fitAround}).
   */
  public Future<MessagePage> around(String roomId, long seq, int each) {
    return readRoomSeq(roomId).compose(room -> {
      if (seq < 1 || seq > room.lastSeq()) {
        return Future.failedFuture(ServiceException.notFound("message not found"));
      }
      long lower = Math.max(1, seq - each);
      long upper = Math.min(room.lastSeq(), seq + each);
      MessagePage.Around around = new MessagePage.Around(seq, lower > 1 ? lower : null, upper < room.lastSeq() ? upper : null);
      return range(roomId, lower, upper)
          .map(list -> new MessagePage(list, around.before() != null || around.after() != null, room.epoch(), null, around));
    });
  }

  /**
   * Gives {@code terms} to the messages stored before search existed, {@code SEARCH_BACKFILL_BATCH}
   * at a time in {@code _id} order, one read and one bulk write a batch; answers how many it
   * indexed. Each write is conditional on the message still having no terms, so an edit made
   * meanwhile (which sets them) is never overwritten, and several instances backfilling at once
   * only repeat each other's work. Once it finds nothing left it notes so ({@link #MIGRATIONS}),
   * and later starts skip it: without that, every start would read the whole collection to find
   * nothing (no index serves "has no terms").
   */
  public Future<Long> backfillTerms() {
    JsonObject marker = new JsonObject().put("_id", TERMS_BACKFILLED);
    return mongo.findOne(MIGRATIONS, marker, null).compose(done -> done != null
        ? Future.succeededFuture(0L)
        : backfillAfter(null, 0).compose(indexed -> mongo
            .save(MIGRATIONS, marker.copy().put("doneAt", System.currentTimeMillis()))
            .map(indexed)));
  }

  private Future<Long> backfillAfter(String afterId, long indexed) {
    JsonObject query = new JsonObject().put(TERMS, new JsonObject().put("$exists", false));
    if (afterId != null) {
      query.put("_id", new JsonObject().put("$gt", afterId));
    }
    int batch = config.search().backfillBatch();
    FindOptions options = new FindOptions()
        .setFields(new JsonObject().put("_id", 1).put("text", 1).put("deleted", 1))
        .setSort(new JsonObject().put("_id", 1))
        .setLimit(batch);
    return mongo.findWithOptions(MESSAGES, query, options).compose(docs -> {
      if (docs.isEmpty()) {
        return Future.succeededFuture(indexed);
      }
      List<BulkOperation> updates = docs.stream()
          .map(doc -> BulkOperation.createUpdate(
              new JsonObject().put("_id", doc.getString("_id")).put(TERMS, new JsonObject().put("$exists", false)),
              new JsonObject().put("$set", new JsonObject().put(TERMS,
                  doc.getBoolean("deleted", false) ? new JsonArray() : terms(doc.getString("text"))))))
          .toList();
      String last = docs.get(docs.size() - 1).getString("_id");
      return mongo.bulkWrite(MESSAGES, updates)
          .compose(x -> docs.size() < batch ? Future.succeededFuture(indexed + docs.size()) : backfillAfter(last, indexed + docs.size()));
    });
  }

  /** What a message of {@code text} is found by. */
  private JsonArray terms(String text) {
    return new JsonArray(SearchTerms.of(text, config.search().termsPerMessage()));
  }

  /** The stored message with that seq; {@code not_found} when there is none. */
  public Future<Message> message(String roomId, long seq) {
    return mongo.findOne(MESSAGES, new JsonObject().put("_id", messageKey(roomId, seq)), null)
        .compose(doc -> doc == null ? Future.failedFuture(ServiceException.notFound("message not found")) : Future.succeededFuture(toClient(doc)));
  }

  /**
   * Edits or deletes a stored message, which keeps its {@code seq} and gets its room's next
   * {@code updatedSeq}, taken from the room's counter with one atomic {@code $inc}, so two changes
   * never share one, whichever instance makes them. The message is then written only if it holds
   * a lower {@code updatedSeq} (and, for an edit, is not deleted): when two changes race, the one
   * with the higher number wins, so the order of {@code updatedSeq}s is the order the changes
   * took effect in, and a client that holds a room's {@code updatedSeq} holds every change up to
   * it. The loser reads the message again and tries once more with a new number. A number taken
   * and never written (a lost race, a crash) is a gap, which clients never wait for.
   *
   * <p>Idempotent: a change that finds the message already so (a delete of a deleted message, an
   * edit to the text it has) answers it unchanged, taking no number. An edit of a deleted message
   * is {@code gone}.
   */
  public Future<Changed> change(Change change) {
    return change(change, 1);
  }

  private Future<Changed> change(Change change, int attempt) {
    return message(change.roomId(), change.seq()).compose(now -> {
      if (now.deleted()) {
        return change.delete()
            ? Future.succeededFuture(new Changed(now, false))
            : Future.failedFuture(new ServiceException(ErrorCode.GONE, "the message was deleted"));
      }
      if (!change.delete() && now.text().equals(change.text())) {
        return Future.succeededFuture(new Changed(now, false));
      }
      return allocateChange(change.roomId())
          .compose(updatedSeq -> settledAfter(change.roomId(), updatedSeq,
              mongo.findOneAndUpdateWithOptions(MESSAGES, unchangedSince(change, updatedSeq),
                  changeOf(change, updatedSeq, terms(change.text())), new FindOptions(), new UpdateOptions().setReturningNewDocument(true))))
          .compose(written -> writtenOrAgain(written, attempt, () -> change(change, attempt + 1)));
    });
  }

  /**
   * Turns one user's reaction to a message on or off ({@link Reactions#toggle}). The message gets
   * its room's next {@code updatedSeq}, and is written only if it still holds the
   * {@code updatedSeq} it was read with (and is not deleted): a compare-and-set on the whole
   * reaction list, so of two members reacting at once one write lands and the other reads the
   * message again and adds its reaction to that, up to {@code HISTORY_APPEND_MAX_ATTEMPTS} times;
   * both count. A reaction already so (on twice) answers the message unchanged and takes no
   * number. A deleted message is {@code gone}.
   */
  public Future<Changed> react(React react) {
    return react(react, 1);
  }

  private Future<Changed> react(React react, int attempt) {
    JsonObject id = new JsonObject().put("_id", messageKey(react.roomId(), react.seq()));
    return mongo.findOne(MESSAGES, id, null).compose(doc -> {
      if (doc == null) {
        return Future.failedFuture(ServiceException.notFound("message not found"));
      }
      Message now = toClient(doc);
      if (now.deleted()) {
        return Future.failedFuture(new ServiceException(ErrorCode.GONE, "the message was deleted"));
      }
      List<Reactions.Entry> before = readReactedBy(doc.getJsonArray(REACTED_BY));
      List<Reactions.Entry> after = Reactions.toggle(before, react.emoji(), react.userId(), react.on(), react.maxEmoji());
      if (after.equals(before)) {
        return Future.succeededFuture(new Changed(now, false));
      }
      Long held = doc.getLong(UPDATED_SEQ);
      JsonObject unchanged = id.copy().put("deleted", false)
          .put(UPDATED_SEQ, held == null ? new JsonObject().put("$exists", false) : held);
      return allocateChange(react.roomId())
          .compose(updatedSeq -> settledAfter(react.roomId(), updatedSeq, mongo.findOneAndUpdateWithOptions(MESSAGES, unchanged,
              new JsonObject().put("$set", new JsonObject()
                  .put(REACTED_BY, writeReactedBy(after))
                  .put("reactions", Reaction.writeList(Reactions.view(after, react.namesShown())))
                  .put(UPDATED_SEQ, updatedSeq)),
              new FindOptions(), new UpdateOptions().setReturningNewDocument(true))))
          .compose(written -> writtenOrAgain(written, attempt, () -> react(react, attempt + 1)));
    });
  }

  /**
   * A conditional write's outcome: the written message, or (the condition failed: another change
   * came first) the next attempt, up to {@code HISTORY_APPEND_MAX_ATTEMPTS}, then {@code unavailable}.
   */
  private Future<Changed> writtenOrAgain(JsonObject written, int attempt, java.util.function.Supplier<Future<Changed>> again) {
    if (written != null) {
      return Future.succeededFuture(new Changed(toClient(written), true));
    }
    if (attempt >= config.appendMaxAttempts()) {
      return Future.failedFuture(new ServiceException(ErrorCode.UNAVAILABLE, "the message is changing, try again"));
    }
    return again.get();
  }

  private static List<Reactions.Entry> readReactedBy(JsonArray stored) {
    if (stored == null) {
      return List.of();
    }
    return stored.stream().map(o -> (JsonObject) o)
        .map(e -> new Reactions.Entry(e.getString("emoji"), e.getJsonArray("userIds").stream().map(String.class::cast).toList()))
        .toList();
  }

  private static JsonArray writeReactedBy(List<Reactions.Entry> all) {
    JsonArray array = new JsonArray();
    all.forEach(e -> array.add(new JsonObject().put("emoji", e.emoji()).put("userIds", new JsonArray(e.userIds()))));
    return array;
  }

  /**
   * After a delete: the replies quoting the message show it deleted (an empty excerpt). One
   * indexed multi-update of the room's replies to that seq, repeated harmlessly by a retried
   * delete. The replies keep their {@code updatedSeq}: clients learn of the delete from the
   * quoted message's own change, and render a quote of a seq they hold deleted as deleted.
   */
  public Future<Void> blankQuotesOf(String roomId, long seq) {
    JsonObject replies = new JsonObject().put("roomId", roomId).put("replyTo", seq).put("quote.deleted", false);
    return mongo.updateCollectionWithOptions(MESSAGES, replies,
            new JsonObject().put("$set", new JsonObject().put("quote.excerpt", "").put("quote.deleted", true)),
            new UpdateOptions().setMulti(true))
        .mapEmpty();
  }

  /**
   * Numbers a change: the room's next {@code updatedSeq}, taken from its counter by a
   * compare-and-set that also records the number as in flight ({@link #IN_FLIGHT}, with when it
   * was taken), in one atomic update, so no reader ever sees the number taken and not in flight.
   * A lost compare-and-set (another change numbered meanwhile) reads the counter again, up to
   * {@code HISTORY_APPEND_MAX_ATTEMPTS} times. Every number taken is then settled
   * ({@link #settleChange}) whether its write landed or not: see {@link #settled}.
   */
  Future<Long> allocateChange(String roomId) {
    return allocateChange(roomId, 1);
  }

  private Future<Long> allocateChange(String roomId, int attempt) {
    JsonObject room = new JsonObject().put("_id", roomId);
    return mongo.findOne(ROOM_SEQS, room, new JsonObject().put(UPDATED_SEQ, 1)).compose(doc -> {
      Long held = doc == null ? null : doc.getLong(UPDATED_SEQ);
      long next = (held == null ? 0 : held) + 1;
      JsonObject unchanged = room.copy().put(UPDATED_SEQ, held == null ? new JsonObject().put("$exists", false) : held);
      JsonObject numbered = new JsonObject()
          .put("$set", new JsonObject().put(UPDATED_SEQ, next))
          .put("$push", new JsonObject().put(IN_FLIGHT, new JsonObject().put("n", next).put("at", clock.getAsLong())));
      return mongo.updateCollectionWithOptions(ROOM_SEQS, unchanged, numbered, new UpdateOptions().setUpsert(doc == null))
          .map(result -> result.getDocMatched() > 0 || result.getDocUpsertedId() != null)
          // Two first changes of a room upserting at once: one insert wins, the other lost the race.
          .recover(e -> MongoErrors.isDuplicateKey(e) ? Future.succeededFuture(false) : Future.failedFuture(e))
          .compose(taken -> {
            if (taken) {
              return Future.succeededFuture(next);
            }
            return attempt >= config.appendMaxAttempts()
                ? Future.failedFuture(new ServiceException(ErrorCode.UNAVAILABLE, "the room is changing, try again"))
                : allocateChange(roomId, attempt + 1);
          });
    });
  }

  /**
   * A numbered change is over (written, or lost its race and never will be): its number leaves
   * the room's changes in flight, and so do any that expired ({@code HISTORY_CHANGE_IN_FLIGHT_MAX_MS}:
   * their instance died before settling them). Never fails: an entry left behind expires.
   */
  Future<Void> settleChange(String roomId, long updatedSeq) {
    JsonObject room = new JsonObject().put("_id", roomId);
    long expiredBefore = clock.getAsLong() - config.changeInFlightMaxMs();
    return mongo.bulkWrite(ROOM_SEQS, List.of(
            BulkOperation.createUpdate(room, new JsonObject().put("$pull", new JsonObject().put(IN_FLIGHT, new JsonObject().put("n", updatedSeq)))),
            BulkOperation.createUpdate(room, new JsonObject().put("$pull", new JsonObject().put(IN_FLIGHT,
                new JsonObject().put("at", new JsonObject().put("$lt", expiredBefore)))))))
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.warn("change {} of room {} stays in flight until it expires: {}", updatedSeq, roomId, e.toString());
          return Future.succeededFuture();
        });
  }

  /** {@code write}'s outcome, once the change it writes ({@code updatedSeq}) is settled. */
  private <T> Future<T> settledAfter(String roomId, long updatedSeq, Future<T> write) {
    return write.transform(done -> settleChange(roomId, updatedSeq).transform(x -> done.succeeded()
        ? Future.succeededFuture(done.result())
        : Future.failedFuture(done.cause())));
  }

  /** The message, not deleted, and not changed by a change numbered at or after {@code updatedSeq}. */
  private static JsonObject unchangedSince(Change change, long updatedSeq) {
    return new JsonObject()
        .put("_id", messageKey(change.roomId(), change.seq()))
        .put("deleted", false)
        .put("$or", new JsonArray()
            .add(new JsonObject().put(UPDATED_SEQ, new JsonObject().put("$exists", false)))
            .add(new JsonObject().put(UPDATED_SEQ, new JsonObject().put("$lt", updatedSeq))));
  }

  /**
   * An edit sets the text, its mentions, its {@code terms} and {@code editedAt}; a delete removes
   * the text, the terms (a tombstone is never found) and the reactions and detaches the files.
   */
  private static JsonObject changeOf(Change change, long updatedSeq, JsonArray terms) {
    if (change.delete()) {
      return new JsonObject()
          .put("$set", new JsonObject()
              .put("deleted", true)
              .put("deletedAt", change.at())
              .put("attachments", new JsonArray())
              .put("mentions", new JsonArray())
              .put("reactions", new JsonArray())
              .put(REACTED_BY, new JsonArray())
              .put(TERMS, new JsonArray())
              .put(UPDATED_SEQ, updatedSeq))
          .put("$unset", new JsonObject().put("text", ""));
    }
    return new JsonObject().put("$set", new JsonObject()
        .put("text", change.text())
        .put("mentions", new JsonArray(change.mentions()))
        .put(TERMS, terms)
        .put("editedAt", change.at())
        .put(UPDATED_SEQ, updatedSeq));
  }

  static String messageKey(String roomId, long seq) {
    return roomId + ":" + seq;
  }

  /** The stored document as clients see it: the storage-only fields ({@code _id}, {@code clientKey}) left out. */
  static Message toClient(JsonObject doc) {
    return Message.read(doc);
  }

  /** The unique idempotency key of a message; the separator cannot occur in ids. */
  public static String clientKey(Append message) {
    return message.roomId() + "\u001f" + message.senderId() + "\u001f" + message.clientMsgId();
  }

  /** The stored form of a message: its client-facing fields, plus the keys it is found by. */
  static JsonObject document(Append message, List<FileInfo> files, long seq, String messageId) {
    return new JsonObject()
        .put("_id", messageKey(message.roomId(), seq))
        .put("clientKey", clientKey(message))
        .put("roomId", message.roomId())
        .put("seq", seq)
        .put("messageId", messageId)
        .put("senderId", message.senderId())
        .put("clientMsgId", message.clientMsgId())
        .put("text", message.text())
        .put("attachments", FileInfo.writeList(files))
        .put("replyTo", message.replyTo())
        .put("mentions", new JsonArray(message.mentions()))
        .put("ts", message.ts())
        .put("editedAt", null)
        .put("deleted", false)
        .put("quote", message.quote() == null ? null : message.quote().write());
  }
}

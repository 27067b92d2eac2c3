package io.chatplatform.history;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
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
 *   <li><b>Per-room order inside one instance</b>: a room's appends are written one batch at a
 *       time, each batch an ordered insert of consecutive seqs, so an instance never races itself.
 *       An ordered insert stops at its first failure, so what it stored is always a prefix.
 * </ul>
 * The per-room {@code lastSeq} document is a hint kept with {@code $max}; the messages are the truth.
 * Pages are read by computing the {@code _id}s of the wanted {@code seq}s, which is a point lookup
 * on every MongoDB and works the same on the embedded server (which ignores compound indexes).
 *
 * <p>Called on one event loop (its verticle's): the in-memory maps need no locking.
 */
public final class MessageStore {
  static final String MESSAGES = "messages";
  static final String ROOM_SEQS = "room_seqs";

  private final MongoClient mongo;
  private final HistoryConfig config;
  private final Map<String, Long> lastSeqCache;
  private final Map<String, RoomQueue> roomQueues = new HashMap<>();
  private final Counter seqConflicts;
  private final DistributionSummary batchSizes;

  private static final int DUPLICATE_KEY = 11000;
  private static final BulkWriteOptions ORDERED = new BulkWriteOptions().setOrdered(true);

  /** Name of the counter of seq races lost to another instance. */
  public static final String SEQ_CONFLICTS_METRIC = "chat.history.seq.conflicts";

  public MessageStore(MongoClient mongo, HistoryConfig config, MeterRegistry metrics) {
    this.mongo = mongo;
    this.config = config;
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
                MESSAGES, new JsonObject().put("roomId", 1).put("seq", 1), new IndexOptions().name("roomId_1_seq_1")))
        .mapEmpty();
  }

  /** The result of an append: the stored message and whether it was stored before. */
  public record Appended(JsonObject message, boolean duplicate) {}

  /** An append waiting for its room's writer. */
  private record Pending(NewMessage message, Promise<Appended> promise) {}

  /** A room's appends, written by one batch at a time. */
  private static final class RoomQueue {
    final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    boolean writing;
  }

  /**
   * Stores a new message and gives it the room's next {@code seq}; or, when the same sender sent
   * the same {@code clientMsgId} to the room before, returns that message unchanged.
   *
   * <p>Appends that arrive while a room's previous batch is being written are written together
   * in the next one (one ordered insert of consecutive seqs, one {@code $max}): group commit, so a
   * busy room costs a few round trips per batch rather than per message.
   */
  public Future<Appended> append(NewMessage message) {
    RoomQueue queue = roomQueues.computeIfAbsent(message.roomId(), k -> new RoomQueue());
    Promise<Appended> promise = Promise.promise();
    queue.waiting.add(new Pending(message, promise));
    if (!queue.writing) {
      drain(message.roomId(), queue);
    }
    return promise.future();
  }

  private void drain(String roomId, RoomQueue queue) {
    if (queue.waiting.isEmpty()) {
      roomQueues.remove(roomId);
      return;
    }
    queue.writing = true;
    List<Pending> batch = new ArrayList<>();
    while (!queue.waiting.isEmpty() && batch.size() < config.appendBatchMax()) {
      batch.add(queue.waiting.poll());
    }
    batchSizes.record(batch.size());
    writeBatch(roomId, batch, 0, false, 1)
        .onComplete(
            done -> {
              queue.writing = false;
              drain(roomId, queue);
            });
  }

  /**
   * Writes {@code batch} after the room's last seq (at least {@code floor}); completes every
   * pending append of it, with a message, a duplicate or a failure. Never fails itself.
   */
  private Future<Void> writeBatch(String roomId, List<Pending> batch, long floor, boolean reread, int attempt) {
    Long cached = reread ? null : lastSeqCache.get(roomId);
    Future<Long> last = cached != null ? Future.succeededFuture(cached) : readLastSeq(roomId);
    return last.compose(known -> insertBatch(roomId, batch, Math.max(known, floor), attempt))
        .recover(
            failure -> {
              batch.forEach(p -> p.promise().tryFail(failure));
              return Future.succeededFuture();
            });
  }

  private Future<Void> insertBatch(String roomId, List<Pending> batch, long last, int attempt) {
    List<Pending> written = new ArrayList<>();
    List<JsonObject> docs = new ArrayList<>();
    long seq = last;
    for (Pending pending : batch) {
      Long replyTo = pending.message().replyTo();
      if (replyTo != null && (replyTo < 1 || replyTo > seq)) {
        pending.promise().fail(ServiceException.badRequest("replyTo must be the seq of an earlier message"));
        continue;
      }
      seq++;
      docs.add(pending.message().toDocument(seq, UUID.randomUUID().toString().replace("-", "")));
      written.add(pending);
    }
    if (docs.isEmpty()) {
      return Future.succeededFuture();
    }
    long lastWritten = seq;
    List<BulkOperation> inserts = docs.stream().map(BulkOperation::createInsert).toList();
    return mongo
        .bulkWriteWithOptions(MESSAGES, inserts, ORDERED)
        .compose(
            result -> markLastSeq(roomId, lastWritten).onSuccess(x -> complete(written, docs, written.size())),
            failure -> afterFailedInsert(roomId, written, docs, last, attempt, failure));
  }

  /**
   * An ordered insert stops at its first failure: what came before it is stored, the failed
   * message is either a duplicate (its clientKey exists) or lost its seq to another instance,
   * and the rest is written again in a new batch after it.
   */
  private Future<Void> afterFailedInsert(
      String roomId, List<Pending> written, List<JsonObject> docs, long last, int attempt, Throwable failure) {
    int failedAt = failedIndex(failure);
    if (failedAt < 0) {
      return Future.failedFuture(failure);
    }
    complete(written, docs, failedAt);
    Future<Void> stored = failedAt > 0 ? markLastSeq(roomId, last + failedAt) : Future.succeededFuture();
    Pending culprit = written.get(failedAt);
    List<Pending> rest = written.subList(failedAt + 1, written.size());
    if (String.valueOf(failure.getMessage()).contains("clientKey")) {
      return stored
          .compose(x -> findByClientKey(culprit.message().clientKey()))
          // If an earlier attempt stored the message but died before marking the room's last
          // seq, the retry repairs the hint so pages and sync show the message.
          .compose(found -> markLastSeq(roomId, found.message().getLong("seq")).map(found))
          .onComplete(culprit.promise())
          .transform(x -> rest.isEmpty() ? Future.succeededFuture() : writeBatch(roomId, List.copyOf(rest), 0, false, attempt));
    }
    // Another instance stored this seq first: move past it, with a fresh look at the room.
    seqConflicts.increment();
    List<Pending> retry = new ArrayList<>(written.subList(failedAt, written.size()));
    if (attempt >= config.appendMaxAttempts()) {
      retry.forEach(p -> p.promise().fail(new ServiceException(ErrorCode.UNAVAILABLE, "the room is too busy, try again")));
      return Future.succeededFuture();
    }
    lastSeqCache.remove(roomId);
    return stored.transform(x -> writeBatch(roomId, retry, last + failedAt + 1, true, attempt + 1));
  }

  private static void complete(List<Pending> written, List<JsonObject> docs, int count) {
    for (int i = 0; i < count; i++) {
      written.get(i).promise().complete(new Appended(toClient(docs.get(i)), false));
    }
  }

  /** The index of the failed write of an ordered bulk insert that hit a duplicate key, else -1. */
  private static int failedIndex(Throwable failure) {
    Throwable cause = failure;
    while (cause != null && !(cause instanceof MongoBulkWriteException)) {
      cause = cause.getCause();
    }
    if (cause instanceof MongoBulkWriteException bulk
        && !bulk.getWriteErrors().isEmpty()
        && bulk.getWriteErrors().get(0).getCode() == DUPLICATE_KEY) {
      return bulk.getWriteErrors().get(0).getIndex();
    }
    return -1;
  }

  private Future<Appended> findByClientKey(String clientKey) {
    return mongo
        .findOne(MESSAGES, new JsonObject().put("clientKey", clientKey), null)
        .compose(
            doc ->
                doc == null
                    ? Future.failedFuture(new ServiceException(ErrorCode.UNAVAILABLE, "try again"))
                    : Future.succeededFuture(new Appended(toClient(doc), true)));
  }

  private Future<Void> markLastSeq(String roomId, long seq) {
    lastSeqCache.merge(roomId, seq, Math::max);
    return mongo
        .updateCollectionWithOptions(
            ROOM_SEQS,
            new JsonObject().put("_id", roomId),
            new JsonObject().put("$max", new JsonObject().put("lastSeq", seq)),
            new UpdateOptions().setUpsert(true))
        .mapEmpty();
  }

  private Future<Long> readLastSeq(String roomId) {
    return mongo
        .findOne(ROOM_SEQS, new JsonObject().put("_id", roomId), null)
        .map(doc -> doc == null ? 0L : doc.getLong("lastSeq", 0L));
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

  /** A page of a room, ascending. */
  public record Page(List<JsonObject> messages, boolean hasMore) {
    public JsonObject toJson() {
      return new JsonObject().put("messages", new JsonArray(new ArrayList<>(messages))).put("hasMore", hasMore);
    }
  }

  /** Up to {@code limit} messages just before {@code before} (newest first page when null). */
  public Future<Page> before(String roomId, Long before, int limit) {
    return readLastSeq(roomId)
        .compose(
            last -> {
              long upper = before == null ? last : Math.min(before - 1, last);
              long lower = Math.max(1, upper - limit + 1);
              return range(roomId, lower, upper).map(list -> new Page(list, lower > 1));
            });
  }

  /** Up to {@code limit} messages just after {@code after}. */
  public Future<Page> after(String roomId, long after, int limit) {
    return readLastSeq(roomId)
        .compose(
            last -> {
              long lower = Math.max(1, after + 1);
              long upper = Math.min(last, after + limit);
              return range(roomId, lower, upper).map(list -> new Page(list, upper < last));
            });
  }

  private Future<List<JsonObject>> range(String roomId, long lower, long upper) {
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

  static String messageKey(String roomId, long seq) {
    return roomId + ":" + seq;
  }

  /** The stored document as clients see it: the storage-only fields removed. */
  static JsonObject toClient(JsonObject doc) {
    JsonObject message = doc.copy();
    message.remove("_id");
    message.remove("clientKey");
    return message;
  }
}

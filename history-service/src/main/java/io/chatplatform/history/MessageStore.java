package io.chatplatform.history;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
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
 *   <li><b>Per-room order inside one instance</b>: appends to one room run one after the other, so
 *       an instance never races itself.
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
  private final Map<String, Future<?>> roomQueues = new HashMap<>();
  private final Counter seqConflicts;

  /** Name of the counter of seq races lost to another instance. */
  public static final String SEQ_CONFLICTS_METRIC = "chat.history.seq.conflicts";

  public MessageStore(MongoClient mongo, HistoryConfig config, MeterRegistry metrics) {
    this.mongo = mongo;
    this.config = config;
    this.seqConflicts =
        Counter.builder(SEQ_CONFLICTS_METRIC)
            .description("appends that found their seq taken by another instance and retried")
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

  /**
   * Stores a new message and gives it the room's next {@code seq}; or, when the same sender sent
   * the same {@code clientMsgId} to the room before, returns that message unchanged.
   */
  public Future<Appended> append(NewMessage message) {
    Future<?> previous = roomQueues.getOrDefault(message.roomId(), Future.succeededFuture());
    Future<Appended> result = previous.transform(ignored -> startAppend(message));
    roomQueues.put(message.roomId(), result);
    result.onComplete(
        done -> {
          if (roomQueues.get(message.roomId()) == result) {
            roomQueues.remove(message.roomId());
          }
        });
    return result;
  }

  private Future<Appended> startAppend(NewMessage message) {
    Long cached = lastSeqCache.get(message.roomId());
    Future<Long> last = cached != null ? Future.succeededFuture(cached) : readLastSeq(message.roomId());
    return last.compose(seq -> attempt(message, seq + 1, 1));
  }

  private Future<Appended> attempt(NewMessage message, long seq, int attempt) {
    if (message.replyTo() != null && (message.replyTo() < 1 || message.replyTo() >= seq)) {
      return Future.failedFuture(ServiceException.badRequest("replyTo must be the seq of an earlier message"));
    }
    JsonObject doc = message.toDocument(seq, UUID.randomUUID().toString().replace("-", ""));
    return mongo
        .insert(MESSAGES, doc)
        .compose(
            id -> markLastSeq(message.roomId(), seq).map(x -> new Appended(toClient(doc), false)),
            failure -> {
              if (!isDuplicateKey(failure)) {
                return Future.failedFuture(failure);
              }
              if (String.valueOf(failure.getMessage()).contains("clientKey")) {
                return findByClientKey(message.clientKey())
                    // If an earlier attempt stored the message but died before marking the room's
                    // last seq, the retry repairs the hint so pages and sync show the message.
                    .compose(found -> markLastSeq(message.roomId(), found.message().getLong("seq")).map(found));
              }
              if (attempt >= config.appendMaxAttempts()) {
                return Future.failedFuture(
                    new ServiceException(ErrorCode.UNAVAILABLE, "the room is too busy, try again"));
              }
              // Another instance stored this seq first: move past what is known to be taken.
              seqConflicts.increment();
              return readLastSeq(message.roomId())
                  .compose(known -> attempt(message, Math.max(known, seq) + 1, attempt + 1));
            });
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

  private static boolean isDuplicateKey(Throwable failure) {
    String text = String.valueOf(failure.getMessage());
    return text.contains("E11000") || text.contains("duplicate key");
  }
}

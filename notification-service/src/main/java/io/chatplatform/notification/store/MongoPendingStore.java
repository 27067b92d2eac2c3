package io.chatplatform.notification.store;

import io.chatplatform.notification.domain.Pending;
import io.chatplatform.notification.domain.Pending.MemberRetry;
import io.chatplatform.notification.domain.Pending.RoomBatch;
import io.chatplatform.notification.domain.PendingStore;
import io.chatplatform.notification.domain.PushMessage;
import io.chatplatform.notification.domain.RoomNotices;
import io.chatplatform.runtime.MongoErrors;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Pending pushes in {@code push_pending}, sent markers in {@code push_sent}.
 *
 * <p>A room's open batch is the record whose unique {@code slot} is the roomId: a room's notices
 * are one upsert on {@code {slot: roomId, lastSeq < their last seq}}; when the batch already
 * reaches that seq, the insert hits the unique slot and {@link #add} says what happens then. A claim is one {@code findOneAndUpdate} on
 * {@code due <= now, claimUntil <= now}, setting a fresh claim id, the lease end, and a slot of
 * its own: the batch stops being the room's open one, and later messages open a new batch.
 */
public final class MongoPendingStore implements PendingStore {
  static final String PENDING = "push_pending";
  static final String SENT = "push_sent";
  private final MongoClient mongo;

  public MongoPendingStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  public Future<Void> createIndexes() {
    return mongo.createIndexWithOptions(PENDING, new JsonObject().put("slot", 1), new IndexOptions().unique(true).name("slot_1"))
        .compose(x -> mongo.createIndex(PENDING, new JsonObject().put("due", 1)))
        .compose(x -> mongo.createIndexWithOptions(SENT, new JsonObject().put("expiresAt", 1),
            new IndexOptions().name("expiresAt_ttl").expireAfter(0L, TimeUnit.SECONDS)));
  }

  @Override
  public Future<Void> add(RoomNotices n) {
    return add(n, true);
  }

  /**
   * The upsert on {@code {slot: roomId, lastSeq < n.lastSeq}} moves the open batch on to the
   * notices' last seq (or opens one). When it hits the unique slot instead, the open batch already
   * reaches the notices' last seq: they are late (another instance's, or announced out of order)
   * or repeated. Then they only add their count, mentions and first seq to it, so a mention is
   * never lost; a repeated seq is counted again, which the push's count does not show, as it never
   * exceeds the seqs the batch spans ({@link io.chatplatform.notification.domain.PushDecider}).
   * (The one-by-one writes before PUSH_NOTICE_LINGER_MS dropped such a notice, mentions and all.)
   * When that matches nothing either (the batch was claimed meanwhile, or another writer opened
   * it below our last seq) the upsert is tried once more; then the notices are dropped as before.
   */
  private Future<Void> add(RoomNotices n, boolean again) {
    JsonArray mentions = new JsonArray(List.copyOf(n.mentions()));
    JsonObject filter = new JsonObject().put("slot", n.roomId()).put("lastSeq", new JsonObject().put("$lt", n.lastSeq()));
    JsonObject update = new JsonObject()
        .put("$setOnInsert", new JsonObject()
            .put("_id", UUID.randomUUID().toString()).put("kind", "room").put("roomId", n.roomId())
            .put("due", n.due()).put("claimUntil", 0L))
        .put("$min", new JsonObject().put("firstSeq", n.firstSeq()))
        .put("$set", new JsonObject().put("lastSeq", n.lastSeq()).put("lastSenderId", n.lastSenderId()).put("preview", n.preview()))
        .put("$inc", new JsonObject().put("count", n.count()))
        .put("$addToSet", new JsonObject().put("mentions", new JsonObject().put("$each", mentions)));
    return mongo.updateCollectionWithOptions(PENDING, filter, update, new UpdateOptions().setUpsert(true))
        .<Void>mapEmpty()
        .recover(e -> MongoErrors.isDuplicateKey(e) ? addLate(n, mentions, again) : Future.failedFuture(e));
  }

  private Future<Void> addLate(RoomNotices n, JsonArray mentions, boolean again) {
    JsonObject filter = new JsonObject().put("slot", n.roomId()).put("lastSeq", new JsonObject().put("$gte", n.lastSeq()));
    JsonObject update = new JsonObject()
        .put("$min", new JsonObject().put("firstSeq", n.firstSeq()))
        .put("$inc", new JsonObject().put("count", n.count()))
        .put("$addToSet", new JsonObject().put("mentions", new JsonObject().put("$each", mentions)));
    return mongo.updateCollection(PENDING, filter, update).compose(result -> {
      if (result.getDocMatched() > 0) {
        return Future.succeededFuture();
      }
      // Twice no batch to write to (claimed, or opened by another writer, in between each time):
      // failed, so that the buffer logs and counts the notices as unwritten.
      return again ? add(n, false)
          : Future.failedFuture(new IllegalStateException("no open batch of room " + n.roomId() + " took the notices"));
    });
  }

  @Override
  public Future<Pending> claim(long now, long leaseMs) {
    String claim = UUID.randomUUID().toString();
    JsonObject filter = new JsonObject()
        .put("due", new JsonObject().put("$lte", now))
        .put("claimUntil", new JsonObject().put("$lte", now));
    JsonObject update = new JsonObject().put("$set", new JsonObject()
        .put("claim", claim).put("claimUntil", now + leaseMs).put("slot", "claimed:" + claim));
    return mongo.findOneAndUpdateWithOptions(PENDING, filter, update,
            new FindOptions().setSort(new JsonObject().put("due", 1)), new UpdateOptions().setReturningNewDocument(true))
        .map(doc -> doc == null ? null : pending(doc));
  }

  @Override
  public Future<Void> done(Pending pending) {
    return mongo.removeDocument(PENDING, new JsonObject().put("_id", pending.id()).put("claim", pending.claim())).mapEmpty();
  }

  @Override
  public Future<Void> retry(String userId, List<String> deviceIds, PushMessage message, int attempts, long due) {
    String id = UUID.randomUUID().toString();
    JsonObject doc = new JsonObject()
        .put("_id", id).put("slot", "retry:" + id).put("kind", "retry").put("userId", userId)
        .put("deviceIds", new JsonArray(deviceIds)).put("message", message(message)).put("attempts", attempts)
        .put("due", due).put("claimUntil", 0L);
    return mongo.insert(PENDING, doc).mapEmpty();
  }

  @Override
  public Future<Boolean> wasSent(String key) {
    return mongo.findOne(SENT, new JsonObject().put("_id", key), new JsonObject().put("_id", 1)).map(doc -> doc != null);
  }

  @Override
  public Future<Void> markSent(String key, long now, long keepMs) {
    JsonObject doc = new JsonObject().put("_id", key).put("expiresAt", new JsonObject().put("$date", Instant.ofEpochMilli(now + keepMs).toString()));
    return mongo.save(SENT, doc).mapEmpty();
  }

  private static Pending pending(JsonObject doc) {
    String id = doc.getString("_id");
    String claim = doc.getString("claim");
    if ("retry".equals(doc.getString("kind"))) {
      return new MemberRetry(id, claim, doc.getString("userId"),
          doc.getJsonArray("deviceIds", new JsonArray()).stream().map(String::valueOf).toList(),
          message(doc.getJsonObject("message")), doc.getInteger("attempts", 0));
    }
    Set<String> mentions = new HashSet<>();
    doc.getJsonArray("mentions", new JsonArray()).forEach(m -> mentions.add(String.valueOf(m)));
    return new RoomBatch(id, claim, doc.getString("roomId"), doc.getLong("firstSeq", 0L), doc.getLong("lastSeq", 0L),
        doc.getInteger("count", 1), doc.getString("lastSenderId"), mentions, doc.getString("preview"));
  }

  private static JsonObject message(PushMessage m) {
    return new JsonObject()
        .put("roomId", m.roomId()).put("roomName", m.roomName()).put("seq", m.seq()).put("count", m.count())
        .put("senderName", m.senderName()).put("preview", m.preview()).put("collapseKey", m.collapseKey())
        .put("mentioned", m.mentioned()).put("badge", m.badge()).put("ttlSeconds", m.ttlSeconds());
  }

  private static PushMessage message(JsonObject j) {
    return new PushMessage(j.getString("roomId"), j.getString("roomName", ""), j.getLong("seq", 0L), j.getInteger("count", 1),
        j.getString("senderName", ""), j.getString("preview"), j.getString("collapseKey"), j.getBoolean("mentioned", false),
        j.getInteger("badge"), j.getInteger("ttlSeconds", 0));
  }
}

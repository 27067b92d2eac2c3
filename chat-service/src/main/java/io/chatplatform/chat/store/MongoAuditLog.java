package io.chatplatform.chat.store;

import io.chatplatform.chat.domain.AuditEntry;
import io.chatplatform.chat.domain.AuditLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The audit log in MongoDB ({@code audit}), insert-only: this class never updates or deletes a
 * document, and no other code touches the collection. {@code _id} is the append time as 13
 * decimal digits, then 8 random bytes in hex, so ids sort in time order and two entries of one
 * millisecond (from two chat-service instances) never collide.
 */
public final class MongoAuditLog implements AuditLog {
  static final String AUDIT = "audit";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final MongoClient mongo;

  public MongoAuditLog(MongoClient mongo) {
    this.mongo = mongo;
  }

  /** The indexes a filtered listing uses on a real MongoDB (the embedded store scans). */
  public Future<Void> createIndexes() {
    return mongo.createIndex(AUDIT, new JsonObject().put("actorId", 1).put("_id", -1))
        .compose(x -> mongo.createIndex(AUDIT, new JsonObject().put("targetUserId", 1).put("_id", -1)))
        .compose(x -> mongo.createIndex(AUDIT, new JsonObject().put("roomId", 1).put("_id", -1)))
        .mapEmpty();
  }

  @Override
  public Future<AuditEntry> append(AuditEntry entry) {
    byte[] tail = new byte[8];
    RANDOM.nextBytes(tail);
    AuditEntry stored = entry.withId(String.format("%013d", entry.at()) + HexFormat.of().formatHex(tail));
    return mongo.insert(AUDIT, toDocument(stored)).map(stored);
  }

  @Override
  public Future<List<AuditEntry>> find(Filter filter, int limit) {
    JsonObject query = new JsonObject();
    putIfSet(query, "actorId", filter.actorId());
    putIfSet(query, "targetUserId", filter.targetUserId());
    putIfSet(query, "roomId", filter.roomId());
    putIfSet(query, "action", filter.action());
    JsonObject at = new JsonObject();
    if (filter.from() != null) {
      at.put("$gte", filter.from());
    }
    if (filter.to() != null) {
      at.put("$lt", filter.to());
    }
    if (!at.isEmpty()) {
      query.put("at", at);
    }
    if (filter.before() != null) {
      query.put("_id", new JsonObject().put("$lt", filter.before()));
    }
    FindOptions options = new FindOptions().setSort(new JsonObject().put("_id", -1)).setLimit(limit);
    return mongo.findWithOptions(AUDIT, query, options)
        .map(docs -> docs.stream().map(MongoAuditLog::fromDocument).toList());
  }

  private static void putIfSet(JsonObject query, String field, String value) {
    if (value != null) {
      query.put(field, value);
    }
  }

  static JsonObject toDocument(AuditEntry e) {
    return new JsonObject()
        .put("_id", e.id())
        .put("at", e.at())
        .put("actorId", e.actorId())
        .put("action", e.action())
        .put("targetUserId", e.targetUserId())
        .put("roomId", e.roomId())
        .put("seq", e.seq())
        .put("reason", e.reason())
        .put("details", e.details());
  }

  static AuditEntry fromDocument(JsonObject d) {
    return new AuditEntry(
        d.getString("_id"), d.getLong("at", 0L), d.getString("actorId"), d.getString("action"),
        d.getString("targetUserId"), d.getString("roomId"), d.getLong("seq"), d.getString("reason"),
        d.getString("details"));
  }
}

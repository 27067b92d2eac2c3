package io.chatplatform.chat.store;

import io.chatplatform.chat.domain.RefreshToken;
import io.chatplatform.chat.domain.RefreshTokenStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Refresh tokens in MongoDB ({@code refresh_tokens}):
 * {@code {_id: tokenHash, familyId, userId, createdAt, expiresAt: Date, usedAt?, replacedBy?, revoked}}.
 * The token's SHA-256 is the {@code _id}, so a token is found by one point read and is stored
 * once; the token itself is never stored.
 *
 * <p>{@link #claim} is one conditional update of one document ({@code usedAt} absent and not
 * revoked), which MongoDB applies atomically: of two concurrent claims, one matches.
 *
 * <p>{@code expiresAt} is a BSON date under a TTL index, so real MongoDB deletes expired tokens
 * by itself (its TTL monitor runs about once a minute). The embedded server accepts that index
 * but never expires anything (mongo-java-server 1.47 has no TTL monitor), so the domain also
 * deletes a user's expired tokens at each of their logins, and every read treats an expired
 * token as invalid whether or not it is still stored. The embedded server also ignores the
 * non-unique indexes on {@code userId} and {@code familyId}: there the per-user and per-family
 * writes (login, logout, reuse, disabling) scan the collection; exchanges, the frequent
 * operation, read and write by {@code _id} only.
 */
public final class MongoRefreshTokenStore implements RefreshTokenStore {
  static final String REFRESH_TOKENS = "refresh_tokens";

  private final MongoClient mongo;

  public MongoRefreshTokenStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  public Future<Void> createIndexes() {
    return mongo
        .createIndex(REFRESH_TOKENS, new JsonObject().put("userId", 1))
        .compose(x -> mongo.createIndex(REFRESH_TOKENS, new JsonObject().put("familyId", 1)))
        .compose(x -> mongo.createIndexWithOptions(REFRESH_TOKENS, new JsonObject().put("expiresAt", 1),
            new IndexOptions().name("expiresAt_ttl").expireAfter(0L, TimeUnit.SECONDS)));
  }

  @Override
  public Future<Void> insert(RefreshToken token) {
    return mongo.insert(REFRESH_TOKENS, toDocument(token)).mapEmpty();
  }

  @Override
  public Future<RefreshToken> get(String tokenHash) {
    return mongo.findOne(REFRESH_TOKENS, new JsonObject().put("_id", tokenHash), null).map(MongoRefreshTokenStore::fromDocument);
  }

  @Override
  public Future<Boolean> claim(String tokenHash, String replacedBy, long usedAt) {
    JsonObject unused = new JsonObject()
        .put("_id", tokenHash)
        .put("usedAt", new JsonObject().put("$exists", false))
        .put("revoked", false);
    JsonObject use = new JsonObject().put("$set", new JsonObject().put("usedAt", usedAt).put("replacedBy", replacedBy));
    return mongo.updateCollection(REFRESH_TOKENS, unused, use).map(result -> result.getDocMatched() == 1);
  }

  @Override
  public Future<Void> revokeFamily(String familyId) {
    return revokeAll(new JsonObject().put("familyId", familyId));
  }

  @Override
  public Future<Void> revokeUser(String userId) {
    return revokeAll(new JsonObject().put("userId", userId));
  }

  private Future<Void> revokeAll(JsonObject query) {
    return mongo
        .updateCollectionWithOptions(REFRESH_TOKENS, query, new JsonObject().put("$set", new JsonObject().put("revoked", true)),
            new UpdateOptions().setMulti(true))
        .mapEmpty();
  }

  @Override
  public Future<List<RefreshToken>> liveOf(String userId, long now) {
    JsonObject query = new JsonObject()
        .put("userId", userId)
        .put("usedAt", new JsonObject().put("$exists", false))
        .put("revoked", false)
        .put("expiresAt", new JsonObject().put("$gt", date(now)));
    return mongo.find(REFRESH_TOKENS, query).map(docs -> docs.stream().map(MongoRefreshTokenStore::fromDocument).toList());
  }

  @Override
  public Future<Void> deleteExpired(String userId, long now) {
    return mongo
        .removeDocuments(REFRESH_TOKENS, new JsonObject().put("userId", userId).put("expiresAt", new JsonObject().put("$lte", date(now))))
        .mapEmpty();
  }

  static JsonObject toDocument(RefreshToken token) {
    JsonObject doc = new JsonObject()
        .put("_id", token.tokenHash())
        .put("familyId", token.familyId())
        .put("userId", token.userId())
        .put("createdAt", token.createdAt())
        .put("expiresAt", date(token.expiresAt()))
        .put("revoked", token.revoked());
    if (token.used()) {
      doc.put("usedAt", token.usedAt()).put("replacedBy", token.replacedBy());
    }
    return doc;
  }

  static RefreshToken fromDocument(JsonObject doc) {
    if (doc == null) {
      return null;
    }
    return new RefreshToken(
        doc.getString("_id"), doc.getString("familyId"), doc.getString("userId"), doc.getLong("createdAt", 0L),
        Instant.parse(doc.getJsonObject("expiresAt").getString("$date")).toEpochMilli(),
        doc.getLong("usedAt"), doc.getString("replacedBy"), doc.getBoolean("revoked", false));
  }

  /** A BSON date, as the TTL index needs. */
  private static JsonObject date(long epochMs) {
    return new JsonObject().put("$date", Instant.ofEpochMilli(epochMs).toString());
  }
}

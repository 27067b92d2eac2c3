package io.chatplatform.runtime;

import io.vertx.core.json.JsonObject;

/**
 * Where a service's MongoDB is, and how long any call to it may wait. The driver's own defaults
 * (30 s to find a server, no read timeout at all) would hold a client's request far past the
 * gateway's {@code SERVICE_TIMEOUT_MS}; these bound every store call, and a call that hits one
 * fails with the driver's timeout, which the services answer as {@code unavailable}.
 *
 * @param uri connection string ({@code MONGO_URI}); never logged, it may hold a password
 * @param database database name ({@code MONGO_DATABASE})
 * @param maxPoolSize connections per client ({@code MONGO_MAX_POOL_SIZE})
 * @param serverSelectionTimeoutMs longest wait for a usable server, e.g. while MongoDB is down
 *     or electing a primary ({@code MONGO_SERVER_SELECTION_TIMEOUT_MS})
 * @param connectTimeoutMs longest TCP connect ({@code MONGO_CONNECT_TIMEOUT_MS})
 * @param socketTimeoutMs longest wait for the answer of one operation on an open connection
 *     ({@code MONGO_SOCKET_TIMEOUT_MS})
 * @param waitQueueTimeoutMs longest wait for a free pooled connection ({@code MONGO_POOL_WAIT_TIMEOUT_MS})
 */
public record MongoConfig(
    String uri, String database, int maxPoolSize, long serverSelectionTimeoutMs, long connectTimeoutMs,
    long socketTimeoutMs, long waitQueueTimeoutMs) {

  public static MongoConfig from(Settings settings) {
    return new MongoConfig(
        settings.string("MONGO_URI", "mongodb://127.0.0.1:27017"),
        settings.string("MONGO_DATABASE", "chat"),
        settings.integer("MONGO_MAX_POOL_SIZE", 50),
        settings.longValue("MONGO_SERVER_SELECTION_TIMEOUT_MS", 3_000),
        settings.longValue("MONGO_CONNECT_TIMEOUT_MS", 3_000),
        settings.longValue("MONGO_SOCKET_TIMEOUT_MS", 10_000),
        settings.longValue("MONGO_POOL_WAIT_TIMEOUT_MS", 3_000));
  }

  public MongoConfig withUri(String newUri) {
    return new MongoConfig(newUri, database, maxPoolSize, serverSelectionTimeoutMs, connectTimeoutMs, socketTimeoutMs, waitQueueTimeoutMs);
  }

  /** The vertx-mongo-client configuration; these keys override the same options in the URI. */
  public JsonObject clientConfig() {
    return new JsonObject()
        .put("connection_string", uri)
        .put("db_name", database)
        .put("maxPoolSize", maxPoolSize)
        .put("serverSelectionTimeoutMS", serverSelectionTimeoutMs)
        .put("connectTimeoutMS", connectTimeoutMs)
        .put("socketTimeoutMS", socketTimeoutMs)
        .put("waitQueueTimeoutMS", waitQueueTimeoutMs)
        .put("useObjectId", false);
  }
}

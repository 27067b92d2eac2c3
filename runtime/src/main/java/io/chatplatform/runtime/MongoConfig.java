package io.chatplatform.runtime;

import io.vertx.core.json.JsonObject;

/**
 * Where a service's MongoDB is.
 *
 * @param uri connection string ({@code MONGO_URI}); never logged, it may hold a password
 * @param database database name ({@code MONGO_DATABASE})
 * @param maxPoolSize connections per client ({@code MONGO_MAX_POOL_SIZE})
 */
public record MongoConfig(String uri, String database, int maxPoolSize) {

  public static MongoConfig from(Settings settings) {
    return new MongoConfig(
        settings.string("MONGO_URI", "mongodb://127.0.0.1:27017"),
        settings.string("MONGO_DATABASE", "chat"),
        settings.integer("MONGO_MAX_POOL_SIZE", 50));
  }

  public MongoConfig withUri(String newUri) {
    return new MongoConfig(newUri, database, maxPoolSize);
  }

  /** The vertx-mongo-client configuration. */
  public JsonObject clientConfig() {
    return new JsonObject()
        .put("connection_string", uri)
        .put("db_name", database)
        .put("maxPoolSize", maxPoolSize)
        .put("useObjectId", false);
  }
}

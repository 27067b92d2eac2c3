package io.chatplatform.chat.domain;

import io.chatplatform.embeddedstore.EmbeddedMongo;
import io.chatplatform.runtime.MongoConfig;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.ext.mongo.MongoClient;
import java.util.Map;

/** A MongoDB client on an in-memory embedded server, for the domain over the MongoDB stores. */
final class OnEmbeddedMongo implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final EmbeddedMongo embedded = EmbeddedMongo.inMemory();
  final MongoClient mongo =
      MongoClient.create(vertx, MongoConfig.from(Settings.of(Map.of("MONGO_URI", embedded.connectionString()))).clientConfig());

  @Override
  public void close() {
    Await.result(vertx.close());
    embedded.close();
  }
}

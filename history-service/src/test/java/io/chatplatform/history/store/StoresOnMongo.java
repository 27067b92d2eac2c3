package io.chatplatform.history.store;

import io.chatplatform.embeddedstore.EmbeddedMongo;
import io.chatplatform.history.HistoryConfig;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mongo.MongoClient;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Two history-service instances' message stores on one embedded MongoDB-wire server, each on an
 * event loop of its own (as two instances would be), for the tests of what they do at once.
 */
final class StoresOnMongo implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final EmbeddedMongo embedded = EmbeddedMongo.inMemory();
  final HistoryConfig config = HistoryConfig.from(Settings.of(Map.of("MONGO_URI", embedded.connectionString())));
  final MongoClient mongo = MongoClient.create(vertx, config.mongo().clientConfig());
  final Context loop = vertx.getOrCreateContext();
  final Context otherLoop = vertx.getOrCreateContext();
  final MessageStore store = onLoop(loop, () -> Future.succeededFuture(new MessageStore(mongo, config, new SimpleMeterRegistry())));
  /** A second history-service instance on the same database. */
  final MessageStore other = onLoop(otherLoop, () -> Future.succeededFuture(new MessageStore(mongo, config, new SimpleMeterRegistry())));

  /** The outcome of {@code work}, started on {@code context}'s event loop (stores run there in the service). */
  static <T> T onLoop(Context context, Supplier<Future<T>> work) {
    return Await.result(Future.<T>future(p -> context.runOnContext(x -> work.get().onComplete(p))));
  }

  @Override
  public void close() {
    Await.result(vertx.close());
    embedded.close();
  }
}

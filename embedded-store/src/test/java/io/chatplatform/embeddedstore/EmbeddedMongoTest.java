package io.chatplatform.embeddedstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The embedded MongoDB-wire server on a file, through the real MongoDB client: unique indexes
 * (kept in H2 maps with a field-by-field key comparison, see BsonH2Backend) enforce and find
 * exactly as before, across restarts, and a file written by the stock backend opens with every
 * document and index intact.
 */
@DisplayName("EmbeddedMongo on a file")
class EmbeddedMongoTest {
  static final int DOCS = 2_000;
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  @DisplayName("unique indexes refuse duplicates and find every document, before and after a restart")
  void uniqueIndexesAcrossRestart() throws Exception {
    Path file = Files.createTempDirectory("embedded-mongo").resolve("data.mv");
    withClient(EmbeddedMongo.onFile(file), mongo -> {
      mongo.createIndexWithOptions("items", new JsonObject().put("key", 1), new IndexOptions().unique(true)).await();
      insertItems(mongo);
      assertEveryItemFound(mongo);
      assertDuplicatesRefused(mongo);
    });
    withClient(EmbeddedMongo.onFile(file), mongo -> {
      assertThat(mongo.count("items", new JsonObject()).await()).isEqualTo(DOCS);
      assertEveryItemFound(mongo);
      assertDuplicatesRefused(mongo);
      mongo.removeDocument("items", new JsonObject().put("_id", "item-7")).await();
      mongo.insert("items", item(7)).await();
      assertThat(mongo.findOne("items", new JsonObject().put("key", "key-7"), null).await()).isNotNull();
    });
  }

  @Test
  @DisplayName("every kind of value a document holds reads back the same after a restart")
  void valuesRoundTrip() throws Exception {
    Path file = Files.createTempDirectory("embedded-mongo").resolve("data.mv");
    JsonObject doc = new JsonObject()
        .put("_id", "all-kinds")
        .put("text", "héllo \u001f wörld")
        .put("int", 42)
        .put("long", 1L << 40)
        .put("double", 2.5)
        .put("yes", true)
        .put("none", (Object) null)
        .put("date", new JsonObject().put("$date", "2026-11-28T04:00:00Z"))
        .put("list", new io.vertx.core.json.JsonArray().add(1).add("two").add(new JsonObject().put("three", 3)))
        .put("nested", new JsonObject().put("deeper", new JsonObject().put("n", -7L)));
    withClient(EmbeddedMongo.onFile(file), mongo -> mongo.insert("kinds", doc).await());
    withClient(EmbeddedMongo.onFile(file), mongo -> {
      JsonObject read = mongo.findOne("kinds", new JsonObject().put("_id", "all-kinds"), null).await();
      assertThat(read).isEqualTo(doc);
      assertThat(read.getValue("long")).isInstanceOf(Long.class);
      assertThat(read.getValue("int")).isInstanceOf(Integer.class);
    });
  }

  @Test
  @DisplayName("a data file written by the stock H2 backend keeps every document, and its unique index is rebuilt")
  void upgradesStockFile() throws Exception {
    Path file = Files.createTempDirectory("embedded-mongo").resolve("data.mv");
    MongoServer stock = new MongoServer(new H2Backend(file.toString()));
    stock.bind("127.0.0.1", 0);
    MongoClient client = MongoClient.create(vertx, new JsonObject()
        .put("connection_string", "mongodb://127.0.0.1:" + stock.getLocalAddress().getPort()).put("db_name", "test"));
    client.createIndexWithOptions("items", new JsonObject().put("key", 1), new IndexOptions().unique(true)).await();
    insertItems(client);
    client.close().await();
    stock.shutdownNow();

    withClient(EmbeddedMongo.onFile(file), mongo -> {
      assertThat(mongo.count("items", new JsonObject()).await()).isEqualTo(DOCS);
      assertEveryItemFound(mongo);
      assertDuplicatesRefused(mongo);
    });
  }

  private void withClient(EmbeddedMongo server, Consumer<MongoClient> body) {
    MongoClient client = MongoClient.create(vertx, new JsonObject()
        .put("connection_string", server.connectionString()).put("db_name", "test"));
    try {
      body.accept(client);
    } finally {
      client.close().await();
      server.close();
    }
  }

  private static JsonObject item(int i) {
    return new JsonObject().put("_id", "item-" + i).put("key", "key-" + i).put("n", i);
  }

  private static void insertItems(MongoClient mongo) {
    for (int i = 0; i < DOCS; i++) {
      mongo.insert("items", item(i)).await();
    }
  }

  private static void assertEveryItemFound(MongoClient mongo) {
    for (int i = 0; i < DOCS; i += 97) {
      assertThat(mongo.findOne("items", new JsonObject().put("_id", "item-" + i), null).await().getInteger("n")).isEqualTo(i);
      assertThat(mongo.findOne("items", new JsonObject().put("key", "key-" + i), null).await().getString("_id")).isEqualTo("item-" + i);
    }
    assertThat(mongo.findOne("items", new JsonObject().put("_id", "item-" + DOCS), null).await()).isNull();
    assertThat(mongo.findOne("items", new JsonObject().put("key", "key-" + DOCS), null).await()).isNull();
  }

  private static void assertDuplicatesRefused(MongoClient mongo) {
    assertThatThrownBy(() -> mongo.insert("items", item(5)).await()).hasMessageContaining("E11000");
    assertThatThrownBy(() -> mongo.insert("items", item(6).put("_id", "fresh-id")).await())
        .hasMessageContaining("E11000").hasMessageContaining("key");
    assertThat(mongo.count("items", new JsonObject()).await()).isEqualTo(DOCS);
  }
}

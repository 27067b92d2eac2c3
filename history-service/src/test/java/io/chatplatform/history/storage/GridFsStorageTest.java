package io.chatplatform.history.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.embeddedstore.EmbeddedMongo;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.MongoGridFsClient;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** GridFS objects on the embedded MongoDB-wire server, through the real MongoDB client. */
@DisplayName("GridFS storage")
class GridFsStorageTest {
  /** A small chunk size, so a few hundred KiB span many chunks and boundaries. */
  static final int CHUNK = 64 * 1024;

  final Vertx vertx = Vertx.vertx();
  final EmbeddedMongo embedded = EmbeddedMongo.inMemory();
  final MongoClient mongo = MongoClient.create(vertx, new JsonObject().put("connection_string", embedded.connectionString()).put("db_name", "files"));
  final Context loop = vertx.getOrCreateContext();
  final GridFsStorage storage = new GridFsStorage(mongo, CHUNK);

  @AfterEach
  void close() {
    Await.result(vertx.close());
    embedded.close();
  }

  <T> T onLoop(Supplier<Future<T>> work) {
    return Await.result(Future.<T>future(p -> loop.runOnContext(x -> work.get().onComplete(p))));
  }

  static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  Buffer readAll(ReadStream<Buffer> stream) {
    return onLoop(() -> {
      Promise<Buffer> all = Promise.promise();
      Buffer collected = Buffer.buffer();
      stream.exceptionHandler(all::tryFail).endHandler(x -> all.tryComplete(collected)).handler(collected::appendBuffer);
      return all.future();
    });
  }

  long count(String collection) {
    return Await.result(mongo.count(collection, new JsonObject()));
  }

  @Test
  @DisplayName("stores a stream and reads it back whole and by ranges across chunk boundaries")
  void roundTrip() {
    byte[] bytes = random(5 * CHUNK + 123);
    String key = storage.newKey();
    long stored = onLoop(() -> storage.write(key, new BytesSource(loop, bytes)));
    assertThat(stored).isEqualTo(bytes.length);
    assertThat(count(GridFsStorage.CHUNKS)).isEqualTo(6);

    assertThat(readAll(storage.read(key, 0, bytes.length)).getBytes()).isEqualTo(bytes);
    long from = CHUNK - 10;
    int length = 2 * CHUNK + 20;
    assertThat(readAll(storage.read(key, from, length)).getBytes())
        .isEqualTo(java.util.Arrays.copyOfRange(bytes, (int) from, (int) from + length));
    assertThat(readAll(storage.read(key, bytes.length - 1, 1)).getBytes()).containsExactly(bytes[bytes.length - 1]);
  }

  @Test
  @DisplayName("writes standard GridFS: vertx-mongo-client's own GridFS client reads the object")
  void standardLayout() {
    byte[] bytes = random(3 * CHUNK + 7);
    String key = storage.newKey();
    onLoop(() -> storage.write(key, new BytesSource(loop, bytes)));
    MongoGridFsClient gridFs = Await.result(mongo.createDefaultGridFsBucketService());
    assertThat(readAll(gridFs.readById(key)).getBytes()).isEqualTo(bytes);
    assertThat(Await.result(gridFs.findAllIds())).containsExactly(key);
  }

  @Test
  @DisplayName("keeps nothing of a stream that fails midway")
  void failedWriteLeavesNothing() {
    byte[] bytes = random(8 * CHUNK);
    Throwable failure = Await.failure(Future.<Long>future(p -> loop.runOnContext(x ->
        storage.write(storage.newKey(), new BytesSource(loop, bytes, 5 * CHUNK + 100)).onComplete(p))));
    assertThat(failure).hasMessageContaining("failed after");
    assertThat(count(GridFsStorage.CHUNKS)).isZero();
    assertThat(count(GridFsStorage.FILES)).isZero();
  }

  @Test
  @DisplayName("deletes an object, and a delete of a missing one succeeds")
  void delete() {
    String kept = storage.newKey();
    String gone = storage.newKey();
    onLoop(() -> storage.write(kept, new BytesSource(loop, random(2 * CHUNK))));
    onLoop(() -> storage.write(gone, new BytesSource(loop, random(3 * CHUNK + 1))));
    onLoop(() -> storage.delete(gone));
    onLoop(() -> storage.delete(gone));
    assertThat(count(GridFsStorage.CHUNKS)).isEqualTo(2);
    assertThat(count(GridFsStorage.FILES)).isEqualTo(1);
    assertThat(readAll(storage.read(kept, 0, 2 * CHUNK)).length()).isEqualTo(2 * CHUNK);
  }

  @Test
  @DisplayName("stores an empty stream as an object of no chunks")
  void empty() {
    String key = storage.newKey();
    assertThat(onLoop(() -> storage.write(key, new BytesSource(loop, new byte[0])))).isZero();
    assertThat(readAll(storage.read(key, 0, 0)).length()).isZero();
  }
}

package io.chatplatform.history.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.history.FileInfo;
import io.chatplatform.contracts.history.HistoryApi.Append;
import io.chatplatform.contracts.history.HistoryApi.Appended;
import io.chatplatform.embeddedstore.EmbeddedMongo;
import io.chatplatform.history.HistoryConfig;
import io.chatplatform.history.storage.GridFsStorage;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What becomes of an upload: attached to a message for good, or deleted by the sweep once no
 * message owns it after ORPHAN_FILE_HOURS; and a send cut off between its steps, repaired by its
 * retry or by the sweep. On the embedded MongoDB-wire server, with the sweep's clock in the test's hand.
 */
@DisplayName("The life of a file")
class FileLifecycleTest {
  static final Duration ORPHAN_AGE = Duration.ofHours(24);
  static final String ROOM = "r_1";
  static final String ALICE = "u_alice";

  final Vertx vertx = Vertx.vertx();
  final EmbeddedMongo embedded = EmbeddedMongo.inMemory();
  final HistoryConfig config = HistoryConfig.from(Settings.of(Map.of("MONGO_URI", embedded.connectionString())));
  final MongoClient mongo = MongoClient.create(vertx, config.mongo().clientConfig());
  final Context loop = vertx.getOrCreateContext();
  final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  MessageStore messages;
  FileCatalog catalog;
  GridFsStorage storage;
  Attachments attachments;
  FileSweeper sweeper;

  @BeforeEach
  void wire() {
    onLoop(() -> {
      messages = new MessageStore(mongo, config, new SimpleMeterRegistry());
      catalog = new FileCatalog(mongo);
      storage = new GridFsStorage(mongo);
      attachments = new Attachments(catalog, messages);
      sweeper = new FileSweeper(catalog, messages, storage, ORPHAN_AGE, 100, now::get);
      return messages.createIndexes();
    });
  }

  @AfterEach
  void close() {
    Await.result(vertx.close());
    embedded.close();
  }

  <T> T onLoop(Supplier<Future<T>> work) {
    return Await.result(Future.<T>future(p -> loop.runOnContext(x -> work.get().onComplete(p))));
  }

  <T> Throwable failureOnLoop(Supplier<Future<T>> work) {
    return Await.failure(Future.<T>future(p -> loop.runOnContext(x -> work.get().onComplete(p))));
  }

  /** A ready file of Alice's in the room, uploaded now, with its bytes and, when asked, a thumbnail. */
  String upload(String fileId, boolean thumbnail) {
    return onLoop(() -> {
      String key = storage.newKey();
      String thumbnailKey = thumbnail ? storage.newKey() : null;
      return catalog.reserve(fileId, ROOM, ALICE, key, 100, now.get())
          .compose(x -> storage.write(key, Buffer.buffer("the bytes of " + fileId)))
          .compose(x -> thumbnail ? storage.write(thumbnailKey, Buffer.buffer("small")) : Future.succeededFuture(0L))
          .compose(x -> catalog.complete(new FileRecord(fileId, FileRecord.READY, ROOM, ALICE, fileId + ".png", 13, "image/png",
              thumbnail ? 10 : null, thumbnail ? 10 : null, key, thumbnailKey, thumbnail ? 5 : 0, thumbnail ? "image/png" : null,
              0, null, null)))
          .map(fileId);
    });
  }

  static Append send(String clientMsgId, Long replyTo, String... fileIds) {
    return new Append(ROOM, ALICE, clientMsgId, "", List.of(fileIds), replyTo, List.of(), 1);
  }

  FileRecord record(String fileId) {
    return onLoop(() -> catalog.find(fileId));
  }

  long stored(String collection) {
    return Await.result(mongo.count(collection, new JsonObject()));
  }

  @Test
  @DisplayName("an unattached file is deleted once ORPHAN_FILE_HOURS old, bytes and thumbnail with it; attached and younger files stay")
  void orphansAreSwept() {
    upload("f_old", true);
    upload("f_attached", false);
    now.addAndGet(Duration.ofHours(2).toMillis());
    upload("f_young", false);
    Appended sent = onLoop(() -> attachments.append(send("c1", null, "f_attached")));
    assertThat(sent.message().attachments()).extracting(FileInfo::fileId).containsExactly("f_attached");
    assertThat(onLoop(sweeper::sweep)).as("nothing is old enough yet").isZero();

    now.addAndGet(ORPHAN_AGE.toMillis() - Duration.ofHours(1).toMillis());
    assertThat(onLoop(sweeper::sweep)).isEqualTo(1);
    assertThat(record("f_old")).isNull();
    assertThat(record("f_attached").messageId()).isEqualTo(sent.message().messageId());
    assertThat(record("f_young")).isNotNull();
    assertThat(stored("fs.files")).as("the two kept files; the old one and its thumbnail are gone").isEqualTo(2);
    assertThat(stored("fs.chunks")).isEqualTo(2);
  }

  @Test
  @DisplayName("a send cut off after claiming its files is completed by its retry")
  void retryAfterClaim() {
    upload("f_1", false);
    onLoop(() -> attachments.claim(send("c1", null, "f_1")));
    assertThat(record("f_1").attachedTo()).isNotNull();
    assertThat(record("f_1").messageId()).isNull();

    Appended retried = onLoop(() -> attachments.append(send("c1", null, "f_1")));
    assertThat(retried.duplicate()).isFalse();
    assertThat(record("f_1").messageId()).isEqualTo(retried.message().messageId());
  }

  @Test
  @DisplayName("a send cut off after storing its message is confirmed by the sweep, never deleted")
  void sweepConfirmsStoredMessage() {
    upload("f_1", false);
    Append append = send("c1", null, "f_1");
    Appended stored = onLoop(() -> attachments.claim(append).compose(claim -> messages.append(append, claim.files())));
    assertThat(record("f_1").messageId()).as("not confirmed: the process died here").isNull();

    now.addAndGet(ORPHAN_AGE.toMillis() + 1);
    assertThat(onLoop(sweeper::sweep)).isZero();
    assertThat(record("f_1").messageId()).isEqualTo(stored.message().messageId());
  }

  @Test
  @DisplayName("a claim whose message was never stored is deleted once old; a refused send gives its claim back at once")
  void abandonedClaims() {
    upload("f_abandoned", false);
    upload("f_refused", false);
    onLoop(() -> attachments.claim(send("c1", null, "f_abandoned")));
    Throwable refused = failureOnLoop(() -> attachments.append(send("c2", 99L, "f_refused")));
    assertThat(refused).isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    assertThat(record("f_refused").attachedTo()).as("given back").isNull();
    assertThat(onLoop(() -> attachments.append(send("c3", null, "f_refused"))).message().attachments()).hasSize(1);

    now.addAndGet(ORPHAN_AGE.toMillis() + 1);
    assertThat(onLoop(sweeper::sweep)).isEqualTo(1);
    assertThat(record("f_abandoned")).isNull();
  }

  @Test
  @DisplayName("a file claimed after the sweep read it is not deleted: the claim wins")
  void claimWinsOverSweep() {
    upload("f_1", false);
    FileRecord seen = record("f_1");
    onLoop(() -> attachments.claim(send("c1", null, "f_1")));
    assertThat(onLoop(() -> catalog.markDeleting(seen))).isFalse();
    assertThat(record("f_1").state()).isEqualTo(FileRecord.READY);
  }

  @Test
  @DisplayName("the moderation hook deletes a message's files, bytes and all")
  void deleteFilesOfMessage() {
    upload("f_1", true);
    upload("f_2", false);
    Appended sent = onLoop(() -> attachments.append(send("c1", null, "f_1", "f_2")));
    assertThat(onLoop(() -> sweeper.deleteFilesOf(sent.message().messageId()))).isEqualTo(2);
    assertThat(record("f_1")).isNull();
    assertThat(stored("fs.files")).isZero();
    assertThat(stored("fs.chunks")).isZero();
  }
}

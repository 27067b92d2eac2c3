package io.chatplatform.history.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.history.HistoryApi.Append;
import io.chatplatform.contracts.history.HistoryApi.Appended;
import io.chatplatform.contracts.history.Message;
import io.chatplatform.embeddedstore.EmbeddedMongo;
import io.chatplatform.history.HistoryConfig;
import io.chatplatform.history.domain.RoomHistory.RoomSeq;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The message store against the MongoDB-wire server, through the real MongoDB client. */
@DisplayName("The message store")
class MessageStoreTest {
  final Vertx vertx = Vertx.vertx();
  final EmbeddedMongo embedded = EmbeddedMongo.inMemory();
  final HistoryConfig config = HistoryConfig.from(Settings.of(Map.of("MONGO_URI", embedded.connectionString())));
  final MongoClient mongo = MongoClient.create(vertx, config.mongo().clientConfig());
  /** The store is used on one event loop, as its verticle uses it. */
  final Context loop = vertx.getOrCreateContext();
  final MessageStore store = onLoop(() -> Future.succeededFuture(new MessageStore(mongo, config, new SimpleMeterRegistry())));

  @AfterEach
  void close() {
    Await.result(vertx.close());
    embedded.close();
  }

  <T> T onLoop(Supplier<Future<T>> work) {
    return Await.result(Future.<T>future(p -> loop.runOnContext(x -> work.get().onComplete(p))));
  }

  static Append message(String roomId, String clientMsgId) {
    return new Append(roomId, "u1", clientMsgId, "text " + clientMsgId, List.of(), null, List.of(), 1);
  }

  @Test
  @DisplayName("does not acknowledge a message whose room index could not be raised, and the resend repairs it")
  void failedHintIsNotAcknowledged() {
    onLoop(store::createIndexes);
    Appended first = onLoop(() -> store.append(message("room-a", "m1")));
    assertThat(first.message().seq()).isEqualTo(1);

    // A real write failure between the two writes of an append: the message insert succeeds,
    // the room's last-seq hint upsert hits a unique index (room-a already holds lastSeq 1).
    Await.result(mongo.createIndexWithOptions(
        MessageStore.ROOM_SEQS, new JsonObject().put("lastSeq", 1), new IndexOptions().unique(true).name("lastSeq_unique")));
    Future<Appended> failed = Future.future(p -> loop.runOnContext(x -> store.append(message("room-b", "m1")).onComplete(p)));
    Throwable refusal = Await.failure(failed);
    assertThat(refusal).isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));

    // The store recovers and the client resends: the stored message comes back and becomes visible.
    Await.result(mongo.dropIndex(MessageStore.ROOM_SEQS, "lastSeq_unique"));
    Appended resent = onLoop(() -> store.append(message("room-b", "m1")));
    assertThat(resent.duplicate()).isTrue();
    assertThat(resent.message().seq()).isEqualTo(1);
    assertThat(onLoop(() -> store.before("room-b", null, 10)).messages()).extracting(Message::clientMsgId).containsExactly("m1");
  }

  @Test
  @DisplayName("gives each room's sequence an epoch that pages return, and a new one when the store's history is lost")
  void epochChangesWhenHistoryIsLost() {
    onLoop(store::createIndexes);
    onLoop(() -> store.append(message("room-a", "m1")));
    String epoch = onLoop(() -> store.before("room-a", null, 10)).epoch();
    assertThat(epoch).isNotBlank();
    onLoop(() -> store.append(message("room-a", "m2")));
    assertThat(onLoop(() -> store.after("room-a", 0, 10)).epoch()).isEqualTo(epoch);

    // The store is reset (or restored from before the room existed): seqs start again at 1.
    Await.result(mongo.dropCollection(MessageStore.MESSAGES));
    Await.result(mongo.dropCollection(MessageStore.ROOM_SEQS));
    MessageStore fresh = onLoop(() -> Future.succeededFuture(new MessageStore(mongo, config, new SimpleMeterRegistry())));
    onLoop(fresh::createIndexes);
    assertThat(onLoop(() -> fresh.append(message("room-a", "m3"))).message().seq()).isEqualTo(1);
    String after = onLoop(() -> fresh.after("room-a", 0, 10)).epoch();
    assertThat(after).isNotBlank().isNotEqualTo(epoch);
  }

  @Test
  @DisplayName("reads the last seq and epoch of many rooms in one query, giving an epoch to a room stored before epochs; range reads a run of seqs")
  void roomSeqsAndRanges() {
    onLoop(store::createIndexes);
    for (String clientMsgId : List.of("m1", "m2", "m3")) {
      onLoop(() -> store.append(message("room-a", clientMsgId)));
    }
    onLoop(() -> store.append(message("room-b", "m1")));
    Await.result(mongo.updateCollection(MessageStore.ROOM_SEQS, new JsonObject().put("_id", "room-b"),
        new JsonObject().put("$unset", new JsonObject().put("epoch", ""))));

    Map<String, RoomSeq> seqs = onLoop(() -> store.roomSeqs(List.of("room-a", "room-b", "room-never")));
    assertThat(seqs.get("room-a").lastSeq()).isEqualTo(3);
    assertThat(seqs.get("room-a").epoch()).isEqualTo(onLoop(() -> store.after("room-a", 0, 1)).epoch());
    assertThat(seqs.get("room-b").lastSeq()).isEqualTo(1);
    assertThat(seqs.get("room-b").epoch()).as("given now, and kept").isNotBlank().isEqualTo(onLoop(() -> store.after("room-b", 0, 1)).epoch());
    assertThat(seqs).doesNotContainKey("room-never");

    assertThat(onLoop(() -> store.range("room-a", 2, 3))).extracting(Message::clientMsgId).containsExactly("m2", "m3");
    assertThat(onLoop(() -> store.range("room-a", 4, 3))).isEmpty();
  }
}

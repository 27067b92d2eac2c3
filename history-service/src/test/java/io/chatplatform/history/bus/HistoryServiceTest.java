package io.chatplatform.history.bus;

import io.chatplatform.history.HistoryConfig;
import io.chatplatform.history.store.MessageStore;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.embeddedstore.EmbeddedMongo;
import io.chatplatform.runtime.Operations;
import io.chatplatform.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * history-service over the event bus, on the MongoDB-wire server. Two verticle instances serve
 * the same addresses with separate caches, as two service instances would: the event bus
 * spreads requests over both, so they race for the same seq.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("history-service over the event bus")
class HistoryServiceTest {
  EmbeddedMongo mongo;
  final Operations operations = new Operations();

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    mongo = EmbeddedMongo.inMemory();
    HistoryConfig config = HistoryConfig.from(Settings.of(Map.of("MONGO_URI", mongo.connectionString())));
    vertx.deployVerticle(new HistoryVerticle(config, operations))
        .compose(x -> vertx.deployVerticle(new HistoryVerticle(config, operations)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stopMongo() {
    mongo.close();
  }

  static JsonObject message(String room, String sender, String clientMsgId) {
    return new JsonObject().put("roomId", room).put("senderId", sender).put("clientMsgId", clientMsgId).put("text", "t " + clientMsgId);
  }

  static Future<JsonObject> append(Vertx vertx, JsonObject message) {
    return vertx.eventBus().<JsonObject>request(Addresses.History.APPEND, message).map(Message::body);
  }

  @Test
  @DisplayName("a reply whose quote was made before its quoted message was deleted is stored with the quote deleted")
  void replyRacingADelete(Vertx vertx, VertxTestContext ctx) {
    JsonObject staleQuote = new JsonObject().put("seq", 1).put("senderId", "u1").put("excerpt", "t m1").put("deleted", false);
    append(vertx, message("room-q", "u1", "m1"))
        .compose(first -> vertx.eventBus().<JsonObject>request(Addresses.History.MESSAGE_CHANGE,
            new JsonObject().put("roomId", "room-q").put("seq", 1).put("delete", true).put("mentions", new JsonArray()).put("at", 5)))
        .compose(deleted -> append(vertx, message("room-q", "u2", "m2").put("replyTo", 1).put("quote", staleQuote)))
        .onComplete(ctx.succeeding(appended -> ctx.verify(() -> {
          assertThat(appended.getJsonObject("message").getJsonObject("quote"))
              .isEqualTo(staleQuote.copy().put("excerpt", "").put("deleted", true));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("answers unavailable, within the store timeouts, when MongoDB is gone; never internal")
  void storeDownIsUnavailable(Vertx vertx, VertxTestContext ctx) {
    append(vertx, message("room-a", "u1", "m1"))
        .compose(first -> {
          mongo.close();
          return append(vertx, message("room-a", "u1", "m2"));
        })
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertThat(e).isInstanceOf(ReplyException.class);
          assertThat(((ReplyException) e).failureCode()).isEqualTo(503);
          assertThat(e.getMessage()).startsWith("unavailable:");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("200 concurrent appends over two instances get seq 1..200 with no gap or duplicate")
  void concurrentAppendsAreGapFree(Vertx vertx, VertxTestContext ctx) {
    List<Future<JsonObject>> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add(append(vertx, message("room-a", "u" + (i % 7), "m" + i)));
    }
    Future.all(all).onComplete(ctx.succeeding(x -> ctx.verify(() -> {
      Set<Long> seqs = new TreeSet<>();
      all.forEach(f -> seqs.add(f.result().getJsonObject("message").getLong("seq")));
      assertThat(seqs).hasSize(200);
      assertThat(seqs).first().isEqualTo(1L);
      assertThat(seqs).last().isEqualTo(200L);
      assertThat(all).allMatch(f -> !f.result().getBoolean("duplicate"));
      // The two instances did race for seqs, so the retry path is what kept this gap-free.
      assertThat(operations.registry().counter(MessageStore.SEQ_CONFLICTS_METRIC).count()).isPositive();
      // Appends that queued up behind a write went out together.
      assertThat(operations.registry().summary("chat.history.append.batch.size").max()).isGreaterThan(1);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("appends to many rooms at once are written together, and each room counts 1..n on its own")
  void manyRoomsAreBatchedTogether(Vertx vertx, VertxTestContext ctx) {
    List<Future<JsonObject>> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add(append(vertx, message("multi-" + (i % 10), "u" + (i % 3), "n" + i)));
    }
    Future.all(all).onComplete(ctx.succeeding(x -> ctx.verify(() -> {
      Map<String, Set<Long>> seqsByRoom = new java.util.HashMap<>();
      all.forEach(f -> {
        JsonObject m = f.result().getJsonObject("message");
        seqsByRoom.computeIfAbsent(m.getString("roomId"), k -> new TreeSet<>()).add(m.getLong("seq"));
      });
      assertThat(seqsByRoom).hasSize(10);
      seqsByRoom.values().forEach(seqs -> assertThat(seqs).hasSize(20).first().isEqualTo(1L));
      seqsByRoom.values().forEach(seqs -> assertThat(seqs).last().isEqualTo(20L));
      assertThat(operations.registry().summary("chat.history.append.batch.size").max()).isGreaterThan(10);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("the same clientMsgId sent concurrently is stored once; every caller gets that message")
  void concurrentRetriesAreStoredOnce(Vertx vertx, VertxTestContext ctx) {
    List<Future<JsonObject>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(append(vertx, message("room-b", "alice", "same")));
    }
    all.add(append(vertx, message("room-b", "bob", "same")));
    Future.all(all)
        .compose(x -> vertx.eventBus().<JsonObject>request(Addresses.History.PAGE, new JsonObject().put("roomId", "room-b").put("limit", 100)))
        .onComplete(ctx.succeeding(page -> ctx.verify(() -> {
          Set<String> aliceIds = new TreeSet<>();
          all.subList(0, 20).forEach(f -> aliceIds.add(f.result().getJsonObject("message").getString("messageId")));
          assertThat(aliceIds).hasSize(1);
          assertThat(all.stream().filter(f -> !f.result().getBoolean("duplicate")).count()).isEqualTo(2);
          JsonArray stored = page.body().getJsonArray("messages");
          assertThat(stored).hasSize(2);
          assertThat(stored.getJsonObject(0).getLong("seq")).isEqualTo(1L);
          assertThat(stored.getJsonObject(1).getLong("seq")).isEqualTo(2L);
          assertThat(stored.getJsonObject(0).containsKey("clientKey")).isFalse();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("pages, sync and last seqs read back what was stored; replyTo must name an earlier message")
  void readsBack(Vertx vertx, VertxTestContext ctx) throws Exception {
    Future<JsonObject> chain = Future.succeededFuture();
    for (int i = 1; i <= 7; i++) {
      String id = "p" + i;
      chain = chain.compose(x -> append(vertx, message("room-c", "alice", id)));
    }
    chain
        .compose(x -> vertx.eventBus().<JsonObject>request(Addresses.History.PAGE, new JsonObject().put("roomId", "room-c").put("before", 4L).put("limit", 2)))
        .compose(before -> {
          ctx.verify(() -> {
            assertThat(seqs(before.body())).containsExactly(2L, 3L);
            assertThat(before.body().getBoolean("hasMore")).isTrue();
          });
          return vertx.eventBus().<JsonObject>request(Addresses.History.SYNC, new JsonObject().put("rooms", new JsonObject().put("room-c", 5).put("room-empty", 0)));
        })
        .compose(sync -> {
          ctx.verify(() -> {
            assertThat(seqs(sync.body().getJsonObject("rooms").getJsonObject("room-c"))).containsExactly(6L, 7L);
            assertThat(seqs(sync.body().getJsonObject("rooms").getJsonObject("room-empty"))).isEmpty();
          });
          return vertx.eventBus().<JsonObject>request(Addresses.History.ROOM_STATES, new JsonObject().put("roomIds", new JsonArray().add("room-c").add("room-empty")));
        })
        .compose(last -> {
          ctx.verify(() -> assertThat(last.body().getJsonObject("rooms")).isEqualTo(new JsonObject()
              .put("room-c", new JsonObject().put("lastSeq", 7L).put("unread", 0L))
              .put("room-empty", new JsonObject().put("lastSeq", 0L).put("unread", 0L))));
          return append(vertx, message("room-c", "alice", "bad-reply").put("replyTo", 8));
        })
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertThat(((ReplyException) e).failureCode()).isEqualTo(400);
          assertThat(e.getMessage()).startsWith("bad_request: replyTo");
          ctx.completeNow();
        })));
    assertThat(ctx.awaitCompletion(20, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  @DisplayName("past its queue limit an instance refuses appends at once with 503, and what it stores stays gap-free")
  void overloadIsRefusedNotQueued(Vertx vertx, VertxTestContext ctx) {
    HistoryConfig tight = HistoryConfig.from(Settings.of(Map.of(
        "MONGO_URI", mongo.connectionString(), "HISTORY_APPEND_QUEUE_MAX", "5", "HISTORY_APPEND_BATCH_MAX", "5")));
    Vertx isolated = Vertx.vertx();
    isolated.deployVerticle(new HistoryVerticle(tight, new Operations()))
        .compose(x -> {
          List<Future<JsonObject>> all = new ArrayList<>();
          for (int i = 0; i < 100; i++) {
            all.add(append(isolated, message("room-busy", "u", "b" + i)));
          }
          return Future.join(all).transform(done -> Future.succeededFuture(all));
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<Long> stored = all.stream().filter(Future::succeeded)
              .map(f -> f.result().getJsonObject("message").getLong("seq")).sorted().toList();
          List<Throwable> refused = all.stream().filter(Future::failed).map(Future::cause).toList();
          assertThat(refused).isNotEmpty().allSatisfy(e -> assertThat(((ReplyException) e).failureCode()).isEqualTo(503));
          assertThat(stored).isNotEmpty();
          for (int i = 0; i < stored.size(); i++) {
            assertThat(stored.get(i)).isEqualTo(i + 1L);
          }
          isolated.close().onComplete(x -> ctx.completeNow());
        })));
  }

  static List<Long> seqs(JsonObject page) {
    return page.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getLong("seq")).toList();
  }
}

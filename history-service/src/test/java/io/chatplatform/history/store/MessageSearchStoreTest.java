package io.chatplatform.history.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.history.HistoryApi.Append;
import io.chatplatform.contracts.history.HistoryApi.Change;
import io.chatplatform.contracts.history.Message;
import io.chatplatform.contracts.history.MessagePage;
import io.chatplatform.contracts.history.SearchPage;
import io.chatplatform.embeddedstore.EmbeddedMongo;
import io.chatplatform.history.HistoryConfig;
import io.chatplatform.history.domain.ReplyBudget;
import io.chatplatform.history.domain.SearchCursor;
import io.chatplatform.history.domain.SearchTerms;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Search terms, the search query and jumps to a message, against the MongoDB-wire server (the embedded store). */
@DisplayName("Searching stored messages")
class MessageSearchStoreTest {
  final Vertx vertx = Vertx.vertx();
  final EmbeddedMongo embedded = EmbeddedMongo.inMemory();
  final HistoryConfig config = HistoryConfig.from(Settings.of(Map.of("MONGO_URI", embedded.connectionString(), "SEARCH_BACKFILL_BATCH", "2")));
  final MongoClient mongo = MongoClient.create(vertx, config.mongo().clientConfig());
  final Context loop = vertx.getOrCreateContext();
  final MessageStore store = onLoop(() -> Future.succeededFuture(new MessageStore(mongo, config, new SimpleMeterRegistry())));
  long clock = 1_000;

  @BeforeEach
  void indexes() {
    onLoop(store::createIndexes);
  }

  @AfterEach
  void close() {
    Await.result(vertx.close());
    embedded.close();
  }

  <T> T onLoop(Supplier<Future<T>> work) {
    return Await.result(Future.<T>future(p -> loop.runOnContext(x -> work.get().onComplete(p))));
  }

  Message sent(String roomId, String text) {
    Append append = new Append(roomId, "u1", "c" + clock, text, List.of(), null, List.of(), clock++);
    return onLoop(() -> store.append(append)).message();
  }

  List<String> texts(String q, List<String> roomIds) {
    return onLoop(() -> store.search(roomIds, SearchTerms.query(q, 8, 200), null, 50)).stream().map(Message::text).toList();
  }

  JsonObject stored(Message message) {
    return Await.result(mongo.findOne(MessageStore.MESSAGES, new JsonObject().put("_id", message.roomId() + ":" + message.seq()), null));
  }

  @Test
  @DisplayName("a message is stored with its distinct words as terms; the terms never reach clients")
  void termsStored() {
    Message hello = sent("a", "Hello, WORLD! hello");
    assertThat(stored(hello).getJsonArray("terms")).containsExactly("hello", "world");
    assertThat(hello.write().containsKey("terms")).isFalse();
  }

  @Test
  @DisplayName("finds every word, whatever the case, only in the rooms given, newest first")
  void findsInGivenRooms() {
    sent("a", "the Quick brown fox");
    sent("b", "quick fox in room b");
    sent("c", "a QUICK fox elsewhere");
    sent("a", "slow fox");
    sent("a", "QUICK? FOX!");

    assertThat(texts("quick FOX", List.of("a", "b"))).containsExactly("QUICK? FOX!", "quick fox in room b", "the Quick brown fox");
    assertThat(texts("brown", List.of("b", "c"))).isEmpty();
    assertThat(texts("fox", List.of())).isEmpty();
  }

  @Test
  @DisplayName("an edit changes the terms (the old word no longer finds it, the new one does); a delete clears them")
  void followsEditsAndDeletes() {
    Message typo = sent("a", "meeting at teh office");
    onLoop(() -> store.change(Change.edit("a", typo.seq(), "meeting at the office", List.of(), 5)));
    assertThat(texts("teh", List.of("a"))).isEmpty();
    assertThat(texts("the office", List.of("a"))).containsExactly("meeting at the office");

    onLoop(() -> store.change(Change.deletion("a", typo.seq(), 6)));
    assertThat(texts("meeting", List.of("a"))).isEmpty();
    assertThat(stored(typo).getJsonArray("terms")).isEmpty();
  }

  @Test
  @DisplayName("pages newest first by the cursor of the last result; the reply is cut to its byte budget and says where to go on")
  void pages() {
    for (int i = 1; i <= 5; i++) {
      sent(i % 2 == 0 ? "a" : "b", "note number " + i);
    }
    List<Message> first = onLoop(() -> store.search(List.of("a", "b"), List.of("note"), null, 3));
    assertThat(first).extracting(Message::text).containsExactly("note number 5", "note number 4", "note number 3");
    SearchCursor cursor = SearchCursor.after(first.get(1));
    assertThat(onLoop(() -> store.search(List.of("a", "b"), List.of("note"), cursor, 10)))
        .extracting(Message::text).containsExactly("note number 3", "note number 2", "note number 1");

    // Four read for a page of three: a next cursor after the third.
    SearchPage page = ReplyBudget.fitSearch(onLoop(() -> store.search(List.of("a", "b"), List.of("note"), null, 4)), 3, 1024 * 1024);
    assertThat(page.messages()).hasSize(3);
    assertThat(page.next()).isEqualTo(SearchCursor.after(page.messages().get(2)).write());
    // The whole of what matched: no next.
    assertThat(ReplyBudget.fitSearch(onLoop(() -> store.search(List.of("a", "b"), List.of("note"), null, 6)), 5, 1024 * 1024).next()).isNull();
    // A budget of one message: the newest alone, and a next after it.
    int oneMessage = ReplyBudget.sizeOf(first.get(0)) + 80;
    SearchPage cut = ReplyBudget.fitSearch(first, 3, oneMessage);
    System.out.println("a search reply cut to " + oneMessage + " bytes holds " + cut.messages().size() + " message(s): "
        + cut.write().toBuffer().length() + " bytes");
    assertThat(cut.messages()).extracting(Message::text).containsExactly("note number 5");
    assertThat(cut.next()).isEqualTo(SearchCursor.after(first.get(0)).write());
  }

  @Test
  @DisplayName("messages stored before terms existed are indexed at start, in batches; tombstones get none")
  void backfill() {
    for (int i = 1; i <= 5; i++) {
      JsonObject old = new JsonObject().put("_id", "old:" + i).put("roomId", "old").put("seq", i).put("messageId", "m" + i)
          .put("senderId", "u1").put("clientMsgId", "k" + i).put("clientKey", "old\u001fu1\u001fk" + i).put("text", "Legacy text " + i).put("attachments", new JsonArray())
          .put("mentions", new JsonArray()).put("ts", i).put("deleted", false);
      if (i == 3) {
        old.remove("text");
        old.put("deleted", true);
      }
      Await.result(mongo.insert(MessageStore.MESSAGES, old));
    }
    assertThat(texts("legacy", List.of("old"))).isEmpty();

    long indexed = onLoop(store::backfillTerms);
    assertThat(indexed).isEqualTo(5);
    assertThat(texts("legacy", List.of("old"))).containsExactly("Legacy text 5", "Legacy text 4", "Legacy text 2", "Legacy text 1");
    assertThat(Await.result(mongo.findOne(MessageStore.MESSAGES, new JsonObject().put("_id", "old:3"), null)).getJsonArray("terms")).isEmpty();
    assertThat(onLoop(store::backfillTerms)).as("nothing left to index").isZero();

    // Done once: a later start does not look again (a message without terms now stays so: none is
    // stored that way since search exists).
    Await.result(mongo.insert(MessageStore.MESSAGES, new JsonObject().put("_id", "old:6").put("roomId", "old").put("seq", 6)
        .put("text", "Legacy text 6").put("ts", 6).put("deleted", false)));
    assertThat(onLoop(store::backfillTerms)).as("the backfill is noted done").isZero();
    assertThat(Await.result(mongo.findOne(MessageStore.MIGRATIONS, new JsonObject().put("_id", "search-terms"), null))).isNotNull();
  }

  @Test
  @DisplayName("around a seq: the message and up to N on each side, with cursors to page on; the ends have none; an unknown seq is not_found")
  void around() {
    for (int i = 1; i <= 10; i++) {
      sent("r", "message " + i);
    }
    MessagePage middle = ReplyBudget.fitAround(onLoop(() -> store.around("r", 5, 2)), 1024 * 1024);
    assertThat(middle.messages()).extracting(Message::seq).containsExactly(3L, 4L, 5L, 6L, 7L);
    assertThat(middle.around()).isEqualTo(new MessagePage.Around(5, 3L, 7L));
    assertThat(middle.hasMore()).isTrue();

    MessagePage start = ReplyBudget.fitAround(onLoop(() -> store.around("r", 1, 3)), 1024 * 1024);
    assertThat(start.messages()).extracting(Message::seq).containsExactly(1L, 2L, 3L, 4L);
    assertThat(start.around()).isEqualTo(new MessagePage.Around(1, null, 4L));

    MessagePage all = ReplyBudget.fitAround(onLoop(() -> store.around("r", 9, 50)), 1024 * 1024);
    assertThat(all.messages()).hasSize(10);
    assertThat(all.around()).isEqualTo(new MessagePage.Around(9, null, null));
    assertThat(all.hasMore()).isFalse();

    // A budget of about three messages: the target first, then its nearest neighbours, newer and older in turn.
    int threeMessages = 3 * (ReplyBudget.sizeOf(middle.messages().get(0)) + 1) + 120;
    MessagePage cut = ReplyBudget.fitAround(onLoop(() -> store.around("r", 5, 4)), threeMessages);
    System.out.println("a jump cut to " + threeMessages + " bytes holds seqs " + cut.messages().stream().map(Message::seq).toList());
    assertThat(cut.messages()).extracting(Message::seq).contains(5L).hasSizeBetween(1, 3);
    assertThat(cut.around().before()).isEqualTo(cut.messages().get(0).seq());
    assertThat(cut.around().after()).isEqualTo(cut.messages().get(cut.messages().size() - 1).seq());

    for (long missing : new long[] {0, 11}) {
      Throwable failure = Await.failure(Future.<MessagePage>future(p -> loop.runOnContext(x -> store.around("r", missing, 2).onComplete(p))));
      assertThat(failure).isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
  }
}

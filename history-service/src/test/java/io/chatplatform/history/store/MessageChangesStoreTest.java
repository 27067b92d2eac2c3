package io.chatplatform.history.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.history.HistoryApi.Append;
import io.chatplatform.contracts.history.HistoryApi.Change;
import io.chatplatform.contracts.history.HistoryApi.Changed;
import io.chatplatform.contracts.history.Message;
import io.chatplatform.history.HistoryConfig;
import io.chatplatform.history.domain.BudgetedSync;
import io.chatplatform.contracts.history.MessagePage.Changes;
import io.chatplatform.testsupport.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Edits and deletes in the message store, against the MongoDB-wire server. */
@DisplayName("Changing stored messages")
class MessageChangesStoreTest {
  final StoresOnMongo db = new StoresOnMongo();
  final HistoryConfig config = db.config;
  final MongoClient mongo = db.mongo;
  final Context loop = db.loop;
  final Context otherLoop = db.otherLoop;
  final MessageStore store = db.store;
  /** A second history-service instance on the same database. */
  final MessageStore other = db.other;

  @AfterEach
  void close() {
    db.close();
  }

  static <T> T onLoop(Context context, Supplier<Future<T>> work) {
    return StoresOnMongo.onLoop(context, work);
  }

  Message sent(String clientMsgId) {
    return onLoop(loop, () -> store.append(new Append("room", "u1", clientMsgId, "text " + clientMsgId, List.of(), null, List.of(), 1)))
        .message();
  }

  Changed change(Change change) {
    return onLoop(loop, () -> store.change(change));
  }

  static ErrorCode failure(Runnable action) {
    try {
      action.run();
    } catch (ServiceException e) {
      return e.code();
    }
    throw new AssertionError("no error");
  }

  @Test
  @DisplayName("an edit and a delete keep the seq, number the room's changes 1, 2, and a delete removes the text from the document")
  void editThenDelete() {
    onLoop(loop, store::createIndexes);
    Message first = sent("m1");
    sent("m2");
    Changed edited = change(Change.edit("room", first.seq(), "fixed", List.of(), 50));
    assertThat(edited.changed()).isTrue();
    assertThat(edited.message().seq()).isEqualTo(first.seq());
    assertThat(edited.message().text()).isEqualTo("fixed");
    assertThat(edited.message().editedAt()).isEqualTo(50);
    assertThat(edited.message().updatedSeq()).isEqualTo(1);

    assertThat(change(Change.edit("room", first.seq(), "fixed", List.of(), 60)).changed()).isFalse();

    Changed deleted = change(Change.deletion("room", 2, 70));
    assertThat(deleted.message().deleted()).isTrue();
    assertThat(deleted.message().deletedAt()).isEqualTo(70);
    assertThat(deleted.message().updatedSeq()).isEqualTo(2);
    JsonObject stored = onLoop(loop, () -> mongo.findOne(MessageStore.MESSAGES, new JsonObject().put("_id", "room:2"), null));
    assertThat(stored.containsKey("text")).isFalse();

    assertThat(change(Change.deletion("room", 2, 80))).isEqualTo(new Changed(deleted.message(), false));
    assertThat(failure(() -> change(Change.edit("room", 2, "back", List.of(), 90)))).isEqualTo(ErrorCode.GONE);
    assertThat(failure(() -> change(Change.deletion("room", 9, 90)))).isEqualTo(ErrorCode.NOT_FOUND);

    assertThat(onLoop(loop, () -> store.changedAfter("room", 0, 10))).extracting(Message::seq).containsExactly(1L, 2L);
    assertThat(onLoop(loop, () -> store.changedAfter("room", 1, 10))).extracting(Message::seq).containsExactly(2L);
    assertThat(onLoop(loop, () -> store.roomSeqs(List.of("room"))).get("room").updatedSeq()).isEqualTo(2);
  }

  @Test
  @DisplayName("concurrent edits by two instances never share an updatedSeq, and the message keeps the highest one's text")
  void concurrentEdits() {
    Message message = sent("m1");
    List<Future<Changed>> edits = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      int n = i;
      MessageStore instance = i % 2 == 0 ? store : other;
      Context context = i % 2 == 0 ? loop : otherLoop;
      edits.add(Future.future(p -> context.runOnContext(x ->
          instance.change(Change.edit("room", message.seq(), "edit " + n, List.of(), 100 + n)).onComplete(p))));
    }
    Await.result(Future.join(edits).otherwiseEmpty());
    Set<Long> numbers = new HashSet<>();
    long highest = 0;
    String highestText = null;
    for (Future<Changed> edit : edits) {
      if (edit.succeeded()) {
        long updatedSeq = edit.result().message().updatedSeq();
        if (edit.result().changed()) {
          assertThat(numbers.add(updatedSeq)).as("updatedSeq %s given twice", updatedSeq).isTrue();
        }
        if (updatedSeq > highest) {
          highest = updatedSeq;
          highestText = edit.result().message().text();
        }
      }
    }
    System.out.printf("10 concurrent edits: %d changed it, updatedSeqs %s%n", numbers.size(), numbers);
    Message now = onLoop(loop, () -> store.message("room", message.seq()));
    assertThat(now.updatedSeq()).isEqualTo(highest);
    assertThat(now.text()).isEqualTo(highestText);
  }

  @Test
  @DisplayName("sync answers changes only up to below a change still being written, so a held updatedSeq never passes it; an abandoned number expires after HISTORY_CHANGE_IN_FLIGHT_MAX_MS")
  void changesInFlightHoldSyncBack() {
    long[] now = {1_000_000};
    MessageStore clocked = onLoop(loop, () -> Future.succeededFuture(new MessageStore(mongo, config, new SimpleMeterRegistry(), () -> now[0])));
    BudgetedSync sync = new BudgetedSync(clocked, 100, 256 * 1024);
    onLoop(loop, clocked::createIndexes);
    sent("m1");
    Message second = sent("m2");

    // Another instance numbered a change of m1 and has not written it yet; m2's edit takes the next number and is written.
    long inFlight = onLoop(otherLoop, () -> other.allocateChange("room"));
    Changed edited = onLoop(loop, () -> clocked.change(Change.edit("room", second.seq(), "m2 fixed", List.of(), 7)));
    assertThat(edited.message().updatedSeq()).isEqualTo(inFlight + 1);

    Changes held = changes(sync, 0);
    System.out.println("with change " + inFlight + " in flight, sync from 0 answers " + held);
    assertThat(held.updatedSeq()).as("never past a change in flight").isEqualTo(inFlight - 1);
    assertThat(held.messages()).isEmpty();

    // That change lost its race (its number is never written): once settled, the sync brings m2's edit.
    onLoop(otherLoop, () -> other.settleChange("room", inFlight));
    Changes after = changes(sync, held.updatedSeq());
    assertThat(after.messages()).extracting(Message::text).containsExactly("m2 fixed");
    assertThat(after.updatedSeq()).isEqualTo(inFlight + 1);

    // An instance that died between numbering and writing: its number holds sync back until it expires.
    long abandoned = onLoop(loop, () -> clocked.allocateChange("room"));
    assertThat(changes(sync, after.updatedSeq()).updatedSeq()).isEqualTo(abandoned - 1);
    now[0] += config.changeInFlightMaxMs() + 1;
    assertThat(changes(sync, after.updatedSeq()).updatedSeq()).isEqualTo(abandoned);
    // The next change settled takes the expired entry away with its own.
    long next = onLoop(loop, () -> clocked.allocateChange("room"));
    onLoop(loop, () -> clocked.settleChange("room", next));
    JsonObject counter = Await.result(mongo.findOne(MessageStore.ROOM_SEQS, new JsonObject().put("_id", "room"), null));
    assertThat(counter.getJsonArray(MessageStore.IN_FLIGHT)).isEmpty();
  }

  Changes changes(BudgetedSync sync, long held) {
    return onLoop(loop, () -> sync.answer(Map.of("room", 2L), Map.of("room", held))).rooms().get("room").changes();
  }
}

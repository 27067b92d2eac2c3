package io.chatplatform.history.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.history.HistoryApi.Append;
import io.chatplatform.contracts.history.HistoryApi.Change;
import io.chatplatform.contracts.history.HistoryApi.Changed;
import io.chatplatform.contracts.history.HistoryApi.React;
import io.chatplatform.contracts.history.Message;
import io.chatplatform.contracts.history.Quote;
import io.chatplatform.history.HistoryConfig;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.ext.mongo.MongoClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Reactions and reply quotes in the message store, against the MongoDB-wire server (embedded-store). */
@DisplayName("Reactions and quotes in the store")
class ReactionsStoreTest {
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

  Message sent(String clientMsgId, Long replyTo, Quote quote) {
    return onLoop(loop, () -> store.append(new Append("room", "u1", clientMsgId, "text " + clientMsgId, List.of(), replyTo, List.of(), 1, quote)))
        .message();
  }

  static React react(long seq, String userId, String emoji, boolean on) {
    return new React("room", seq, userId, emoji, on, 20, 10);
  }

  @Test
  @DisplayName("twenty reactions from two instances at once: every one counted, each change its own updatedSeq")
  void concurrentReactions() {
    onLoop(loop, store::createIndexes);
    Message message = sent("m1", null, null);
    List<Future<Changed>> all = onLoop(loop, () -> {
      List<Future<Changed>> started = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        MessageStore instance = i % 2 == 0 ? store : other;
        started.add(instance.react(react(message.seq(), "u" + i, "👍", true)));
      }
      return Future.succeededFuture(started);
    });
    List<Changed> done = all.stream().map(Await::result).toList();
    assertThat(done).allMatch(Changed::changed);
    assertThat(done.stream().map(c -> c.message().updatedSeq()).distinct()).hasSize(20);
    Message now = onLoop(loop, () -> store.message("room", message.seq()));
    assertThat(now.reactions()).hasSize(1);
    assertThat(now.reactions().get(0).count()).isEqualTo(20);
    assertThat(now.reactions().get(0).userIds()).hasSize(10);
  }

  @Test
  @DisplayName("a delete empties the reactions; reacting to it is gone; the replies quoting it show it deleted, others untouched")
  void deleteBlanksReactionsAndQuotes() {
    onLoop(loop, store::createIndexes);
    Message quoted = sent("m1", null, null);
    onLoop(loop, () -> store.react(react(quoted.seq(), "u2", "🎉", true)));
    Message reply = sent("m2", quoted.seq(), new Quote(quoted.seq(), "u1", "text m1", false));
    Message other = sent("m3", null, null);
    Message otherReply = sent("m4", other.seq(), new Quote(other.seq(), "u1", "text m3", false));
    assertThat(reply.quote()).isEqualTo(new Quote(quoted.seq(), "u1", "text m1", false));

    Changed deleted = onLoop(loop, () -> store.change(Change.deletion("room", quoted.seq(), 9)));
    assertThat(deleted.message().reactions()).isEmpty();
    onLoop(loop, () -> store.blankQuotesOf("room", quoted.seq()));
    assertThat(onLoop(loop, () -> store.message("room", reply.seq())).quote()).isEqualTo(new Quote(quoted.seq(), "u1", "", true));
    assertThat(onLoop(loop, () -> store.message("room", otherReply.seq())).quote()).isEqualTo(otherReply.quote());
    try {
      onLoop(loop, () -> store.react(react(quoted.seq(), "u3", "🎉", true)));
      throw new AssertionError("no error");
    } catch (ServiceException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.GONE);
    }
  }
}

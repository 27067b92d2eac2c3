package io.chatplatform.history.domain;

import io.chatplatform.contracts.history.HistoryApi.SyncPages;
import io.chatplatform.contracts.history.Message;
import io.chatplatform.contracts.history.MessagePage;
import io.chatplatform.history.domain.RoomHistory.RoomSeq;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers one {@code chat.sync}: per room what came after the seq the client holds, at most
 * {@code pageSize} messages a room, and the whole reply at most {@code maxReplyBytes} of JSON
 * ({@link ReplyBudget}).
 *
 * <p>The rooms' last seqs come first, in one read, so a room with nothing new is answered at
 * once ({@code hasMore} false) and costs no further read. The rooms with new messages are then
 * read one after another, in the order asked, each in reads sized to what the budget still holds
 * ({@link ReplyBudget#messagesLikelyToFit}), and reading stops once the budget is spent: memory
 * holds the reply and one read, however many rooms and messages were asked for, and little is
 * read that the reply does not carry.
 * A room read only in part answers {@code hasMore} true; a room not reached answers
 * {@link #NOT_READ}, no messages and {@code hasMore} true, so the client can tell "nothing new"
 * from "not read yet" and asks again from the seq it holds.
 */
public final class BudgetedSync {
  /** The answer for a room the budget did not reach: ask again. */
  public static final MessagePage NOT_READ = new MessagePage(List.of(), true, null);

  private final RoomHistory history;
  private final int pageSize;
  private final long maxReplyBytes;

  public BudgetedSync(RoomHistory history, int pageSize, long maxReplyBytes) {
    this.history = history;
    this.pageSize = pageSize;
    this.maxReplyBytes = maxReplyBytes;
  }

  /** @param from room id → the highest seq the client holds, in the order to read them */
  public Future<SyncPages> answer(Map<String, Long> from) {
    List<String> roomIds = List.copyOf(from.keySet());
    return history.roomSeqs(roomIds).compose(seqs -> {
      Reply reply = new Reply();
      List<String> toRead = new ArrayList<>();
      for (String roomId : roomIds) {
        RoomSeq seq = seqs.getOrDefault(roomId, RoomSeq.EMPTY);
        if (seq.lastSeq() > from.get(roomId)) {
          reply.put(roomId, NOT_READ);
          toRead.add(roomId);
        } else {
          reply.put(roomId, new MessagePage(List.of(), false, seq.epoch()));
        }
      }
      return readInOrder(toRead, 0, from, seqs, reply).map(x -> new SyncPages(reply.pages));
    });
  }

  /** Reads {@code toRead} from {@code index} on, one room after another, until the budget is spent. */
  private Future<Void> readInOrder(List<String> toRead, int index, Map<String, Long> from, Map<String, RoomSeq> seqs, Reply reply) {
    if (index == toRead.size() || reply.budget.spent()) {
      return Future.succeededFuture();
    }
    String roomId = toRead.get(index);
    RoomSeq seq = seqs.get(roomId);
    long after = from.get(roomId);
    long upper = Math.min(seq.lastSeq(), after + pageSize);
    List<Message> taken = new ArrayList<>();
    reply.open(roomId, seq.epoch());
    return readRoom(roomId, after + 1, upper, taken, reply)
        .compose(cut -> {
          reply.pages.put(roomId, new MessagePage(taken, cut || upper < seq.lastSeq(), seq.epoch()));
          return readInOrder(toRead, index + 1, from, seqs, reply);
        });
  }

  /**
   * Reads the room from seq {@code next} to {@code upper} into {@code taken}, as much as fits.
   * @return whether messages were left out for the budget
   */
  private Future<Boolean> readRoom(String roomId, long next, long upper, List<Message> taken, Reply reply) {
    long last = Math.min(upper, next - 1 + reply.budget.messagesLikelyToFit());
    return history.range(roomId, next, last).compose(read -> {
      for (Message message : read) {
        if (!reply.budget.take(message)) {
          return Future.succeededFuture(true);
        }
        taken.add(message);
      }
      return last < upper ? readRoom(roomId, last + 1, upper, taken, reply) : Future.succeededFuture(false);
    });
  }

  /** The answer being built, and the bytes it takes: every room's entry counted from the start. */
  private final class Reply {
    final Map<String, MessagePage> pages = new LinkedHashMap<>();
    final ReplyBudget budget = new ReplyBudget(maxReplyBytes);

    Reply() {
      budget.reserve(ReplyBudget.sizeOf(new JsonObject().put("rooms", new JsonObject())));
    }

    void put(String roomId, MessagePage page) {
      pages.put(roomId, page);
      budget.reserve(entrySize(roomId, page));
    }

    /** A room about to be read: its entry grows from {@link #NOT_READ} to one with its epoch. */
    void open(String roomId, String epoch) {
      // hasMore false is the longer spelling: the entry is never undercounted.
      budget.reserve(entrySize(roomId, new MessagePage(List.of(), false, epoch)) - entrySize(roomId, NOT_READ));
    }

    /** {@code "roomId":{page},}: the entry without its messages. */
    private int entrySize(String roomId, MessagePage page) {
      return ReplyBudget.sizeOf(new JsonObject().put(roomId, page.write())) - 1;
    }
  }
}

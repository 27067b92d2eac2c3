package io.chatplatform.history.domain;

import io.chatplatform.contracts.history.HistoryApi.SyncPages;
import io.chatplatform.contracts.history.Message;
import io.chatplatform.contracts.history.MessagePage;
import io.chatplatform.contracts.history.MessagePage.Changes;
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
 *
 * <p>For the rooms named in {@code changes} (with the {@code updatedSeq} the client holds) the
 * entry also carries {@link Changes}: the messages edited or deleted since, as they are now,
 * ascending by {@code updatedSeq}, at most {@code pageSize} a room, read after every room's new
 * messages and out of the same budget. A room whose changes the budget did not reach answers
 * {@code changes} with none and {@code hasMore} true; one with none to give, with none and
 * {@code hasMore} false. Either way {@code changes.updatedSeq} is the room's current one.
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
    return answer(from, Map.of());
  }

  /**
   * @param from room id → the highest seq the client holds, in the order to read them
   * @param changesFrom room id (of {@code from}) → the {@code updatedSeq} the client holds
   */
  public Future<SyncPages> answer(Map<String, Long> from, Map<String, Long> changesFrom) {
    List<String> roomIds = List.copyOf(from.keySet());
    return history.roomSeqs(roomIds).compose(seqs -> {
      Reply reply = new Reply();
      List<String> toRead = new ArrayList<>();
      List<String> changesToRead = new ArrayList<>();
      for (String roomId : roomIds) {
        RoomSeq seq = seqs.getOrDefault(roomId, RoomSeq.EMPTY);
        MessagePage page;
        if (seq.lastSeq() > from.get(roomId)) {
          page = NOT_READ;
          toRead.add(roomId);
        } else {
          page = new MessagePage(List.of(), false, seq.epoch());
        }
        Long heldChanges = changesFrom.get(roomId);
        if (heldChanges != null) {
          boolean changed = seq.updatedSeq() > heldChanges;
          page = page.withChanges(new Changes(List.of(), changed, seq.updatedSeq()));
          if (changed) {
            changesToRead.add(roomId);
          }
        }
        reply.put(roomId, page);
      }
      return readInOrder(toRead, 0, from, seqs, reply)
          .compose(x -> readChangesInOrder(changesToRead, 0, changesFrom, reply))
          .map(x -> new SyncPages(reply.pages));
    });
  }

  /** Reads the changes of {@code toRead} from {@code index} on, one room after another, until the budget is spent. */
  private Future<Void> readChangesInOrder(List<String> toRead, int index, Map<String, Long> changesFrom, Reply reply) {
    if (index == toRead.size() || reply.budget.spent()) {
      return Future.succeededFuture();
    }
    String roomId = toRead.get(index);
    MessagePage page = reply.pages.get(roomId);
    long updatedSeq = page.changes().updatedSeq();
    reply.grow(roomId, page.withChanges(new Changes(List.of(), false, updatedSeq)));
    // One more than fits, to know whether more follow.
    int limit = (int) Math.min(pageSize, Math.max(1, reply.budget.messagesLikelyToFit()));
    return history.changedAfter(roomId, changesFrom.get(roomId), limit + 1).compose(read -> {
      List<Message> taken = new ArrayList<>();
      boolean cut = false;
      boolean unsettled = false;
      for (Message message : read.subList(0, Math.min(limit, read.size()))) {
        // Past the settled updatedSeq: changed again by a change still being written after a
        // lower one; it comes once that one is settled.
        if (message.updatedSeq() != null && message.updatedSeq() > updatedSeq) {
          unsettled = true;
          break;
        }
        if (!reply.budget.take(message)) {
          cut = true;
          break;
        }
        taken.add(message);
      }
      boolean more = cut || (!unsettled && read.size() > limit);
      reply.pages.put(roomId, page.withChanges(new Changes(taken, more, updatedSeq)));
      return readChangesInOrder(toRead, index + 1, changesFrom, reply);
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
    MessagePage notRead = reply.pages.get(roomId);
    // hasMore false is the longer spelling: the entry is never undercounted.
    reply.grow(roomId, new MessagePage(List.of(), false, seq.epoch(), notRead.changes()));
    return readRoom(roomId, after + 1, upper, taken, reply)
        .compose(cut -> {
          reply.pages.put(roomId, new MessagePage(taken, cut || upper < seq.lastSeq(), seq.epoch(), notRead.changes()));
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

    /** A room about to be read: its entry (without the messages yet) grows from what it is to {@code larger}. */
    void grow(String roomId, MessagePage larger) {
      budget.reserve(entrySize(roomId, larger) - entrySize(roomId, pages.get(roomId)));
    }

    /** {@code "roomId":{page},}: the entry without its messages. */
    private int entrySize(String roomId, MessagePage page) {
      return ReplyBudget.sizeOf(new JsonObject().put(roomId, page.write())) - 1;
    }
  }
}

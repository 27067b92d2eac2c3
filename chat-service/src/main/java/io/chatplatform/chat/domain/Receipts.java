package io.chatplatform.chat.domain;

import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.Receipt;
import io.chatplatform.contracts.history.HistoryApi.ListReceipts;
import io.chatplatform.contracts.history.HistoryApi.MarkReceipt;
import io.chatplatform.contracts.history.HistoryApi.ReceiptMarked;
import io.vertx.core.Future;
import io.chatplatform.contracts.history.HistoryApi.RoomMarks;

/**
 * Delivery and read receipts: members move their watermarks (history-service stores them, only
 * forward), and the room hears of each move. Membership is checked here, as for messages.
 */
public final class Receipts {
  public static final String DELIVERED = "delivered";
  public static final String READ = "read";

  private final Rooms rooms;
  private final HistoryClient history;
  private final ChatEvents events;
  private final ChatLimits limits;

  public Receipts(Rooms rooms, HistoryClient history, ChatEvents events, ChatLimits limits) {
    this.rooms = rooms;
    this.history = history;
    this.events = events;
    this.limits = limits;
  }

  /** Moves the caller's watermark; answers the caller's watermarks after the move. */
  public Future<ReceiptMarked> mark(Receipt receipt) {
    String caller = receipt.callerId();
    Long seq = receipt.seq();
    if (seq == null || seq < 1) {
      throw ServiceException.badRequest("seq must be a message's seq (1 or more)");
    }
    String kind = receipt.kind();
    if (!DELIVERED.equals(kind) && !READ.equals(kind)) {
      throw ServiceException.badRequest("kind must be delivered or read");
    }
    return rooms
        .memberRoom(receipt.roomId(), caller)
        .compose(room -> history.markReceipt(new MarkReceipt(room.roomId(), caller, seq, kind)).map(marked -> {
          if (marked.moved() != null) {
            announce(room, caller, marked.moved(), marked.seqOf(marked.moved()));
          }
          return marked;
        }));
  }

  /** Every member's watermarks. */
  public Future<RoomMarks> list(String caller, String roomId) {
    return rooms
        .memberRoom(roomId, caller)
        .compose(room -> history.listReceipts(new ListReceipts(roomId, room.memberIds())));
  }

  /**
   * The whole room hears of a moved watermark while it is small; in a larger room only the
   * reader's own devices do (to clear their unread badges), since every member reading every
   * message would otherwise cost members² deliveries.
   */
  private void announce(Room room, String userId, String kind, long seq) {
    events.receipt(room.roomId(), userId, kind, seq, room.members().size() <= limits.receiptEventsMaxMembers());
  }
}

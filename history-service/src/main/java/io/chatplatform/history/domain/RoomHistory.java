package io.chatplatform.history.domain;

import io.chatplatform.contracts.history.Message;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/** What {@link BudgetedSync} reads of the stored messages; MongoDB in production, a map in tests. */
public interface RoomHistory {
  /**
   * A room's last seq, the epoch of its sequence (null while the room has no message), and its
   * settled {@code updatedSeq}: the number of its last change (edit, delete, reaction; 0 before
   * the first) below every change still being written, so every change up to it is written or
   * never will be.
   */
  record RoomSeq(long lastSeq, String epoch, long updatedSeq) {
    public static final RoomSeq EMPTY = new RoomSeq(0, null, 0);

    public RoomSeq(long lastSeq, String epoch) {
      this(lastSeq, epoch, 0);
    }
  }

  /** The last seq and epoch of each room, in one read; rooms without messages may be missing. */
  Future<Map<String, RoomSeq>> roomSeqs(List<String> roomIds);

  /** The room's messages from seq {@code lower} to {@code upper}, both included, ascending. */
  Future<List<Message>> range(String roomId, long lower, long upper);

  /** At most {@code limit} of the room's messages changed after {@code updatedSeq}, ascending by their {@code updatedSeq}. */
  Future<List<Message>> changedAfter(String roomId, long updatedSeq, int limit);
}

package io.chatplatform.notification.domain;

import io.chatplatform.contracts.notification.NotificationApi.NewMessage;
import java.util.Set;

/**
 * The notices of one room that arrived within one linger, merged as their one-by-one adds to the
 * room's batch would have been: by seq, not by arrival.
 *
 * @param firstSeq the lowest seq
 * @param lastSeq the highest seq; {@code lastSenderId} and {@code preview} are that message's
 * @param count how many distinct seqs (a seq announced twice counts once)
 * @param mentions every notice's mentioned users
 * @param due when the batch is due if these notices open it: the first notice's arrival plus {@code PUSH_DELAY_MS}
 */
public record RoomNotices(
    String roomId, long firstSeq, long lastSeq, String lastSenderId, String preview, int count, Set<String> mentions, long due) {
  public RoomNotices {
    mentions = Set.copyOf(mentions);
  }

  /** One notice on its own. */
  public static RoomNotices of(NewMessage m, String preview, long due) {
    return new RoomNotices(m.roomId(), m.seq(), m.seq(), m.senderId(), preview, 1, Set.copyOf(m.mentions()), due);
  }
}

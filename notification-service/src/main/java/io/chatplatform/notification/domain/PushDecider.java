package io.chatplatform.notification.domain;

import io.chatplatform.contracts.chat.ChatApi.PushRoom;
import io.chatplatform.notification.domain.Pending.RoomBatch;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who gets a push for a room's batch, in three steps, each narrowing the list before the next
 * look-up: not the last sender, not who has a delivered receipt covering the batch (history-service
 * names only the members below it, so members who are online and acknowledge cost nothing here);
 * then not who chose {@code none}, nor (in {@code mentions} mode) who is not mentioned; then not
 * who is in dnd.
 */
public final class PushDecider {
  private final PushPolicy policy;

  public PushDecider(PushPolicy policy) {
    this.policy = policy;
  }

  /** Of the members below the batch's last seq (userId → delivered watermark), all but the last sender. */
  public List<String> unacknowledged(RoomBatch batch, Map<String, Long> behind) {
    return behind.entrySet().stream()
        .filter(e -> !e.getKey().equals(batch.lastSenderId()))
        .filter(e -> e.getValue() < batch.lastSeq())
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /** Those whose mode for the room lets this batch through. */
  public List<String> wanted(RoomBatch batch, List<String> members, Map<String, String> modes) {
    return members.stream().filter(id -> switch (modes.getOrDefault(id, RoomModes.ALL)) {
      case RoomModes.NONE -> false;
      case RoomModes.MENTIONS -> batch.mentions().contains(id);
      default -> true;
    }).toList();
  }

  /** Those not in do-not-disturb. */
  public List<String> reachable(List<String> members, Set<String> inDoNotDisturb) {
    return members.stream().filter(id -> !inDoNotDisturb.contains(id)).toList();
  }

  /** The push {@code userId} gets: the messages past their delivered watermark, collapsed. */
  public PushMessage message(RoomBatch batch, PushRoom room, String userId, long delivered) {
    long uncovered = batch.lastSeq() - Math.max(delivered, batch.firstSeq() - 1);
    int count = (int) Math.max(1, Math.min(batch.count(), uncovered));
    boolean direct = "direct".equals(room.type());
    return new PushMessage(
        batch.roomId(),
        policy.idOnly() || direct ? "" : room.name(),
        batch.lastSeq(),
        count,
        policy.idOnly() ? "" : room.usernames().getOrDefault(batch.lastSenderId(), ""),
        policy.idOnly() ? null : batch.preview(),
        batch.roomId(),
        batch.mentions().contains(userId),
        null,
        policy.ttlSeconds());
  }
}

package io.chatplatform.notification.domain;

import java.util.List;
import java.util.Set;

/** Work the scheduler has claimed: a room's collapsed messages, or one member's retry. */
public sealed interface Pending {
  /** The record's id and the claim this instance holds on it. */
  String id();

  String claim();

  /**
   * The messages of one room since its last push decision.
   *
   * @param preview the last message's text, cut; null in id-only mode
   */
  record RoomBatch(
      String id, String claim, String roomId, long firstSeq, long lastSeq, int count, String lastSenderId,
      Set<String> mentions, String preview) implements Pending {
    public RoomBatch {
      mentions = Set.copyOf(mentions);
    }
  }

  /** A push to some of one member's devices that a push service asked to send again; {@code attempts} made so far. */
  record MemberRetry(String id, String claim, String userId, List<String> deviceIds, PushMessage message, int attempts)
      implements Pending {
    public MemberRetry {
      deviceIds = List.copyOf(deviceIds);
    }
  }
}

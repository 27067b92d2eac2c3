package io.chatplatform.notification.domain;

import io.vertx.core.Future;
import java.util.List;

/**
 * Pending pushes, durable (they survive a restart) and shared by every notification-service
 * instance: each record is handed to one claimer at a time.
 */
public interface PendingStore {
  /**
   * Adds a room's notices to its open batch, or opens one due at {@code notices.due()}: the
   * batch's last seq, sender and preview become those of the notices when their last seq is
   * higher, its count grows by theirs, their mentions join its own. How notices older than the
   * open batch's last seq count is the implementation's to say (see MongoPendingStore).
   */
  Future<Void> add(RoomNotices notices);

  /**
   * Claims one record that is due at {@code now} and not claimed (or whose claim expired): one
   * atomic update, so two instances never hold the same record. Its claim lasts {@code leaseMs};
   * a room batch stops being the room's open batch, so later messages open a new one. Null when none.
   */
  Future<Pending> claim(long now, long leaseMs);

  /** Deletes the record, if the claim is still ours. */
  Future<Void> done(Pending pending);

  /** Stores a member retry, due at {@code due}. */
  Future<Void> retry(String userId, List<String> deviceIds, PushMessage message, int attempts, long due);

  /** Whether {@code key} (a push to one device) was marked sent. */
  Future<Boolean> wasSent(String key);

  /** Marks {@code key} sent, kept for {@code keepMs}. */
  Future<Void> markSent(String key, long now, long keepMs);
}

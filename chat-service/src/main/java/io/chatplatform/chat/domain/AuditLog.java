package io.chatplatform.chat.domain;

import io.vertx.core.Future;
import java.util.List;

/**
 * The append-only record of acts of authority (role changes, moderation, deleting another's
 * message, admin acts). There is deliberately no update or delete here, nor anywhere an API
 * reaches: an entry, once appended, stays as written.
 *
 * <p>Entry ids sort in append order (the time, then a random tail), so a page is "the
 * {@code limit} newest entries matching the filter with an id below {@code before}".
 */
public interface AuditLog {
  /** Stores the entry under a new id; answers the stored entry. */
  Future<AuditEntry> append(AuditEntry entry);

  /** Entries matching every non-null field of {@code filter}, newest first, at most {@code limit}. */
  Future<List<AuditEntry>> find(Filter filter, int limit);

  /**
   * What a listing asks for; a null field does not filter.
   *
   * @param from first instant included (epoch ms)
   * @param to last instant excluded (epoch ms)
   * @param before only entries whose id sorts below this one (the previous page's last id)
   */
  record Filter(String actorId, String targetUserId, String roomId, String action, Long from, Long to, String before) {
    public static Filter all() {
      return new Filter(null, null, null, null, null, null, null);
    }
  }
}

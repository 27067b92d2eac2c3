package io.chatplatform.history.domain;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * Each room's members ordered by their delivered watermark, so that "who is below seq S" costs
 * the members below S, not the room's size: the push decision's first question, asked for every
 * batch of every room (issue 14: it must cost nothing per member who is online and acknowledges).
 *
 * <p>A cache of the receipts in MongoDB, never the truth. Built whole for one membership
 * {@code version} of the room; a membership change makes it out of date, and the next decision
 * rebuilds it. Between builds each delivered receipt raises its member's entry. Raises can be
 * lost (a failed write, a raise racing a rebuild): an entry is then too low, never too high, so
 * the index can name a member who is in fact up to date, never hide one who is behind. The
 * caller checks the named ones against MongoDB.
 */
public interface DeliveredIndex {
  /** Raises {@code userId}'s entry to {@code delivered} if the room's index has them lower; else nothing. */
  Future<Void> raise(String roomId, String userId, long delivered);

  /** The members whose entry is below {@code seq}; null when the index was not built at {@code version}. */
  Future<List<String>> below(String roomId, long seq, long version);

  /** Replaces the room's index by these members' watermarks, built at {@code version}. */
  Future<Void> rebuild(String roomId, long version, Map<String, Long> delivered);
}

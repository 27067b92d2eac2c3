package io.chatplatform.history.domain;

import io.chatplatform.contracts.history.HistoryApi.Behind;
import io.chatplatform.contracts.history.HistoryApi.BehindQuery;
import io.chatplatform.contracts.history.HistoryApi.MemberMarks;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers "who in this room has not acknowledged up to seq", the push decision's question, from
 * the {@link DeliveredIndex} and then MongoDB for the members it names only. Members who are up
 * to date cost nothing here: the index does not name them, and MongoDB is not asked about them.
 *
 * <p>When the index was built at another membership version (or is gone, or does not answer),
 * the answer is {@link Behind#OUT_OF_DATE}; the caller sends the members, and every member's
 * watermark is read once to rebuild the index. A rebuild that fails is logged and the answer
 * still given from MongoDB: the index is a cache.
 */
public final class BehindMembers {
  private static final Logger LOG = LoggerFactory.getLogger(BehindMembers.class);

  /** The receipts as MongoDB holds them, one per user asked, in that order (zeros for a user with none). */
  public interface Watermarks {
    Future<List<MemberMarks>> of(String roomId, List<String> userIds);
  }

  private final DeliveredIndex index;
  private final Watermarks watermarks;

  public BehindMembers(DeliveredIndex index, Watermarks watermarks) {
    this.index = index;
    this.watermarks = watermarks;
  }

  public Future<Behind> find(BehindQuery query) {
    if (!query.memberIds().isEmpty()) {
      return rebuild(query);
    }
    if (query.version() <= 0) {
      return Future.succeededFuture(Behind.OUT_OF_DATE);
    }
    return index.below(query.roomId(), query.seq(), query.version())
        .recover(e -> {
          LOG.warn("the delivered index of a room did not answer ({}): the decision reads every member", e.getMessage());
          return Future.succeededFuture(null);
        })
        .compose(candidates -> {
          if (candidates == null) {
            return Future.succeededFuture(Behind.OUT_OF_DATE);
          }
          if (candidates.isEmpty()) {
            return Future.succeededFuture(new Behind(true, List.of()));
          }
          return watermarks.of(query.roomId(), candidates).map(marks -> new Behind(true, below(marks, query.seq())));
        });
  }

  private Future<Behind> rebuild(BehindQuery query) {
    return watermarks.of(query.roomId(), query.memberIds()).compose(marks -> {
      Map<String, Long> delivered = new HashMap<>();
      marks.forEach(m -> delivered.put(m.userId(), m.delivered()));
      Future<Void> rebuilt = query.version() <= 0
          ? Future.succeededFuture()
          : index.rebuild(query.roomId(), query.version(), delivered).recover(e -> {
            LOG.warn("the delivered index of a room could not be rebuilt ({}): the next decision reads every member again", e.getMessage());
            return Future.succeededFuture();
          });
      return rebuilt.map(x -> new Behind(true, below(marks, query.seq())));
    });
  }

  private static List<MemberMarks> below(List<MemberMarks> marks, long seq) {
    return marks.stream().filter(m -> m.delivered() < seq).toList();
  }
}

package io.chatplatform.notification.domain;

import io.chatplatform.contracts.notification.NotificationApi.NewMessage;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers the message notices of each room in memory and writes them as one {@link RoomNotices}
 * per room: one store write per room per linger instead of one per message, which was most of
 * notification-service's cost per message. The caller runs the linger: it calls {@link #flush}
 * {@code lingerMs} after a notice found the buffer {@link #isEmpty empty}, and when it stops.
 *
 * <p>What waits here is lost if the process dies: at most {@code lingerMs} of notices, as a
 * notice sent while no notification-service runs is. Not thread-safe: one event loop calls it.
 */
public final class NoticeBuffer {
  private static final Logger LOG = LoggerFactory.getLogger(NoticeBuffer.class);

  /** One room's notices so far: only the last message's text is kept, for its preview. */
  private static final class Gathered {
    final long due;
    final Set<Long> seqs = new HashSet<>();
    final Set<String> mentions = new HashSet<>();
    long firstSeq = Long.MAX_VALUE;
    NewMessage last;

    Gathered(long due) {
      this.due = due;
    }

    void add(NewMessage m) {
      if (!seqs.add(m.seq())) {
        return;
      }
      firstSeq = Math.min(firstSeq, m.seq());
      if (last == null || m.seq() > last.seq()) {
        last = m;
      }
      mentions.addAll(m.mentions());
    }
  }

  private final PendingStore store;
  private final PushPolicy policy;
  private final long lingerMs;
  private final int maxRooms;
  private final LongSupplier clock;
  private final IntConsumer unwritten;
  private Map<String, Gathered> waiting = new HashMap<>();

  /**
   * @param lingerMs how long the caller lets notices gather ({@code PUSH_NOTICE_LINGER_MS}); 0 writes each at once
   * @param maxRooms when this many rooms wait, all are written at once ({@code PUSH_NOTICE_BUFFER_MAX_ROOMS})
   * @param unwritten told how many notices a failed write lost
   */
  public NoticeBuffer(PendingStore store, PushPolicy policy, long lingerMs, int maxRooms, LongSupplier clock, IntConsumer unwritten) {
    this.store = store;
    this.policy = policy;
    this.lingerMs = lingerMs;
    this.maxRooms = maxRooms;
    this.clock = clock;
    this.unwritten = unwritten;
  }

  /**
   * Takes a stored message's notice. Answers the write when it happens now (linger 0, or the
   * room bound reached); else it waits for {@link #flush}.
   */
  public Future<Void> add(NewMessage m) {
    waiting.computeIfAbsent(m.roomId(), room -> new Gathered(clock.getAsLong() + policy.delayMs())).add(m);
    return lingerMs == 0 || waiting.size() >= maxRooms ? flush() : Future.succeededFuture();
  }

  /** Whether no notice waits: the next one starts a linger. */
  public boolean isEmpty() {
    return waiting.isEmpty();
  }

  /** How many rooms' notices wait. */
  public int rooms() {
    return waiting.size();
  }

  /**
   * Writes every waiting room, one store write each. Always succeeds once all are done: a failed
   * write is logged (room, how many notices) and counted, and its notices are not kept, so a
   * store that does not answer cannot make the buffer grow.
   */
  public Future<Void> flush() {
    if (waiting.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<String, Gathered> due = waiting;
    waiting = new HashMap<>();
    List<Future<Void>> writes = new ArrayList<>(due.size());
    due.forEach((roomId, g) -> {
      RoomNotices notices = new RoomNotices(
          roomId, g.firstSeq, g.last.seq(), g.last.senderId(), policy.preview(g.last.text()), g.seqs.size(), g.mentions, g.due);
      writes.add(store.add(notices).recover(e -> {
        LOG.warn("{} message notices of room {} not queued for push: {}", notices.count(), roomId, e.getMessage());
        unwritten.accept(notices.count());
        return Future.succeededFuture();
      }));
    });
    return Future.join(writes).mapEmpty();
  }
}

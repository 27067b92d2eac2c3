package io.chatplatform.notification.domain;

import io.chatplatform.notification.domain.Pending.MemberRetry;
import io.chatplatform.notification.domain.Pending.RoomBatch;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** {@link PendingStore} in memory, with the same rules as the MongoDB one (claims synchronized, so atomic). */
final class MemoryPendingStore implements PendingStore {
  private static final class Row {
    String id;
    String openRoom;
    long due;
    long claimUntil;
    String claim;
    Pending value;
  }

  private final Map<String, Row> rows = new LinkedHashMap<>();
  private final Map<String, Long> sent = new HashMap<>();

  /** Every add, in order: the store writes a test counts. */
  final List<RoomNotices> writes = new ArrayList<>();

  /** Rooms whose adds fail, as a store that does not answer would. */
  final Set<String> failingRooms = new HashSet<>();

  @Override
  public synchronized Future<Void> add(RoomNotices n) {
    if (failingRooms.contains(n.roomId())) {
      return Future.failedFuture("the store did not answer");
    }
    writes.add(n);
    Row open = rows.values().stream().filter(r -> n.roomId().equals(r.openRoom)).findFirst().orElse(null);
    if (open == null) {
      Row row = new Row();
      row.id = UUID.randomUUID().toString();
      row.openRoom = n.roomId();
      row.due = n.due();
      row.value = new RoomBatch(row.id, null, n.roomId(), n.firstSeq(), n.lastSeq(), n.count(), n.lastSenderId(), n.mentions(), n.preview());
      rows.put(row.id, row);
      return Future.succeededFuture();
    }
    // As MongoPendingStore: notices past the batch's last seq move it on; older ones only add their
    // count, mentions and first seq.
    RoomBatch b = (RoomBatch) open.value;
    Set<String> mentions = new LinkedHashSet<>(b.mentions());
    mentions.addAll(n.mentions());
    long firstSeq = Math.min(b.firstSeq(), n.firstSeq());
    open.value = n.lastSeq() > b.lastSeq()
        ? new RoomBatch(b.id(), null, b.roomId(), firstSeq, n.lastSeq(), b.count() + n.count(), n.lastSenderId(), mentions, n.preview())
        : new RoomBatch(b.id(), null, b.roomId(), firstSeq, b.lastSeq(), b.count() + n.count(), b.lastSenderId(), mentions, b.preview());
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Pending> claim(long now, long leaseMs) {
    for (Row row : rows.values()) {
      if (row.due <= now && row.claimUntil <= now) {
        row.claimUntil = now + leaseMs;
        row.claim = UUID.randomUUID().toString();
        row.openRoom = null;
        return Future.succeededFuture(withClaim(row.value, row.claim));
      }
    }
    return Future.succeededFuture(null);
  }

  private static Pending withClaim(Pending p, String claim) {
    return p instanceof RoomBatch b
        ? new RoomBatch(b.id(), claim, b.roomId(), b.firstSeq(), b.lastSeq(), b.count(), b.lastSenderId(), b.mentions(), b.preview())
        : new MemberRetry(p.id(), claim, ((MemberRetry) p).userId(), ((MemberRetry) p).deviceIds(), ((MemberRetry) p).message(),
            ((MemberRetry) p).attempts());
  }

  @Override
  public synchronized Future<Void> done(Pending pending) {
    Row row = rows.get(pending.id());
    if (row != null && pending.claim().equals(row.claim)) {
      rows.remove(pending.id());
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> retry(String userId, List<String> deviceIds, PushMessage message, int attempts, long due) {
    Row row = new Row();
    row.id = UUID.randomUUID().toString();
    row.due = due;
    row.value = new MemberRetry(row.id, null, userId, deviceIds, message, attempts);
    rows.put(row.id, row);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Boolean> wasSent(String key) {
    return Future.succeededFuture(sent.containsKey(key));
  }

  @Override
  public synchronized Future<Void> markSent(String key, long now, long keepMs) {
    sent.put(key, now + keepMs);
    return Future.succeededFuture();
  }

  synchronized List<Long> dues() {
    return rows.values().stream().map(r -> r.due).toList();
  }

  synchronized int size() {
    return rows.size();
  }
}

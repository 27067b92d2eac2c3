package io.chatplatform.chat.domain;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * {@link AuditLog} in memory, with {@code MongoAuditLog}'s ordering: ids sort in append order
 * (the time, then a counter where MongoDB has a random tail), a listing is newest first.
 */
final class MemoryAuditLog implements AuditLog {
  final List<AuditEntry> entries = new ArrayList<>();
  /** When set, every append fails with it: an audit store that is down. */
  RuntimeException failure;

  @Override
  public Future<AuditEntry> append(AuditEntry entry) {
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    AuditEntry stored = entry.withId(String.format("%013d%08d", entry.at(), entries.size()));
    entries.add(stored);
    return Future.succeededFuture(stored);
  }

  @Override
  public Future<List<AuditEntry>> find(Filter filter, int limit) {
    return Future.succeededFuture(entries.stream()
        .filter(e -> filter.actorId() == null || filter.actorId().equals(e.actorId()))
        .filter(e -> filter.targetUserId() == null || filter.targetUserId().equals(e.targetUserId()))
        .filter(e -> filter.roomId() == null || filter.roomId().equals(e.roomId()))
        .filter(e -> filter.action() == null || filter.action().equals(e.action()))
        .filter(e -> filter.from() == null || e.at() >= filter.from())
        .filter(e -> filter.to() == null || e.at() < filter.to())
        .filter(e -> filter.before() == null || e.id().compareTo(filter.before()) < 0)
        .sorted(Comparator.comparing(AuditEntry::id).reversed())
        .limit(limit)
        .toList());
  }

  /** The entries of one action, oldest first. */
  List<AuditEntry> of(String action) {
    return entries.stream().filter(e -> Objects.equals(action, e.action())).toList();
  }
}

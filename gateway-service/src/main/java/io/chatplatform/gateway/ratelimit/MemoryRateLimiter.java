package io.chatplatform.gateway.ratelimit;

import io.vertx.core.Future;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Buckets in this node's memory: exact for one gateway node (the embedded default). At most
 * {@code maxKeys} buckets are kept; the least recently used goes first, which can only make a
 * limit more lenient, never stricter. One instance serves every event loop of the gateway node
 * ({@code GATEWAY_EVENT_LOOPS}), so that a user whose sockets land on several loops draws from one
 * bucket: thread safe, each decision taken under the limiter's lock (a map look-up and a little
 * arithmetic, so the loops hardly wait for one another).
 */
public final class MemoryRateLimiter implements RateLimiter {
  private final LongSupplier clock;
  private final Map<String, Entry> buckets;

  private record Entry(Limit limit, TokenBucket bucket) {}

  public MemoryRateLimiter(int maxKeys, LongSupplier clock) {
    this.clock = clock;
    this.buckets = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > maxKeys;
      }
    };
  }

  @Override
  public synchronized Future<Decision> take(Limit limit, String key, int cost) {
    long now = clock.getAsLong();
    Entry entry = buckets.computeIfAbsent(limit.name() + ":" + key, k -> new Entry(limit, new TokenBucket(limit.burst(), now)));
    return Future.succeededFuture(entry.bucket().take(limit, cost, now));
  }

  /** Forgets buckets that have filled up again; called periodically. */
  public synchronized void evictFull() {
    long now = clock.getAsLong();
    for (Iterator<Entry> it = buckets.values().iterator(); it.hasNext(); ) {
      Entry entry = it.next();
      if (entry.bucket().fullAt(entry.limit(), now)) {
        it.remove();
      }
    }
  }

  synchronized int size() {
    return buckets.size();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}

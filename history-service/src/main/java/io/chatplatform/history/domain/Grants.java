package io.chatplatform.history.domain;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Single-use, short-lived permissions to use the files endpoint once, each bound to what it
 * allows ({@code T}: who uploads into which room and how much, or which file is read). A grant's
 * id is 32 random bytes; taking it removes it, so a second use finds nothing, and one older than
 * its lifetime is gone too. At most {@code max} are held: issuing one more first drops the
 * expired ones, then refuses {@code unavailable}.
 *
 * <p>Used on one event loop (the verticle's, which also serves the endpoint): no locking.
 */
public final class Grants<T> {
  private record Entry<T>(T binding, long expiresAt) {}

  private static final SecureRandom RANDOM = new SecureRandom();

  /** In issue order, so the expired ones are at the front. */
  private final Map<String, Entry<T>> live = new LinkedHashMap<>();
  private final long ttlMs;
  private final int max;
  private final LongSupplier clock;

  public Grants(long ttlMs, int max, LongSupplier clock) {
    this.ttlMs = ttlMs;
    this.max = max;
    this.clock = clock;
  }

  /** A new grant's id. */
  public String issue(T binding) {
    if (live.size() >= max) {
      dropExpired();
      if (live.size() >= max) {
        throw new ServiceException(ErrorCode.UNAVAILABLE, "too many file transfers are starting, try again");
      }
    }
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    live.put(id, new Entry<>(binding, clock.getAsLong() + ttlMs));
    return id;
  }

  /** What the grant allows, once; null for an unknown, used or expired id. */
  public T take(String id) {
    Entry<T> entry = id == null ? null : live.remove(id);
    return entry == null || entry.expiresAt() <= clock.getAsLong() ? null : entry.binding();
  }

  /** Grants held, expired ones included until they are dropped. */
  public int size() {
    return live.size();
  }

  /** Forgets the grants whose time is up. */
  public void dropExpired() {
    long now = clock.getAsLong();
    Iterator<Entry<T>> entries = live.values().iterator();
    while (entries.hasNext() && entries.next().expiresAt() <= now) {
      entries.remove();
    }
  }
}

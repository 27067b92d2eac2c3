package io.chatplatform.gateway.web;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Things open at once per key (connections per client address, uploads per user), one count for
 * every event loop of a Vert.x instance, so that a cap holds per gateway node, not per loop.
 *
 * <p>Thread safe: every loop calls it from its own thread.
 */
public final class OpenCounts implements Shareable {
  /** key → open now; absent at zero. */
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

  /** The counts named {@code name} of this Vert.x instance, created by the first caller. */
  public static OpenCounts shared(Vertx vertx, String name) {
    return vertx.sharedData().<String, OpenCounts>getLocalMap("gateway.open-counts").computeIfAbsent(name, k -> new OpenCounts());
  }

  /** Counts one more for {@code key}, unless it holds {@code max} already. @return whether it was counted */
  public boolean tryOpen(String key, int max) {
    boolean[] admitted = {false};
    open.compute(key, (k, n) -> {
      int current = n == null ? 0 : n;
      if (current >= max) {
        return n;
      }
      admitted[0] = true;
      return current + 1;
    });
    return admitted[0];
  }

  /** One counted by {@link #tryOpen} has ended. */
  public void closed(String key) {
    open.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }
}

package io.chatplatform.gateway;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the public servers of a gateway node's loops open until every loop has drained its
 * sockets. The loops share one port, and a session of SockJS's HTTP transports sends its requests
 * on whichever connection its client uses: a loop that closed its server as soon as its own
 * sockets were gone would cut the requests (a waiting poll) of sessions other loops are still
 * draining, before their {@code reconnect} and close reach the client; REST requests on its
 * connections would fail too.
 *
 * <p>Never hangs a stop: it opens once every loop has said it drained, or twice {@code DRAIN_TIMEOUT_MS}
 * (the longest one loop's drain may take, {@code GatewayConfig.longestLoopDrainMs})
 * after the drain began, whichever comes first (a loop that failed to start, or whose stop never
 * runs, never says so). Thread safe: each loop calls it from its own event loop.
 */
final class DrainBarrier {
  private static final Logger LOG = LoggerFactory.getLogger(DrainBarrier.class);
  private final int loops;
  private final long timeoutMs;
  private final AtomicBoolean begun = new AtomicBoolean();
  private final AtomicInteger drained = new AtomicInteger();
  private final CompletableFuture<Void> open = new CompletableFuture<>();

  /** For a node of {@code loops} loops, each of which calls {@link #drained} once. */
  DrainBarrier(int loops, long timeoutMs) {
    this.loops = loops;
    this.timeoutMs = timeoutMs;
  }

  /** The drain began: from now on the barrier opens within {@code timeoutMs}, whoever has drained. Idempotent. */
  void begin() {
    if (begun.compareAndSet(false, true)) {
      CompletableFuture.delayedExecutor(timeoutMs, TimeUnit.MILLISECONDS).execute(() -> {
        if (open.complete(null)) {
          LOG.warn("{} of {} event loops drained within twice DRAIN_TIMEOUT_MS ({} ms): their servers close now", drained.get(), loops, timeoutMs);
        }
      });
    }
  }

  /** One loop has drained its sockets; completes when the servers may close (on no particular thread). */
  CompletionStage<Void> drained() {
    begin();
    if (drained.incrementAndGet() >= loops) {
      open.complete(null);
    }
    return open;
  }
}

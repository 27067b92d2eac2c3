package io.chatplatform.presence;

import io.chatplatform.presence.domain.PresenceStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * presence-service's online gauge (docs/operations.md lists every meter; the tracker's
 * {@code chat.presence.*} counters are counted by {@code PresenceTracker}).
 */
public final class PresenceMetrics {
  /**
   * Gauge: the sockets presence's registry holds, on every gateway ({@link PresenceStore#sessionsOnline}):
   * cluster-wide, so each presence instance reports the same value (aggregate with {@code max}).
   */
  public static final String SESSIONS_ONLINE = "chat.presence.sessions.online";

  private static final Logger LOG = LoggerFactory.getLogger(PresenceMetrics.class);

  private final AtomicLong sessionsOnline = new AtomicLong();

  public PresenceMetrics(MeterRegistry registry) {
    Gauge old = registry.find(SESSIONS_ONLINE).gauge();
    if (old != null) {
      // A presence-service deployed again on the same node replaces its predecessor's gauge.
      registry.remove(old);
    }
    Gauge.builder(SESSIONS_ONLINE, sessionsOnline, AtomicLong::get)
        .description("Sockets registered in presence, on every gateway (read from the store periodically)")
        .strongReference(true)
        .register(registry);
  }

  /** Reads the count from the store (one call, costing one step per node); the gauge keeps its last value when it fails. */
  public void refresh(PresenceStore store) {
    store.sessionsOnline()
        .onSuccess(sessionsOnline::set)
        .onFailure(e -> LOG.debug("could not count the sessions online: {}", e.toString()));
  }
}

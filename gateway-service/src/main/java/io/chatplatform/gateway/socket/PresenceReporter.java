package io.chatplatform.gateway.socket;

import io.chatplatform.contracts.presence.PresenceApi;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.runtime.ServiceClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells presence-service about this node's sockets: one request when a socket opens, one when it
 * closes, and a heartbeat for the node every {@code PRESENCE_HEARTBEAT_MS}. If the node stops
 * (even killed), its heartbeats stop and presence-service drops its sockets after a TTL.
 *
 * <p>A close is reported only after its open was answered, so that two presence-service
 * instances cannot see them in the wrong order. When a heartbeat learns that presence-service
 * had given this node up for dead (a long pause, a partition), every open socket is reported
 * again. A report presence-service could not take (its store down or slow) is not lost: closes
 * and the opens of sockets still open are sent again after the next heartbeat that is answered,
 * so a user whose last socket closed during an outage is still shown offline after it.
 */
final class PresenceReporter {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceReporter.class);

  private final Vertx vertx;
  private final ServiceClient services;
  private final String nodeId;
  private final long heartbeatMs;
  private final Supplier<Collection<ClientSession>> sessions;
  /** Each open socket's report: completes when presence-service has answered it. */
  private final Map<ClientSession, Future<Void>> reported = new HashMap<>();
  /** Closes presence-service did not take, to report again (at most one per socket closed meanwhile). */
  private final Set<PresenceApi.Session> unreportedCloses = new LinkedHashSet<>();
  private boolean reachable = true;

  PresenceReporter(Vertx vertx, ServiceClient services, String nodeId, long heartbeatMs, Supplier<Collection<ClientSession>> sessions) {
    this.vertx = vertx;
    this.services = services;
    this.nodeId = nodeId;
    this.heartbeatMs = heartbeatMs;
    this.sessions = sessions;
  }

  String nodeId() {
    return nodeId;
  }

  void start() {
    vertx.setPeriodic(heartbeatMs, id -> heartbeat());
  }

  void opened(ClientSession session) {
    Future<Void> answered = services.request(PresenceApi.CONNECT, describe(session)).mapEmpty();
    reported.put(session, answered);
    answered.onComplete(this::noteReachability);
  }

  void closed(ClientSession session) {
    Future<Void> opened = reported.remove(session);
    if (opened == null) {
      return;
    }
    // Whether or not the open got through, the close follows it, never overtakes it.
    PresenceApi.Session closed = describe(session);
    opened.eventually(() -> reportClose(closed));
  }

  private Future<?> reportClose(PresenceApi.Session closed) {
    return services.request(PresenceApi.DISCONNECT, closed).onComplete(result -> {
      noteReachability(result);
      if (result.failed()) {
        unreportedCloses.add(closed);
      }
    });
  }

  /** After presence-service answered a heartbeat: what it could not take before, once more. */
  private void reportAgain() {
    List<PresenceApi.Session> closes = List.copyOf(unreportedCloses);
    unreportedCloses.clear();
    closes.forEach(this::reportClose);
    reported.entrySet().stream().filter(e -> e.getValue().failed()).map(Map.Entry::getKey).toList().forEach(this::opened);
  }

  private void heartbeat() {
    services
        .request(PresenceApi.HEARTBEAT, new PresenceApi.Heartbeat(nodeId))
        .onComplete(result -> {
          noteReachability(result);
          if (result.succeeded() && result.result().known()) {
            reportAgain();
          }
          if (result.succeeded() && !result.result().known()) {
            Collection<ClientSession> open = sessions.get();
            if (!open.isEmpty()) {
              LOG.warn("presence-service had given this node up; reporting its {} sockets again", open.size());
              open.forEach(this::opened);
            }
          }
        });
  }

  /** Logs when presence-service stops or starts answering, not at every failed request. */
  private void noteReachability(io.vertx.core.AsyncResult<?> result) {
    if (result.failed() && reachable) {
      reachable = false;
      LOG.warn("presence-service does not answer: {}", result.cause().getMessage());
    } else if (result.succeeded() && !reachable) {
      reachable = true;
      LOG.info("presence-service answers again");
    }
  }

  private PresenceApi.Session describe(ClientSession session) {
    return new PresenceApi.Session(session.userId(), session.sessionId(), nodeId, session.device());
  }
}

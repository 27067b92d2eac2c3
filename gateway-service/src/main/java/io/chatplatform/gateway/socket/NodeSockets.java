package io.chatplatform.gateway.socket;

import io.chatplatform.gateway.GatewayConfig;
import io.chatplatform.gateway.web.OpenCounts;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the gateway's event loops on one node ({@code GATEWAY_EVENT_LOOPS}) share about sockets.
 * Each loop keeps its sockets, timers and fan-out index to itself; what is per user or per SockJS
 * session must not split with them:
 *
 * <ul>
 *   <li>the sockets per user, so that {@code MAX_SOCKETS_PER_USER} is a cap per node, not per loop
 *       (a user whose connections land on N loops would otherwise hold N times as many);
 *   <li>the bindings of SockJS's HTTP sessions ({@link SockJsSessionBindings}): vertx-web keeps its
 *       sessions in one map per Vert.x instance, so a session opened on one loop may get its later
 *       requests (another connection) on another, where its binding must be checked all the same.
 * </ul>
 *
 * <p>Thread safe: every loop calls it from its own thread.
 */
public final class NodeSockets {
  private final GatewayConfig config;
  /** Sockets of each user on this node, being set up included. */
  private final OpenCounts perUser = new OpenCounts();
  /** One set of bindings per socket prefix, as vertx-web's sessions are one map per Vert.x instance. */
  private final ConcurrentHashMap<String, SockJsSessionBindings> bindings = new ConcurrentHashMap<>();

  public NodeSockets(GatewayConfig config) {
    this.config = config;
  }

  /** Counts one more socket of the user, unless they hold {@code MAX_SOCKETS_PER_USER} on this node already. */
  boolean tryOpen(String userId) {
    return perUser.tryOpen(userId, config.maxSocketsPerUser());
  }

  /** One socket counted by {@link #tryOpen} has ended. */
  void closed(String userId) {
    perUser.closed(userId);
  }

  /** The bindings of the SockJS sessions served under {@code prefix}, the same for every loop. */
  SockJsSessionBindings sockJsBindings(String prefix) {
    return bindings.computeIfAbsent(prefix,
        p -> new SockJsSessionBindings(p, config.sockJsSessionBindAddress(), config.edge().clientAddresses()));
  }

  /** Sessions of SockJS's HTTP transports bound on this node. */
  public int sockJsSessionBindings() {
    return bindings.values().stream().mapToInt(SockJsSessionBindings::size).sum();
  }
}

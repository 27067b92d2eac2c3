package io.chatplatform.gateway.socket;

import io.chatplatform.contracts.chat.ChatApi;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ClientEvents;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.gateway.GatewayConfig;
import io.chatplatform.gateway.GatewayMetrics;
import io.chatplatform.runtime.ServiceClient;
import io.chatplatform.gateway.auth.Caller;
import io.chatplatform.gateway.web.ClientDrops;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every socket of this node from its handshake to its close, and the timers that end one: its
 * token's expiry (4403, moved by each {@code auth.renew}) and the idle sweep (4408); with them the node's bookkeeping, the room
 * index ({@link LocalFanout}) and the reports to presence-service ({@link PresenceReporter}).
 *
 * <p>A socket is indexed before it may speak: its session is known to {@link LocalFanout} before
 * its rooms are read (so a room it joins meanwhile is not missed), and its frames are read only
 * once its room subscriptions are active (so a {@code chat.sync} right after connecting cannot
 * race the subscriptions). Runs on the gateway's event loop only.
 */
final class SessionRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);
  private static final long NO_TIMER = -1;

  private final Vertx vertx;
  private final GatewayConfig config;
  private final ServiceClient services;
  private final LocalFanout fanout;
  private final PresenceReporter presence;
  private final GatewayMetrics metrics;
  /** Every session, started or being set up, with its expiry timer ({@link #NO_TIMER} until it starts). */
  private final Map<ClientSession, Long> sessions = new HashMap<>();
  /** The sockets per user on the whole node, every event loop's counted. */
  private final NodeSockets node;
  /** Set by {@link #drain}: new channels are turned away, and the last session to end completes {@link #allEnded}. */
  private boolean draining;
  private final Promise<Void> allEnded = Promise.promise();
  private long idleSweep = NO_TIMER;

  SessionRegistry(
      Vertx vertx, GatewayConfig config, ServiceClient services, LocalFanout fanout, GatewayMetrics metrics, NodeSockets node) {
    this.vertx = vertx;
    this.node = node;
    this.metrics = metrics;
    this.config = config;
    this.services = services;
    this.fanout = fanout;
    this.presence =
        new PresenceReporter(vertx, services, UUID.randomUUID().toString(), config.presenceHeartbeatMs(), () -> Set.copyOf(sessions.keySet()));
  }

  /** Starts the idle sweep and this node's heartbeats to presence-service. */
  void start() {
    long sweep = Math.max(1_000, config.socketIdleTimeoutMs() / 2);
    idleSweep = vertx.setPeriodic(sweep, id -> closeIdle());
    presence.start();
  }

  /** Names this gateway node to presence-service. */
  String nodeId() {
    return presence.nodeId();
  }

  int size() {
    return sessions.size();
  }

  /** Takes a new channel: it stays paused until its session is {@linkplain Connection#start started}. */
  Connection accept(ClientChannel channel) {
    return new Connection(channel);
  }

  boolean draining() {
    return draining;
  }

  /**
   * Empties this node for its shutdown: new channels are turned away (1012), every socket is told
   * to reconnect elsewhere (the {@code reconnect} event on its inbox), and each is closed with 1012
   * once the requests it had sent are answered, or when {@code timeoutMs} has passed. Completes
   * when every socket has closed, or {@code timeoutMs} after those closes were asked for.
   */
  Future<Void> drain(long timeoutMs) {
    draining = true;
    if (idleSweep != NO_TIMER) {
      vertx.cancelTimer(idleSweep);
    }
    LOG.info("draining {} sockets", sessions.size());
    Promise<Void> deadline = Promise.promise();
    long deadlineTimer = vertx.setTimer(timeoutMs, id -> deadline.tryComplete());
    Buffer reconnect = ClientEvents.reconnect(ClientEvents.RECONNECT_DRAINING).toBuffer();
    List<Future<Void>> closing = new java.util.ArrayList<>();
    for (ClientSession session : Set.copyOf(sessions.keySet())) {
      session.tellToReconnect(reconnect);
      // Closed once its answers are written: a SockJS session drops what is still being written when it closes.
      closing.add(Future.any(session.whenAnswered(), deadline.future())
          .compose(x -> Future.any(session.lastWrite(), deadline.future()))
          .andThen(x -> session.closeOnly(CloseCodes.DRAINING, CloseCodes.DRAINING_REASON))
          .mapEmpty());
    }
    if (sessions.isEmpty()) {
      allEnded.tryComplete();
    }
    return Future.all(closing)
        .compose(x -> {
          vertx.cancelTimer(deadlineTimer);
          long closeTimer = vertx.setTimer(timeoutMs, id -> allEnded.tryComplete());
          return allEnded.future().andThen(y -> vertx.cancelTimer(closeTimer));
        })
        .andThen(x -> {
          if (!sessions.isEmpty()) {
            LOG.warn("{} sockets did not close within DRAIN_TIMEOUT_MS", sessions.size());
          }
        });
  }

  /** One client channel, from its handshake to its close; it has a session once authenticated. */
  final class Connection {
    private final ClientChannel channel;
    private ClientSession session;
    private boolean channelClosed;

    private Connection(ClientChannel channel) {
      this.channel = channel;
      channel.pause();
      channel.writeQueueMaxSize(config.socketWriteQueueMaxBytes());
      channel.closeHandler(v -> {
        channelClosed = true;
        if (session != null) {
          end(session);
        }
      });
      channel.exceptionHandler(this::failed);
    }

    /**
     * Gives the authenticated {@code caller} a session and indexes it under the user's rooms;
     * completes when every room subscription is active. Nothing is done when the client has gone.
     * Fails with {@link CloseCodes#tooManySockets} when the user already holds
     * {@code MAX_SOCKETS_PER_USER} sockets on this node (on any of its event loops), those being set up included: the newest is
     * refused, before it costs a look-up, and the sockets already open are left alone.
     */
    Future<Void> open(Caller caller, String device) {
      if (channelClosed) {
        return Future.succeededFuture();
      }
      if (!node.tryOpen(caller.userId())) {
        return Future.failedFuture(CloseCodes.tooManySockets(config.maxSocketsPerUser()));
      }
      session = new ClientSession(channel, caller, device, config.rateLimits(), config.socketWriteQueueMaxBytes());
      sessions.put(session, NO_TIMER);
      metrics.socketOpened(session.transport());
      fanout.track(session);
      return roomIdsOf(caller).compose(rooms -> fanout.join(session, rooms));
    }

    /**
     * After authentication and {@link #open}: starts the session, its frames going to
     * {@code frames}, or closes the socket with why it could not be set up (4401 when it was not
     * authenticated, 4409 over the user's socket cap, else 1011). A session closed meanwhile (its
     * account disabled, say) stays closed.
     */
    void start(AsyncResult<?> setUp, BiConsumer<ClientSession, Buffer> frames) {
      if (channelClosed) {
        return;
      }
      if (setUp.failed()) {
        ServiceException error = ServiceException.from(setUp.cause());
        int code = CloseCodes.forFailedSetup(error);
        if (session != null) {
          close(session, code, error);
        } else {
          channel.closeWith(code, error);
        }
        return;
      }
      if (sessions.containsKey(session)) {
        SessionRegistry.this.start(session, frames);
      }
    }

    private void failed(Throwable e) {
      if (CloseCodes.isMessageTooBig(e)) {
        channel.closeWith(CloseCodes.TOO_LARGE, CloseCodes.frameTooLarge(config.maxFrameBytes()));
      } else {
        // A client that dropped the connection, or broke the protocol (Netty has sent 1002 or
        // 1007 first), is no server fault: DEBUG, not a WARN per dropped socket.
        if (ClientDrops.isClientDrop(e)) {
          LOG.debug("socket failed: {}", e.toString());
        } else {
          LOG.warn("socket failed: {}", e.toString());
        }
        channel.close(CloseCodes.SERVER_ERROR, CloseCodes.CONNECTION_ERROR_REASON);
      }
    }
  }

  private void start(ClientSession session, BiConsumer<ClientSession, Buffer> frames) {
    session.frameReceived(System.currentTimeMillis());
    sessions.put(session, expiryTimer(session));
    session.start(frame -> {
      session.frameReceived(System.currentTimeMillis());
      frames.accept(session, frame);
    });
    presence.opened(session);
  }

  /** The timer that closes the socket with 4403 when its credential expires. */
  private long expiryTimer(ClientSession session) {
    long untilExpiry = session.expiresAt() - System.currentTimeMillis();
    return vertx.setTimer(Math.max(1, untilExpiry), id -> close(session, CloseCodes.EXPIRED, CloseCodes.tokenExpired()));
  }

  /**
   * Moves the socket's 4403 to {@code expiresAt}, the expiry of the access token its client
   * renewed it with ({@code auth.renew}); false, changing nothing, when the socket is closed.
   */
  boolean renew(ClientSession session, long expiresAt) {
    Long timer = sessions.get(session);
    if (timer == null || timer == NO_TIMER) {
      return false;
    }
    vertx.cancelTimer(timer);
    session.renewedUntil(expiresAt);
    sessions.put(session, expiryTimer(session));
    return true;
  }

  /** Closes the socket with a reason (sent first as an {@code err} frame) and forgets its session. */
  void close(ClientSession session, int code, ServiceException reason) {
    session.close(code, reason);
    end(session);
  }

  /** Closes every socket of the user on this node (their account was disabled). */
  void closeSessionsOf(String userId) {
    for (ClientSession session : Set.copyOf(sessions.keySet())) {
      if (session.userId().equals(userId)) {
        close(session, CloseCodes.EXPIRED, CloseCodes.accountDisabled());
      }
    }
  }

  private void closeIdle() {
    long limit = System.currentTimeMillis() - config.socketIdleTimeoutMs();
    for (ClientSession session : Set.copyOf(sessions.keySet())) {
      if (session.silentSince(limit)) {
        close(session, CloseCodes.IDLE, CloseCodes.idle(config.socketIdleTimeoutMs()));
      }
    }
  }

  private void end(ClientSession session) {
    Long expiry = sessions.remove(session);
    if (expiry == null) {
      return;
    }
    node.closed(session.userId());
    metrics.socketClosed(session.transport());
    session.markClosed();
    if (expiry != NO_TIMER) {
      vertx.cancelTimer(expiry);
    }
    fanout.detach(session);
    presence.closed(session);
    if (draining && sessions.isEmpty()) {
      allEnded.tryComplete();
    }
  }

  private Future<List<String>> roomIdsOf(Caller caller) {
    return services
        .request(ChatApi.ROOM_IDS_OF_USER, new ChatApi.Caller(caller.userId()))
        .map(ChatApi.RoomIds::roomIds);
  }
}

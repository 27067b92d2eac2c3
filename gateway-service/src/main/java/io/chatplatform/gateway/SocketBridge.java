package io.chatplatform.gateway;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.Transport;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The client socket (protocol v1, section 2): SockJS at {@code /eventbus}, raw WebSocket at
 * {@code /eventbus/websocket}, speaking the Vert.x event bus bridge protocol.
 *
 * <p>This is not the stock bridge: a client never reaches the event bus directly. It may register
 * only its own inbox, and may {@code send} only to the client addresses in {@link #ROUTES}, each
 * mapped to a service request that carries the socket's user as {@code callerId}. Server events
 * reach the socket through {@link LocalFanout}, not through per-client cluster consumers.
 */
final class SocketBridge {
  private static final Logger LOG = LoggerFactory.getLogger(SocketBridge.class);
  static final int CLOSE_UNAUTHORIZED = 4401;
  static final int CLOSE_EXPIRED = 4403;
  static final int CLOSE_IDLE = 4408;
  static final int CLOSE_TOO_SLOW = 4429;
  /** WebSocket's own "message too big". */
  static final int CLOSE_TOO_LARGE = 1009;
  /** WebSocket's own "internal error": the platform could not set the socket up. */
  static final int CLOSE_SERVER_ERROR = 1011;
  /** WebSocket's own "policy violation": the socket kept sending over its rate limits. */
  static final int CLOSE_FLOODING = 1008;
  static final int MAX_REPLY_ADDRESS_LENGTH = 128;

  /** Client address → the service request it becomes. Anything else is refused. */
  static final Map<String, String> ROUTES =
      Map.of(
          Addresses.Client.CHAT_SEND, Addresses.Chat.MESSAGE_SEND,
          Addresses.Client.CHAT_SYNC, Addresses.Chat.MESSAGE_SYNC,
          Addresses.Client.CHAT_TYPING, Addresses.Presence.TYPING,
          Addresses.Client.CHAT_RECEIPT, Addresses.Chat.RECEIPT_MARK,
          Addresses.Client.PRESENCE_SET, Addresses.Presence.SET);
  /** A client's label of its device: short and plain, or it is recorded as {@code unknown}. */
  private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9._-]{1,32}");

  private final Vertx vertx;
  private final GatewayConfig config;
  private final Tokens tokens;
  private final ServiceClient services;
  private final LocalFanout fanout;
  private final PresenceReporter presence;
  private final RateLimiter limiter;
  private final RequestSchemas schemas;
  private final DisabledAccounts disabledAccounts;
  private final OriginPolicy origins;
  private final Set<ClientSession> sessions = new HashSet<>();

  SocketBridge(Vertx vertx, GatewayConfig config, Tokens tokens, ServiceClient services, LocalFanout fanout, Guards guards) {
    this.vertx = vertx;
    this.config = config;
    this.tokens = tokens;
    this.services = services;
    this.fanout = fanout;
    this.limiter = guards.limiter();
    this.schemas = guards.schemas();
    this.disabledAccounts = guards.disabledAccounts();
    this.origins = guards.origins();
    this.presence =
        new PresenceReporter(vertx, services, UUID.randomUUID().toString(), config.presenceHeartbeatMs(), () -> Set.copyOf(sessions));
  }

  /**
   * Mounts the plain WebSocket at {@code <prefix>/websocket} and SockJS under {@code <prefix>}.
   *
   * <p>Every request under the prefix, whatever the transport (the WebSocket handshake, SockJS's
   * {@code info}, XHR and EventSource requests), is refused with 403 when it carries an
   * {@code Origin} that is not allowed ({@link OriginPolicy}): a page of another site cannot open a
   * socket through its visitor's browser. Left out are the SockJS transports whose requests a
   * browser makes without an {@code Origin} header, so no check could see them: JSONP (a script
   * tag) and htmlfile (a frame), and the iframe page of the iframe-based transports, which would
   * run SockJS's script from a CDN inside this origin and let any site frame it. Browsers since
   * IE 10 use WebSocket or XHR streaming and never need them.
   */
  void mount(Router router, String prefix) {
    long sweep = Math.max(1_000, config.socketIdleTimeoutMs() / 2);
    vertx.setPeriodic(sweep, id -> closeIdle());
    presence.start();
    router.route(prefix + "/*").handler(this::checkOrigin);
    // SockJS reads the frames a client sends by XHR (xhr_send) from the routing context's body.
    router.post(prefix + "/*").handler(BodyHandler.create(false).setBodyLimit(config.maxFrameBytes()));
    router.getWithRegex(Pattern.quote(prefix) + "/iframe[^/]*\\.html").handler(ctx -> ctx.response().setStatusCode(404).end());
    router.get(prefix + "/websocket").handler(this::upgrade);
    SockJSHandlerOptions options =
        new SockJSHandlerOptions()
            .setInsertJSESSIONID(false)
            .setRegisterWriteHandler(false)
            .addDisabledTransport(Transport.JSON_P.name())
            .addDisabledTransport(Transport.HTML_FILE.name());
    router.route(prefix + "/*").subRouter(SockJSHandler.create(vertx, options).socketHandler(s -> open(ClientChannel.of(s))));
  }

  private void checkOrigin(RoutingContext ctx) {
    if (origins.allows(ctx.request())) {
      ctx.next();
    } else {
      ctx.response().setStatusCode(403).putHeader("Content-Type", "text/plain; charset=utf-8").end("origin not allowed");
    }
  }

  private void upgrade(RoutingContext ctx) {
    ctx.request()
        .toWebSocket()
        .onSuccess(ws -> open(ClientChannel.of(ws)))
        .onFailure(e -> {
          if (!ctx.response().ended()) {
            ctx.response().setStatusCode(400).end("a WebSocket upgrade is expected");
          }
        });
  }

  int openSessions() {
    return sessions.size();
  }

  /**
   * Authenticates a new socket, then indexes it before it may speak: the session is known to
   * {@link LocalFanout} before its rooms are read (so a room it joins meanwhile is not missed),
   * and frames are read only once its room subscriptions are active (so a {@code chat.sync}
   * right after connecting cannot race the subscriptions).
   */
  private void open(ClientChannel socket) {
    socket.pause();
    socket.writeQueueMaxSize(config.socketWriteQueueMaxBytes());
    ClientSession[] session = {null};
    boolean[] closed = {false};
    socket.closeHandler(v -> {
      closed[0] = true;
      if (session[0] != null) {
        end(session[0]);
      }
    });
    socket.exceptionHandler(e -> {
      // A message far over the limit is refused before onFrame could see it: by Netty's frame
      // decoder, or by Vert.x assembling a fragmented message (an IllegalStateException).
      boolean tooLarge = e instanceof CorruptedWebSocketFrameException || e instanceof TooLongFrameException
          || (e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("max message size"));
      if (tooLarge) {
        refuse(socket, CLOSE_TOO_LARGE, tooLarge());
      } else {
        LOG.warn("socket failed: {}", e.toString());
        socket.close(CLOSE_SERVER_ERROR, "connection error");
      }
    });
    Map<String, List<String>> params = new QueryStringDecoder(socket.uri() == null ? "" : socket.uri()).parameters();
    authenticate(params)
        .compose(disabledAccounts::admit)
        .compose(
            caller -> {
              if (closed[0]) {
                return Future.succeededFuture();
              }
              session[0] = new ClientSession(socket, caller, Addresses.Client.inbox(caller.userId()), device(params), config.rateLimits());
              sessions.add(session[0]);
              fanout.track(session[0]);
              return roomIdsOf(caller).compose(rooms -> fanout.join(session[0], rooms));
            })
        .onComplete(
            result -> {
              if (closed[0]) {
                return;
              }
              if (result.failed()) {
                ServiceException error = ServiceException.from(result.cause());
                int code = error.code() == ErrorCode.UNAUTHORIZED ? CLOSE_UNAUTHORIZED : CLOSE_SERVER_ERROR;
                if (session[0] != null) {
                  close(session[0], code, error);
                } else {
                  refuse(socket, code, error);
                }
                return;
              }
              start(session[0]);
            });
  }

  private void start(ClientSession session) {
    session.lastFrameAt = System.currentTimeMillis();
    long untilExpiry = session.caller.expiresAt() - System.currentTimeMillis();
    session.expiryTimer =
        vertx.setTimer(
            Math.max(1, untilExpiry),
            id -> close(session, CLOSE_EXPIRED, ServiceException.unauthorized("token expired")));
    session.socket.messageHandler(frame -> onFrame(session, frame));
    session.socket.resume();
    presence.opened(session);
  }

  private void end(ClientSession session) {
    if (sessions.remove(session)) {
      session.closed = true;
      vertx.cancelTimer(session.expiryTimer);
      fanout.detach(session);
      presence.closed(session);
    }
  }

  /**
   * Closes a socket with a reason. SockJS transports other than the raw WebSocket cannot carry a
   * close code (clients see SockJS's own 3000), so the reason is first sent as an {@code err}
   * frame that every client can read.
   */
  private void close(ClientSession session, int code, ServiceException reason) {
    if (!session.closed) {
      session.closed = true;
      refuse(session.socket, code, reason);
    }
    end(session);
  }

  private static void refuse(ClientChannel socket, int code, ServiceException reason) {
    socket.write(BridgeFrames.err(null, reason)).onComplete(x -> socket.close(code, reason.wireMessage()));
  }

  /** Closes every socket of the user on this node (their account was disabled). */
  void closeSessionsOf(String userId) {
    for (ClientSession session : Set.copyOf(sessions)) {
      if (session.userId().equals(userId)) {
        close(session, CLOSE_EXPIRED, ServiceException.unauthorized("this account is disabled"));
      }
    }
  }

  private void closeIdle() {
    long limit = System.currentTimeMillis() - config.socketIdleTimeoutMs();
    for (ClientSession session : Set.copyOf(sessions)) {
      if (session.lastFrameAt < limit) {
        close(session, CLOSE_IDLE, new ServiceException(ErrorCode.BAD_REQUEST,
            "idle: send a ping at least every " + config.socketIdleTimeoutMs() / 2 + " ms"));
      }
    }
  }

  /** {@code ticket} (browsers) or {@code access_token} (other clients) from the socket's URL. */
  private Future<Caller> authenticate(Map<String, List<String>> params) {
    String ticket = first(params.get("ticket"));
    if (ticket != null) {
      return tokens.redeemTicket(ticket);
    }
    return tokens.verify(first(params.get("access_token")));
  }

  private static String device(Map<String, List<String>> params) {
    String device = first(params.get("device"));
    return device != null && DEVICE.matcher(device).matches() ? device : "unknown";
  }

  private Future<List<String>> roomIdsOf(Caller caller) {
    return services
        .request(Addresses.Chat.ROOM_IDS_OF_USER, new JsonObject().put("callerId", caller.userId()))
        .map(reply -> reply.getJsonArray("roomIds", new JsonArray()).stream().map(String::valueOf).toList());
  }

  private void onFrame(ClientSession session, Buffer data) {
    session.lastFrameAt = System.currentTimeMillis();
    if (data.length() > config.maxFrameBytes()) {
      close(session, CLOSE_TOO_LARGE, tooLarge());
      return;
    }
    RateLimiter.Decision allowed = session.frames.take(config.rateLimits().socketFrames(), 1, System.currentTimeMillis());
    if (!allowed.allowed()) {
      refuseOverLimit(session, null, new RateLimited("frames on this socket", allowed));
      return;
    }
    JsonObject frame;
    try {
      frame = data.toJsonObject();
    } catch (RuntimeException e) {
      session.write(BridgeFrames.err(null, ServiceException.badRequest("a frame must be a JSON object")));
      return;
    }
    Object type = frame.getValue("type");
    Object address = frame.getValue("address");
    if (!(type instanceof String) || (!"ping".equals(type) && !(address instanceof String))) {
      session.write(BridgeFrames.err(null, ServiceException.badRequest("a frame needs a string type and address")));
      return;
    }
    switch ((String) type) {
      case "ping" -> {}
      case "register" -> register(session, (String) address, true);
      case "unregister" -> register(session, (String) address, false);
      case "send" -> send(session, (String) address, frame);
      case "publish" -> session.write(BridgeFrames.err((String) address, denied("publishing is not allowed")));
      default -> session.write(BridgeFrames.err(null, ServiceException.badRequest("unknown frame type")));
    }
  }

  private void register(ClientSession session, String address, boolean on) {
    if (!session.inbox.equals(address)) {
      session.write(BridgeFrames.err(address, denied("you may register only your own inbox " + session.inbox)));
      return;
    }
    session.inboxRegistered = on;
  }

  private void send(ClientSession session, String address, JsonObject frame) {
    Object replyAddress = frame.getValue("replyAddress");
    if (replyAddress != null
        && (!(replyAddress instanceof String reply) || reply.isEmpty() || reply.length() > MAX_REPLY_ADDRESS_LENGTH)) {
      session.write(BridgeFrames.err(null, ServiceException.badRequest("replyAddress must be a short string")));
      return;
    }
    String replyTo = (String) replyAddress;
    String target = ROUTES.get(address);
    if (target == null) {
      session.write(BridgeFrames.err(replyTo != null ? replyTo : address, denied("address not allowed: " + address)));
      return;
    }
    if (!(frame.getValue("body") instanceof JsonObject body)) {
      session.write(BridgeFrames.err(replyTo, ServiceException.badRequest("body must be a JSON object")));
      return;
    }
    try {
      schemas.check(address, body);
    } catch (ServiceException e) {
      session.write(BridgeFrames.err(replyTo, e));
      return;
    }
    // Who is asking comes from the socket, never from the body: these overwrite anything sent.
    JsonObject request =
        body.copy()
            .put("callerId", session.userId())
            .put("callerSessionId", session.sessionId)
            .put("callerNodeId", presence.nodeId());
    RateLimiter.Limit perUser = perUserLimit(address);
    // Admissions are chained per socket, so requests reach the services in the order they came.
    Future<Void> admitted =
        session.admission.transform(previous -> perUser == null
            ? Future.succeededFuture()
            : RateLimited.admit(limiter, perUser, session.userId(), address));
    session.admission = admitted.otherwiseEmpty();
    admitted.onComplete(admission -> {
      if (admission.failed()) {
        if (admission.cause() instanceof RateLimited limited) {
          refuseOverLimit(session, replyTo, limited);
        } else {
          session.write(BridgeFrames.err(replyTo, ServiceException.from(admission.cause())));
        }
        return;
      }
      services.request(target, request).onComplete(result -> {
        if (replyTo != null) {
          session.write(
              result.succeeded()
                  ? BridgeFrames.rec(replyTo, result.result())
                  : BridgeFrames.err(replyTo, ServiceException.from(result.cause())));
        }
      });
    });
  }

  private ServiceException tooLarge() {
    return new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE, "frame larger than " + config.maxFrameBytes() + " bytes");
  }

  private RateLimiter.Limit perUserLimit(String address) {
    return switch (address) {
      case Addresses.Client.CHAT_SEND -> config.rateLimits().send();
      case Addresses.Client.CHAT_TYPING -> config.rateLimits().typing();
      default -> null;
    };
  }

  /**
   * Answers {@code rate_limited}; a socket that keeps collecting refusals (more than its
   * refusal bucket holds) is closed as a flooder.
   */
  private void refuseOverLimit(ClientSession session, String replyTo, RateLimited refusal) {
    if (!session.refusals.take(config.rateLimits().socketRefusals(), 1, System.currentTimeMillis()).allowed()) {
      close(session, CLOSE_FLOODING, new ServiceException(ErrorCode.RATE_LIMITED, "flooding: too many requests over the rate limits"));
      return;
    }
    session.write(BridgeFrames.err(replyTo, refusal));
  }

  private static ServiceException denied(String message) {
    return new ServiceException(ErrorCode.ACCESS_DENIED, message);
  }

  private static String first(List<String> values) {
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}

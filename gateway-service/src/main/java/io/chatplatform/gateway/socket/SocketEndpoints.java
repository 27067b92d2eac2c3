package io.chatplatform.gateway.socket;


import io.chatplatform.gateway.GatewayConfig;
import io.chatplatform.gateway.GatewayMetrics;
import io.chatplatform.gateway.Guards;
import io.chatplatform.runtime.ServiceClient;
import io.chatplatform.gateway.auth.Tokens;
import io.chatplatform.gateway.overload.LoadShedding;
import io.chatplatform.gateway.web.MalformedRequests;
import io.chatplatform.gateway.web.OriginPolicy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.Transport;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The client socket (protocol v1, section 2): SockJS at {@code /eventbus}, raw WebSocket at
 * {@code /eventbus/websocket}, speaking the Vert.x event bus bridge protocol.
 *
 * <p>This is not the stock bridge: a client never reaches the event bus directly. It may register
 * only its own inbox, and may {@code send} only to the client addresses in
 * {@link FrameRouter#ROUTES}, each mapped to a service request that carries the socket's user as
 * {@code callerId}, and to {@code auth.renew}, which the router answers itself. Server events
 * reach the socket through {@link LocalFanout}, not through per-client cluster consumers.
 *
 * <p>Here are the transports and the origin check; each new channel is authenticated
 * ({@link SocketAuthenticator}), given a session ({@link SessionRegistry}), and its frames then go
 * to the {@link FrameRouter}.
 */
public final class SocketEndpoints {
  private final Vertx vertx;
  private final GatewayConfig config;
  private final OriginPolicy origins;
  private final SocketAuthenticator authenticator;
  private final SessionRegistry sessions;
  private final FrameRouter frames;
  private final NodeSockets node;
  private final LeanWebSocket.Limits leanLimits;
  private final LoadShedding shedding;
  /** Where the socket is mounted ({@link #mount}). */
  private String prefix;
  /** Set by {@link #mount}: each session of SockJS's HTTP transports bound to what opened it. */
  private SockJsSessionBindings bindings;

  public SocketEndpoints(
      Vertx vertx, GatewayConfig config, Tokens tokens, ServiceClient services, LocalFanout fanout, Guards guards, GatewayMetrics metrics,
      NodeSockets node, LoadShedding shedding) {
    this.vertx = vertx;
    this.shedding = shedding;
    this.node = node;
    this.config = config;
    this.origins = guards.origins();
    this.authenticator = new SocketAuthenticator(tokens, guards.disabledAccounts());
    this.sessions = new SessionRegistry(vertx, config, services, fanout, metrics, node);
    this.frames = new FrameRouter(config, services, guards.limiter(), guards.schemas(), sessions, authenticator, metrics, shedding);
    // The limits Vert.x's server options set for its own WebSockets (ServerOptions.publicServer).
    this.leanLimits = LeanWebSocket.Limits.of(2 * config.maxFrameBytes(), 2 * config.maxFrameBytes(), config.socketCloseTimeoutMs());
  }

  /**
   * Mounts the plain WebSocket at {@code <prefix>/websocket} and SockJS under {@code <prefix>},
   * and starts the sessions' timers.
   *
   * <p>Every request under the prefix, whatever the transport (the WebSocket handshake, SockJS's
   * {@code info}, XHR and EventSource requests), is refused with 403 when it carries an
   * {@code Origin} that is not allowed ({@link OriginPolicy}): a page of another site cannot open a
   * socket through its visitor's browser. Left out are the SockJS transports whose requests a
   * browser makes without an {@code Origin} header, so no check could see them: JSONP (a script
   * tag) and htmlfile (a frame), and the iframe page of the iframe-based transports, which would
   * run SockJS's script from a CDN inside this origin and let any site frame it. Browsers since
   * IE 10 use WebSocket or XHR streaming and never need them.
   *
   * <p>A session of the HTTP transports answers only the credential and the address that opened
   * it ({@link SockJsSessionBindings}); vertx-web's {@code JSESSIONID} cookie is not set (sessions
   * are routed by the id in their path, and a cookie would be one more thing a browser sends by
   * itself). A failure under the prefix is logged without the session's id.
   */
  public void mount(Router router, String prefix) {
    this.prefix = prefix;
    this.bindings = node.sockJsBindings(prefix);
    sessions.start();
    router.route(prefix + "/*").handler(this::refuseIframePage);
    router.route(prefix + "/*").failureHandler(ctx -> {
      ctx.put(MalformedRequests.LOGGED_PATH, bindings.forLog(ctx.normalizedPath()));
      ctx.next();
    });
    router.route(prefix + "/*").handler(this::checkOrigin);
    // SockJS reads the frames a client sends by XHR (xhr_send) from the routing context's body.
    router.post(prefix + "/*").handler(BodyHandler.create(false).setBodyLimit(config.maxFrameBytes()));
    router.get(prefix + "/websocket").handler(this::upgrade);
    SockJSHandlerOptions options =
        new SockJSHandlerOptions()
            .setInsertJSESSIONID(false)
            .setRegisterWriteHandler(false)
            .addDisabledTransport(Transport.JSON_P.name())
            .addDisabledTransport(Transport.HTML_FILE.name());
    // SockJS's websocket transport is served here, bound as the raw WebSocket is (SockJsWebSocket).
    router.getWithRegex(Pattern.quote(prefix) + "/[^/.]+/[^/.]+/websocket")
        .handler(ctx -> upgrade(ctx, ws -> new SockJsWebSocket(vertx, ws, options.getHeartbeatInterval())));
    // Right before SockJS's handler: a session is created and bound in the same turn.
    router.route(prefix + "/*").handler(bindings::guard);
    router.route(prefix + "/*").subRouter(SockJSHandler.create(vertx, options).socketHandler(this::acceptSockJs));
  }

  /** Sockets open on this event loop of the node. */
  public int openSessions() {
    return sessions.size();
  }

  /** Closes every socket of the user on this event loop (their account was disabled; every loop hears it). */
  public void closeSessionsOf(String userId) {
    sessions.closeSessionsOf(userId);
  }

  /**
   * Shuts the socket down for this node's stop: new sockets are refused from now on (503 to a
   * WebSocket upgrade and to SockJS's {@code info}; others closed with 1012), and every open one
   * is told to reconnect elsewhere and closed once its requests are answered
   * ({@code DRAIN_TIMEOUT_MS}). Completes when they have closed, and the clients of the SockJS
   * sessions closed over HTTP polling have fetched their close frame (vertx-web hands it to the
   * session's next request), or twice {@code DRAIN_TIMEOUT_MS} after the drain began: the bound
   * the drain had before it waited for close frames (the answers', then the closes').
   */
  public Future<Void> drain() {
    bindings.drain();
    Promise<Void> deadline = Promise.promise();
    long timer = vertx.setTimer(config.longestLoopDrainMs(), id -> deadline.tryComplete());
    return sessions.drain(config.drainTimeoutMs())
        .compose(x -> Future.any(Future.fromCompletionStage(bindings.closesFetched(), vertx.getOrCreateContext()), deadline.future()))
        .andThen(x -> vertx.cancelTimer(timer))
        .mapEmpty();
  }

  /**
   * 404 for SockJS's iframe page in every spelling that could reach it: vertx-web's SockJS handler
   * answers {@code /iframe.html} with or without a trailing slash and {@code /iframe-<anything>.html},
   * and the router decodes percent-escapes first. Any first segment under the prefix that reads
   * {@code iframe…} once decoded and lower-cased is refused; SockJS's server ids are numbers.
   */
  private void refuseIframePage(RoutingContext ctx) {
    String path = ctx.normalizedPath().substring(prefix.length());
    for (int i = 0; i < 3 && path.contains("%"); i++) {
      try {
        path = URLDecoder.decode(path, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException malformed) {
        break;
      }
    }
    String first = path.replaceFirst("^/+", "").split("/", 2)[0].toLowerCase(Locale.ROOT);
    if (first.startsWith("iframe")) {
      ctx.response().setStatusCode(404).end();
    } else {
      ctx.next();
    }
  }

  private void checkOrigin(RoutingContext ctx) {
    boolean newSocket = isNewSocket(ctx.normalizedPath());
    if (sessions.draining() && newSocket) {
      ctx.response().setStatusCode(503).putHeader("Content-Type", "text/plain; charset=utf-8").end("draining: reconnect to another gateway");
    } else if (!origins.allows(ctx.request())) {
      ctx.response().setStatusCode(403).putHeader("Content-Type", "text/plain; charset=utf-8").end("origin not allowed");
    } else if (newSocket && shedding.refuses(LoadShedding.SOCKET)) {
      // Refused before the upgrade; a socket that opens another way is refused in accept().
      shedding.refuse(ctx);
    } else {
      ctx.next();
    }
  }

  /** A request that starts a socket: the raw WebSocket's upgrade, or SockJS's first request ({@code info}). */
  private boolean isNewSocket(String path) {
    return path.equals(prefix + "/websocket") || path.equals(prefix + "/info");
  }

  private void upgrade(RoutingContext ctx) {
    upgrade(ctx, ClientChannel::of);
  }

  /**
   * Upgrades the request to a WebSocket: a {@link LeanWebSocket}, or Vert.x's own WebSocket when
   * {@code WEBSOCKET_COMPRESSION} is on (the lean socket does not speak permessage-deflate).
   */
  private void upgrade(RoutingContext ctx, Function<WebSocketConnection, ClientChannel> channel) {
    Future<WebSocketConnection> upgraded = config.webSocketCompression()
        ? ctx.request().toWebSocket().map(WebSocketConnection::of)
        : LeanWebSocket.upgrade(ctx.request(), leanLimits);
    upgraded
        .onSuccess(ws -> accept(channel.apply(ws)))
        .onFailure(e -> {
          if (!ctx.response().ended() && !ctx.response().headWritten()) {
            ctx.response().setStatusCode(400).end("a WebSocket upgrade is expected");
          }
        });
  }

  /** A new session of SockJS's HTTP transports: bound to the request that opened it, then accepted. */
  private void acceptSockJs(SockJSSocket socket) {
    // While the node drains, the close frame of a session the server closes is awaited (SockJsSessionBindings).
    ClientChannel channel = ClientChannel.of(socket, () -> bindings.closing(socket));
    if (bindings.bind(socket)) {
      accept(channel);
    } else {
      channel.close(CloseCodes.SERVER_ERROR, CloseCodes.CONNECTION_ERROR_REASON);
    }
  }

  /** Paused until it is authenticated and set up; a channel that closes meanwhile is dropped. */
  private void accept(ClientChannel channel) {
    if (sessions.draining()) {
      // Not authenticated, so no inbox: the reason comes as an err frame, then 1012.
      channel.closeWith(CloseCodes.DRAINING, CloseCodes.draining());
      return;
    }
    if (shedding.refuses(LoadShedding.SOCKET)) {
      // A socket the 503 before the upgrade did not catch (SockJS's websocket transport, a session
      // opened over XHR, a client that skips info): closed before its set-up costs anything.
      channel.closeWith(CloseCodes.OVERLOADED, shedding.refusal());
      return;
    }
    SessionRegistry.Connection connection = sessions.accept(channel);
    ConnectParams params = ConnectParams.parse(channel.uri());
    authenticator
        .authenticate(params)
        .compose(caller -> connection.open(caller, params.device()))
        .onComplete(setUp -> connection.start(setUp, frames::onFrame));
  }
}

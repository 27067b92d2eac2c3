package io.chatplatform.gateway.socket;

import io.chatplatform.contracts.Endpoint;
import io.chatplatform.contracts.chat.ChatApi;
import io.chatplatform.contracts.presence.PresenceApi;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.gateway.GatewayConfig;
import io.chatplatform.gateway.GatewayMetrics;
import io.chatplatform.gateway.overload.LoadShedding;
import io.chatplatform.runtime.Correlation;
import io.chatplatform.runtime.Meters;
import io.chatplatform.runtime.ServiceClient;
import io.chatplatform.gateway.ratelimit.RateLimitConfig;
import io.chatplatform.gateway.ratelimit.RateLimited;
import io.chatplatform.gateway.ratelimit.RateLimiter;
import io.chatplatform.gateway.validation.RequestSchemas;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a started socket's frames do (protocol v1, section 2). Every frame is checked in turn: its
 * size (over the limit closes the socket, 1009), the socket's frame rate, that it is a JSON object
 * with a string {@code type} and {@code address}. Then a {@code ping} only keeps the socket alive,
 * {@code register} / {@code unregister} may name only the socket's own inbox, and a {@code send}
 * to one of the client addresses in {@link #ROUTES}, with a body that fits its schema and within
 * the user's rate limit, becomes a service request carrying the socket's user as
 * {@code callerId}; the answer goes back to the frame's {@code replyAddress}. Anything else is
 * answered with an {@code err} frame; a socket that keeps collecting rate-limit refusals is closed
 * as a flooder (1008).
 *
 * <p>A {@code send} to {@code auth.renew} is answered here, never forwarded: its access token is
 * checked as at connect, and when it is the socket's own user's, the socket's expiry moves to the
 * token's ({@link #renew}). So a client that refreshes its token keeps its socket open.
 *
 * <p>While the socket's event loop runs behind ({@link LoadShedding}), a request frame is refused
 * {@code unavailable} before it reaches a service; {@code auth.renew} is still answered.
 *
 * <p>A socket's {@code chat.send} frames to one room are forwarded one after the other, each once
 * the previous one is answered, so their {@code seq}s follow the socket's order; at most
 * {@code SOCKET_SEND_QUEUE_MAX} may wait or be unanswered, more are refused {@code rate_limited}.
 *
 * <p>A reply whose frame is larger than a socket's whole write queue ({@code
 * SOCKET_WRITE_QUEUE_MAX_BYTES}) is not written: it would mark the socket too slow by itself. The
 * request is answered {@code payload_too_large} instead. The services bound their answers
 * themselves (a {@code chat.sync} answer by {@code SYNC_MAX_REPLY_BYTES}, half that queue); this
 * guard holds should a service answer more anyway (a misconfiguration, an older instance during a
 * rolling upgrade, a new route without a budget). The reply was encoded by then: the guard bounds
 * what is written and queued, not the encoding.
 */
final class FrameRouter {
  static final int MAX_REPLY_ADDRESS_LENGTH = 128;

  /** Client address → the service request it becomes. Anything else is refused. */
  static final Map<String, Endpoint<?, ?>> ROUTES =
      Map.of(
          Addresses.Client.CHAT_SEND, ChatApi.MESSAGE_SEND,
          Addresses.Client.CHAT_SYNC, ChatApi.MESSAGE_SYNC,
          Addresses.Client.CHAT_TYPING, PresenceApi.TYPING,
          Addresses.Client.CHAT_RECEIPT, ChatApi.RECEIPT_MARK,
          Addresses.Client.CHAT_EDIT, ChatApi.MESSAGE_EDIT,
          Addresses.Client.CHAT_DELETE, ChatApi.MESSAGE_DELETE,
          Addresses.Client.CHAT_REACT, ChatApi.MESSAGE_REACT,
          Addresses.Client.PRESENCE_SET, PresenceApi.SET,
          Addresses.Client.ROOM_ROLE, ChatApi.ROOM_ROLE_SET,
          Addresses.Client.ROOM_MODERATION, ChatApi.ROOM_MODERATE);

  /** The refusal of a send over {@code SOCKET_SEND_QUEUE_MAX}: retry once the answers have come. */
  private static final RateLimiter.Decision SEND_QUEUE_FULL = new RateLimiter.Decision(false, 1_000);
  /** The name of that limit in the meters, as the token-bucket limits have theirs. */
  static final String SEND_QUEUE_LIMIT = "socket-send-queue";

  private static final Logger LOG = LoggerFactory.getLogger(FrameRouter.class);

  private final int maxFrameBytes;
  private final int maxReplyBytes;
  private final int sendQueueMax;
  private final RateLimitConfig limits;
  private final ServiceClient services;
  private final RateLimiter limiter;
  private final RequestSchemas schemas;
  private final SessionRegistry sessions;
  private final SocketAuthenticator authenticator;
  private final String nodeId;
  private final GatewayMetrics metrics;
  private final LoadShedding shedding;

  FrameRouter(
      GatewayConfig config, ServiceClient services, RateLimiter limiter, RequestSchemas schemas, SessionRegistry sessions,
      SocketAuthenticator authenticator, GatewayMetrics metrics, LoadShedding shedding) {
    this.metrics = metrics;
    this.shedding = shedding;
    this.maxFrameBytes = config.maxFrameBytes();
    this.maxReplyBytes = config.socketWriteQueueMaxBytes();
    this.sendQueueMax = config.socketSendQueueMax();
    this.limits = config.rateLimits();
    this.services = services;
    this.limiter = limiter;
    this.schemas = schemas;
    this.sessions = sessions;
    this.authenticator = authenticator;
    this.nodeId = sessions.nodeId();
  }

  void onFrame(ClientSession session, Buffer data) {
    long receivedAt = System.nanoTime();
    if (data.length() > maxFrameBytes) {
      sessions.close(session, CloseCodes.TOO_LARGE, CloseCodes.frameTooLarge(maxFrameBytes));
      return;
    }
    RateLimiter.Decision allowed = session.takeFrame(limits.socketFrames(), System.currentTimeMillis());
    if (!allowed.allowed()) {
      refuseOverLimit(session, null, new RateLimited(limits.socketFrames().name(), "frames on this socket", allowed));
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
      // Each request frame is a request of its own: its own correlation id in the log, its own trace.
      case "send" -> Correlation.scope(Correlation.fresh(), "socket " + address, () -> send(session, (String) address, frame, receivedAt));
      case "publish" -> session.write(BridgeFrames.err((String) address, denied("publishing is not allowed")));
      default -> session.write(BridgeFrames.err(null, ServiceException.badRequest("unknown frame type")));
    }
  }

  private static void register(ClientSession session, String address, boolean on) {
    if (!session.register(address, on)) {
      session.write(BridgeFrames.err(address, denied("you may register only your own inbox " + session.inbox())));
    }
  }

  /** Handles a {@code send} frame; completes once it is answered. */
  private Future<Void> send(ClientSession session, String address, JsonObject frame, long receivedAt) {
    Object replyAddress = frame.getValue("replyAddress");
    if (replyAddress != null
        && (!(replyAddress instanceof String reply) || reply.isEmpty() || reply.length() > MAX_REPLY_ADDRESS_LENGTH)) {
      session.write(BridgeFrames.err(null, ServiceException.badRequest("replyAddress must be a short string")));
      return Future.succeededFuture();
    }
    String replyTo = (String) replyAddress;
    boolean renewal = Addresses.Client.AUTH_RENEW.equals(address);
    Endpoint<?, ?> target = ROUTES.get(address);
    if (target == null && !renewal) {
      session.write(BridgeFrames.err(replyTo != null ? replyTo : address, denied("address not allowed: " + address)));
      return Future.succeededFuture();
    }
    if (!(frame.getValue("body") instanceof JsonObject body)) {
      session.write(BridgeFrames.err(replyTo, ServiceException.badRequest("body must be a JSON object")));
      return Future.succeededFuture();
    }
    try {
      schemas.check(address, body);
    } catch (ServiceException e) {
      session.write(BridgeFrames.err(replyTo, e));
      return Future.succeededFuture();
    }
    if (renewal) {
      return renew(session, body.getString("accessToken"), replyTo).onSuccess(outcome -> answered(address, outcome, receivedAt)).mapEmpty();
    }
    if (shedding.refuses(LoadShedding.REQUEST)) {
      // Refused before it costs a service anything; auth.renew above is answered here and cheap, so it still goes.
      session.write(BridgeFrames.err(replyTo, shedding.refusal()));
      answered(address, ErrorCode.UNAVAILABLE.word, receivedAt);
      return Future.succeededFuture();
    }
    // Who is asking comes from the socket, never from the body: these overwrite anything sent.
    JsonObject request =
        body.copy()
            .put("callerId", session.userId())
            .put("callerSessionId", session.sessionId())
            .put("callerNodeId", nodeId);
    boolean roomSend = Addresses.Client.CHAT_SEND.equals(address) && body.getValue("roomId") instanceof String;
    if (roomSend && session.sendsPending() >= sendQueueMax) {
      refuseOverLimit(session, replyTo, new RateLimited(SEND_QUEUE_LIMIT, "sends waiting on this socket", SEND_QUEUE_FULL));
      answered(address, ErrorCode.RATE_LIMITED.word, receivedAt);
      return Future.succeededFuture();
    }
    RateLimiter.Limit perUser = perUserLimit(address);
    Future<Void> admitted = session.admitInOrder(() -> RateLimited.admit(limiter, perUser, session.userId(), address));
    Future<Void> forwarded =
        roomSend
            // The next send of this socket to the room goes once this one is answered: seqs follow the socket's order.
            // It may start from the previous send's callback: it stays this frame's request all the same.
            ? session.sendInOrder(body.getString("roomId"), admitted,
                Correlation.staying(() -> forward(session, address, target, request, replyTo, receivedAt)))
            : admitted.compose(x -> forward(session, address, target, request, replyTo, receivedAt));
    forwarded.onFailure(e -> {
      if (e instanceof RateLimited limited) {
        refuseOverLimit(session, replyTo, limited);
      } else {
        session.write(BridgeFrames.err(replyTo, ServiceException.from(e)));
      }
      answered(address, ServiceException.from(e).code().word, receivedAt);
    });
    // Its answer (or refusal) is written first: a draining gateway closes the socket only after it.
    session.inFlight(forwarded);
    return forwarded.otherwiseEmpty();
  }

  /**
   * {@code auth.renew}: a valid access token of the socket's own user moves the socket's expiry to
   * the token's, answered {@code {expiresAt}}. Another user's token is {@code forbidden}, an
   * invalid one (or a disabled account's) {@code unauthorized}; the socket then keeps its expiry.
   * Completes (never fails) once answered, with the outcome for the meters.
   */
  private Future<String> renew(ClientSession session, String accessToken, String replyTo) {
    Future<String> outcome = authenticator.verify(accessToken).transform(verified -> {
      ServiceException refused = null;
      if (verified.failed()) {
        refused = ServiceException.from(verified.cause());
      } else if (!verified.result().userId().equals(session.userId())) {
        refused = ServiceException.forbidden("the token is another user's");
      }
      Buffer answer;
      if (refused != null) {
        answer = BridgeFrames.err(replyTo, refused);
      } else {
        long expiresAt = verified.result().expiresAt();
        sessions.renew(session, expiresAt);
        answer = BridgeFrames.rec(replyTo, new JsonObject().put("expiresAt", expiresAt));
      }
      if (replyTo != null) {
        session.write(answer);
      }
      return Future.succeededFuture(refused == null ? Meters.OK : refused.code().word);
    });
    session.inFlight(outcome);
    return outcome;
  }

  /**
   * Forwards an admitted request and writes the answer; completes (never fails) once it is
   * answered, timed from {@code receivedAt} (the nano time its frame to the client {@code address} was read).
   */
  private Future<Void> forward(
      ClientSession session, String address, Endpoint<?, ?> target, JsonObject request, String replyTo, long receivedAt) {
    LOG.debug("a socket of user {} asks {}", session.userId(), target.address());
    return services.forwardEncoded(target, request).transform(result -> {
      LOG.debug("{} answered the socket of user {}: {}", target.address(), session.userId(),
          result.succeeded() ? "ok" : ServiceException.from(result.cause()).code().word);
      if (replyTo != null) {
        session.write(
            result.succeeded()
                ? replyFrame(target, replyTo, result.result())
                : BridgeFrames.err(replyTo, ServiceException.from(result.cause())));
      }
      answered(address, result.succeeded() ? Meters.OK : ServiceException.from(result.cause()).code().word, receivedAt);
      return Future.<Void>succeededFuture();
    });
  }

  /** A socket request's answer (or refusal) was written {@code outcome}: timed from its frame's arrival. */
  private void answered(String address, String outcome, long receivedAt) {
    metrics.answered(address, outcome, System.nanoTime() - receivedAt);
  }

  /** The reply's {@code rec} frame, or a {@code payload_too_large} refusal when it is over {@code SOCKET_WRITE_QUEUE_MAX_BYTES}. */
  private Buffer replyFrame(Endpoint<?, ?> target, String replyTo, Buffer body) {
    Buffer frame = BridgeFrames.recReply(replyTo, body);
    if (frame.length() <= maxReplyBytes) {
      return frame;
    }
    LOG.warn("a reply of {} was {} bytes, over SOCKET_WRITE_QUEUE_MAX_BYTES ({}): refused", target.address(), frame.length(), maxReplyBytes);
    return BridgeFrames.err(replyTo, new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE,
        "the reply would be larger than " + maxReplyBytes + " bytes; ask for less"));
  }

  /**
   * Each request is limited per user, not per socket: a user's every socket takes from the same
   * bucket, so opening more sockets adds no allowance.
   */
  private RateLimiter.Limit perUserLimit(String address) {
    return switch (address) {
      // Edits, deletes and reactions are writes to a room as sends are: they take from the same bucket.
      // Role changes and moderation are rare writes to a room: the same bucket again.
      case Addresses.Client.CHAT_SEND, Addresses.Client.CHAT_EDIT, Addresses.Client.CHAT_DELETE, Addresses.Client.CHAT_REACT,
          Addresses.Client.ROOM_ROLE, Addresses.Client.ROOM_MODERATION ->
          limits.send();
      case Addresses.Client.CHAT_TYPING -> limits.typing();
      case Addresses.Client.CHAT_SYNC -> limits.sync();
      case Addresses.Client.CHAT_RECEIPT -> limits.receipts();
      case Addresses.Client.PRESENCE_SET -> limits.presence();
      default -> throw new IllegalArgumentException("no per-user limit for " + address);
    };
  }

  /**
   * Answers {@code rate_limited}; a socket that keeps collecting refusals (more than its
   * refusal bucket holds) is closed as a flooder.
   */
  private void refuseOverLimit(ClientSession session, String replyTo, RateLimited refusal) {
    metrics.rateLimited(refusal.limit());
    if (!session.takeRefusal(limits.socketRefusals(), System.currentTimeMillis())) {
      metrics.rateLimited(limits.socketRefusals().name());
      sessions.close(session, CloseCodes.FLOODING, CloseCodes.flooding());
      return;
    }
    session.write(BridgeFrames.err(replyTo, refusal));
  }

  private static ServiceException denied(String message) {
    return new ServiceException(ErrorCode.ACCESS_DENIED, message);
  }
}

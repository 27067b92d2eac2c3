package io.chatplatform.gateway.socket;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;

/**
 * Why the server closes a socket, as docs/protocol.md lists them: each close code with the reason
 * it carries. The 44xx codes are this platform's, the others WebSocket's own. A close code reaches
 * only raw WebSocket clients (SockJS's other transports show their own 3000), so the reason is
 * first sent as an {@code err} frame ({@link ClientChannel#closeWith}), except where the socket
 * can take nothing more (too slow, a broken connection).
 */
public final class CloseCodes {
  private CloseCodes() {}

  /** At connect: no, invalid, used or expired credential. */
  public static final int UNAUTHORIZED = 4401;
  /** The access token expired, or an admin disabled the account. */
  public static final int EXPIRED = 4403;
  /** No frame from the client for {@code SOCKET_IDLE_TIMEOUT_MS}. */
  public static final int IDLE = 4408;
  /** At connect: the user already has {@code MAX_SOCKETS_PER_USER} sockets on this gateway node. */
  public static final int TOO_MANY_SOCKETS = 4409;
  /** The server's write queue for this socket is full. */
  public static final int TOO_SLOW = 4429;
  /** WebSocket's own "message too big". */
  public static final int TOO_LARGE = 1009;
  /** WebSocket's own "internal error": the platform could not set the socket up. */
  public static final int SERVER_ERROR = 1011;
  /** WebSocket's own "policy violation": the socket kept sending over its rate limits. */
  public static final int FLOODING = 1008;
  /** WebSocket's own "service restart": the gateway is draining; reconnect to another at once. */
  public static final int DRAINING = 1012;
  /** WebSocket's own "try again later": the gateway's event loop runs behind (load shedding); reconnect with backoff. */
  public static final int OVERLOADED = 1013;

  /** The reason of {@link #DRAINING}, sent as the close reason (the {@code reconnect} event comes first). */
  static final String DRAINING_REASON = "draining: reconnect to another gateway";

  /** The reason of {@link #TOO_SLOW}, sent as the close reason only. */
  static final String TOO_SLOW_REASON = "too slow: reconnect and sync";
  /** The reason of {@link #SERVER_ERROR} when the connection itself failed, sent as the close reason only. */
  static final String CONNECTION_ERROR_REASON = "connection error";

  /**
   * The code that closes a socket whose set-up failed: 4401 when it was not authenticated, 4409
   * over the user's socket cap (the only set-up step that refuses as {@code rate_limited}), else 1011.
   */
  static int forFailedSetup(ServiceException error) {
    return switch (error.code()) {
      case UNAUTHORIZED -> UNAUTHORIZED;
      case RATE_LIMITED -> TOO_MANY_SOCKETS;
      default -> SERVER_ERROR;
    };
  }

  /**
   * Whether a transport failure is a message far over the limit, refused before the frame router
   * could see it: by Netty's frame decoder, or by Vert.x assembling a fragmented message (an
   * {@code IllegalStateException}).
   */
  static boolean isMessageTooBig(Throwable failure) {
    return failure instanceof CorruptedWebSocketFrameException || failure instanceof TooLongFrameException
        || (failure instanceof IllegalStateException && String.valueOf(failure.getMessage()).contains("max message size"));
  }

  /** With {@link #TOO_LARGE}. */
  static ServiceException frameTooLarge(int maxFrameBytes) {
    return new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE, "frame larger than " + maxFrameBytes + " bytes");
  }

  /** With {@link #EXPIRED}. */
  static ServiceException tokenExpired() {
    return ServiceException.unauthorized("token expired");
  }

  /** With {@link #EXPIRED}. */
  static ServiceException accountDisabled() {
    return ServiceException.unauthorized("this account is disabled");
  }

  /** With {@link #IDLE}. */
  static ServiceException idle(long idleTimeoutMs) {
    return new ServiceException(ErrorCode.BAD_REQUEST, "idle: send a ping at least every " + idleTimeoutMs / 2 + " ms");
  }

  /** With {@link #DRAINING}, to a socket that arrives while the gateway drains (it has no inbox yet). */
  static ServiceException draining() {
    return new ServiceException(ErrorCode.UNAVAILABLE, "draining: reconnect to another gateway");
  }

  /** With {@link #TOO_MANY_SOCKETS}. */
  static ServiceException tooManySockets(int maxSocketsPerUser) {
    return new ServiceException(
        ErrorCode.RATE_LIMITED, "too many sockets for this user on this gateway (at most " + maxSocketsPerUser + "): close one first");
  }

  /** With {@link #FLOODING}. */
  static ServiceException flooding() {
    return new ServiceException(ErrorCode.RATE_LIMITED, "flooding: too many requests over the rate limits");
  }
}

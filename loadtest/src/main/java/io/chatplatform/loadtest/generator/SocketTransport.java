package io.chatplatform.loadtest.generator;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a generated client reaches the socket (docs/protocol.md, Endpoints): the raw WebSocket, or
 * SockJS's websocket transport, the path browsers take. The chat frames inside are the same.
 */
public enum SocketTransport {
  /** {@code /eventbus/websocket}: one bridge frame per WebSocket message (the baseline relay serves only this). */
  WEBSOCKET,
  /** {@code /eventbus/<server>/<session>/websocket}: bridge frames inside SockJS's framing ({@link SockJsFraming}). */
  SOCKJS;

  private static final String SOCKJS_PREFIX = "/eventbus";
  /** sockjs-client's session ids: 8 characters of this alphabet. */
  private static final String SESSION_ID_CHARS = "abcdefghijklmnopqrstuvwxyz012345";
  private static final int SESSION_ID_LENGTH = 8;

  /** Its {@code --transport} name. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<SocketTransport> byName(String name) {
    return Arrays.stream(values()).filter(t -> t.cliName().equals(name)).findFirst();
  }

  /**
   * The path to connect to (without the query): for SockJS a fresh server id (a number of three
   * digits) and session id per connection, as sockjs-client picks them.
   */
  String path() {
    if (this == WEBSOCKET) {
      return Endpoint.SOCKET_PATH;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    StringBuilder session = new StringBuilder(SESSION_ID_LENGTH);
    for (int i = 0; i < SESSION_ID_LENGTH; i++) {
      session.append(SESSION_ID_CHARS.charAt(random.nextInt(SESSION_ID_CHARS.length())));
    }
    return String.format(Locale.ROOT, "%s/%03d/%s/websocket", SOCKJS_PREFIX, random.nextInt(1000), session);
  }
}

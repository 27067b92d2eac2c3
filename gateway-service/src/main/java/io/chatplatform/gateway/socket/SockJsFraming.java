package io.chatplatform.gateway.socket;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;

/**
 * SockJS's framing on its websocket transport, as vertx-web 5 writes it: {@code o} on open,
 * {@code h} as a heartbeat, {@code a["…"]} around each server frame (JSON-escaped as Vert.x's
 * JSON encoder escapes a string), {@code c[3000,"Go away!"]} before the server closes.
 *
 * <p>JSON escaping is character by character, so the escaped {@code rec} frame of an event is the
 * escaped frame head, the event's escaped JSON ({@link FanoutEvent#sockJsEscaped}, made once per
 * message) and the escaped tail, byte for byte what escaping the whole frame per socket gave.
 */
final class SockJsFraming {
  private SockJsFraming() {}

  static final String OPEN = "o";
  static final String HEARTBEAT = "h";
  /** The close frame of a session the server closed, as vertx-web writes it (its sessions send no other code). */
  static final String CLOSE = "c[3000,\"Go away!\"]";

  /** {@code a["{\"type\":\"rec\",\"address\":\"}: the frame up to the inbox, escaped. */
  private static final String REC_HEAD = "a[\"" + escape("{\"type\":\"rec\",\"address\":\"");
  /** Between the inbox and the event, escaped. */
  private static final String REC_BODY = escape("\",\"body\":");
  private static final String REC_TAIL = escape("}") + "\"]";

  /** {@code a["<frame, escaped>"]}: one server frame, escaped for this socket alone (replies, errors). */
  static String message(Buffer bridgeFrame) {
    return "a[\"" + escape(bridgeFrame.toString()) + "\"]";
  }

  /**
   * {@code a["<rec frame of the event to inbox, escaped>"]}: only the inbox is added per socket.
   * {@code inbox} is an inbox address made of an id we issued, so it needs no escaping
   * ({@link BridgeFrames#recEncoded}).
   */
  static String rec(String inbox, FanoutEvent event) {
    return REC_HEAD + inbox + REC_BODY + event.sockJsEscaped() + REC_TAIL;
  }

  /** {@code text} as the inside of a JSON string, escaped as Vert.x's JSON encoder (Jackson) escapes it. */
  static String escape(String text) {
    String quoted = Json.encode(text);
    return quoted.substring(1, quoted.length() - 1);
  }
}

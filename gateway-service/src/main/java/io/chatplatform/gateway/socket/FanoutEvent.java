package io.chatplatform.gateway.socket;

import io.vertx.core.buffer.Buffer;

/**
 * A server event on its way to many sockets of this node: its JSON, encoded once, and the form
 * SockJS's websocket frames carry it in (JSON-escaped, {@link SockJsFraming}), made the first time
 * a SockJS socket needs it and shared by every other. Each socket then only wraps these in its
 * own inbox's {@code rec} frame, whatever its transport. Used on one event loop only.
 */
final class FanoutEvent {
  private final Buffer json;
  private String sockJsEscaped;

  FanoutEvent(Buffer json) {
    this.json = json;
  }

  /** The event's JSON, as published. */
  Buffer json() {
    return json;
  }

  /** The event's JSON as the inside of a JSON string (quotes and backslashes escaped), made once. */
  String sockJsEscaped() {
    if (sockJsEscaped == null) {
      sockJsEscaped = SockJsFraming.escape(json.toString());
    }
    return sockJsEscaped;
  }
}

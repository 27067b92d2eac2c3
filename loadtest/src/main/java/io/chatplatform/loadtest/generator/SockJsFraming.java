package io.chatplatform.loadtest.generator;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;

/**
 * SockJS's framing on its websocket transport, as a SockJS client reads and writes it: the server
 * sends {@code o} once open, {@code h} as a heartbeat, {@code a["…",…]} around one or more
 * messages (JSON-escaped strings), and {@code c[code,"reason"]} before it closes; the client sends
 * a JSON array of strings.
 */
final class SockJsFraming {
  private SockJsFraming() {}

  /** One server frame taken apart. */
  sealed interface Frame {}

  record Open() implements Frame {}

  record Heartbeat() implements Frame {}

  /** {@code a[…]}: the messages, in order. */
  record Messages(List<String> messages) implements Frame {}

  /** {@code c[code,"reason"]}. */
  record Close(int code, String reason) implements Frame {}

  /** A client message in SockJS's framing: an array of one string. */
  static String encode(String message) {
    return new JsonArray().add(message).encode();
  }

  /** A server frame; {@link IllegalArgumentException} for anything that is not SockJS's framing. */
  static Frame decode(String frame) {
    if (frame.equals("o")) {
      return new Open();
    }
    if (frame.equals("h")) {
      return new Heartbeat();
    }
    if (frame.startsWith("a[")) {
      List<String> messages = new ArrayList<>();
      for (Object message : array(frame)) {
        if (!(message instanceof String text)) {
          throw new IllegalArgumentException("a SockJS message that is not a string");
        }
        messages.add(text);
      }
      return new Messages(messages);
    }
    if (frame.startsWith("c[")) {
      JsonArray close = array(frame);
      if (close.size() != 2 || !(close.getValue(0) instanceof Number code) || !(close.getValue(1) instanceof String reason)) {
        throw new IllegalArgumentException("a SockJS close frame that is not [code,\"reason\"]");
      }
      return new Close(code.intValue(), reason);
    }
    throw new IllegalArgumentException("not a SockJS frame");
  }

  private static JsonArray array(String frame) {
    try {
      return new JsonArray(frame.substring(1));
    } catch (DecodeException e) {
      throw new IllegalArgumentException("a SockJS frame that is not JSON", e);
    }
  }
}

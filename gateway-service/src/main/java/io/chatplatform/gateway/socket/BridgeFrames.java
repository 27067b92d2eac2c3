package io.chatplatform.gateway.socket;

import io.chatplatform.contracts.ServiceException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * The server frames of the Vert.x event bus bridge protocol, as the stock
 * {@code @vertx/eventbus-bridge-client.js} reads them.
 */
final class BridgeFrames {
  private BridgeFrames() {}

  private static final byte[] REC_PREFIX = "{\"type\":\"rec\",\"address\":\"".getBytes(StandardCharsets.UTF_8);
  private static final byte[] BODY_INFIX = "\",\"body\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SUFFIX = "}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] REPLY_PREFIX = "{\"type\":\"rec\",\"address\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] REPLY_BODY_INFIX = ",\"body\":".getBytes(StandardCharsets.UTF_8);

  /** {@code {"type":"rec","address":…,"body":…}}. */
  static Buffer rec(String address, Object body) {
    return new JsonObject().put("type", "rec").put("address", address).put("body", body).toBuffer();
  }

  /**
   * The {@code rec} frame of a reply whose body is already JSON (a service's encoded answer): the
   * same bytes as {@link #rec} with that body, without parsing or encoding it again.
   * {@code replyAddress} is the client's own, so it is written as a JSON string by the same encoder
   * as a {@code JsonObject}'s (which escapes what UTF-8 cannot carry, a lone surrogate, rather than
   * replacing it).
   */
  static Buffer recReply(String replyAddress, Buffer encodedBody) {
    Buffer addressJson = Json.encodeToBuffer(replyAddress);
    return Buffer.buffer(REPLY_PREFIX.length + addressJson.length() + REPLY_BODY_INFIX.length + encodedBody.length() + 1)
        .appendBytes(REPLY_PREFIX)
        .appendBuffer(addressJson)
        .appendBytes(REPLY_BODY_INFIX)
        .appendBuffer(encodedBody)
        .appendBytes(SUFFIX);
  }

  /**
   * A {@code rec} frame around a body that is already JSON: the body is not parsed or encoded
   * again, so a fan-out event is encoded once however many sockets receive it. {@code address}
   * is an inbox address made of an id we issued, so it needs no escaping.
   */
  static Buffer recEncoded(String address, Buffer encodedBody) {
    byte[] head = recHead(address);
    return Buffer.buffer(head.length + encodedBody.length() + REC_TAIL.length).appendBytes(head).appendBuffer(encodedBody).appendBytes(REC_TAIL);
  }

  /**
   * What comes before the body in {@link #recEncoded}'s frame, {@code {"type":"rec","address":"…","body":};
   * {@link #REC_TAIL} comes after it. A socket that writes many events to one inbox keeps this.
   */
  static byte[] recHead(String address) {
    byte[] addressBytes = address.getBytes(StandardCharsets.UTF_8);
    byte[] head = new byte[REC_PREFIX.length + addressBytes.length + BODY_INFIX.length];
    System.arraycopy(REC_PREFIX, 0, head, 0, REC_PREFIX.length);
    System.arraycopy(addressBytes, 0, head, REC_PREFIX.length, addressBytes.length);
    System.arraycopy(BODY_INFIX, 0, head, REC_PREFIX.length + addressBytes.length, BODY_INFIX.length);
    return head;
  }

  /** What closes a {@code rec} frame after its body. */
  static final byte[] REC_TAIL = SUFFIX;

  /**
   * A failed reply, {@code {"type":"err","address","failureCode","failureType","message"}};
   * {@code body} repeats the error word, as the stock bridge does for refusals.
   */
  static Buffer err(String address, ServiceException error) {
    JsonObject frame =
        new JsonObject()
            .put("type", "err")
            .put("failureCode", error.code().status)
            .put("failureType", "RECIPIENT_FAILURE")
            .put("message", error.wireMessage())
            .put("body", error.code().word);
    if (address != null) {
      frame.put("address", address);
    }
    return frame.toBuffer();
  }
}

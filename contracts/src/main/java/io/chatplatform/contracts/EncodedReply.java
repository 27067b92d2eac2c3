package io.chatplatform.contracts;

import io.vertx.core.buffer.Buffer;

/**
 * A reply that carries its client JSON already encoded: the edge writes these bytes rather than
 * encoding the reply again ({@code ServiceClient.forwardEncoded}). A message's reply to its sender
 * and its room event are framed around the same bytes this way.
 */
public interface EncodedReply {
  /** The reply's client JSON, as {@code docs/protocol.md} documents it; never changed once made. */
  Buffer clientJson();
}

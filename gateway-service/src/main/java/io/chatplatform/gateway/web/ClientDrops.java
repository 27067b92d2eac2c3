package io.chatplatform.gateway.web;

import io.netty.handler.codec.CodecException;
import io.vertx.core.http.HttpClosedException;
import java.io.IOException;

/**
 * Failures a client causes by dropping its connection or breaking the protocol: a reset or broken
 * pipe, a TLS handshake that fails, a connection closed mid-head or mid-frame, bytes that do not
 * decode. Anyone can cause any number of them and none is a fault of the server, so they are
 * logged at DEBUG: a WARN each would be a log flood on demand.
 */
public final class ClientDrops {
  private ClientDrops() {}

  public static boolean isClientDrop(Throwable failure) {
    return failure instanceof IOException || failure instanceof CodecException || failure instanceof HttpClosedException;
  }
}

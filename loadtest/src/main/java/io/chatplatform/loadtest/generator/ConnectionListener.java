package io.chatplatform.loadtest.generator;

import io.vertx.core.json.JsonObject;

/** What a {@link ClientConnection} reports, on its lane's event loop. */
interface ConnectionListener {
  /** A {@code chat.send} was acknowledged with the stored message. */
  default void onAck(ClientConnection connection, PendingSend send, JsonObject message, long nowNanos) {}

  /** A {@code chat.send} was answered with an {@code err} frame carrying this code word. */
  default void onSendFailed(ClientConnection connection, PendingSend send, String code, long nowNanos) {}

  /** A server event arrived on the connection's inbox. */
  default void onEvent(ClientConnection connection, JsonObject event, long nowNanos) {}

  /** Anything else that went wrong, by kind (see {@link ErrorCounter}). */
  void onError(String kind);
}

package io.chatplatform.loadtest.generator;

import io.vertx.core.json.JsonObject;

/** What a {@link ClientConnection} reports, on its lane's event loop. */
interface ConnectionListener {
  /** A {@code chat.send} was acknowledged with the stored message. */
  default void onAck(ClientConnection connection, PendingSend send, JsonObject message, long nowNanos) {}

  /** A {@code chat.send} was answered with an {@code err} frame carrying this code word. */
  default void onSendFailed(ClientConnection connection, PendingSend send, String code, long nowNanos) {}

  /** A {@code chat.send} was answered with this retryable code word and will be written again after a wait. */
  default void onSendRetried(ClientConnection connection, PendingSend send, String code, long nowNanos) {}

  /** A server event arrived on the connection's inbox. */
  default void onEvent(ClientConnection connection, JsonObject event, long nowNanos) {}

  /** A message of a {@code chat.sync} answer after a reconnect (the same as a live one for the ledger). */
  default void onSyncedMessage(ClientConnection connection, JsonObject message, long nowNanos) {}

  /** The socket came back after a close: synced, and its unacknowledged sends written again. */
  default void onRecovered(ClientConnection connection, ClientConnection.Recovery recovery) {}

  /** The socket used up its reconnect attempts and stays closed. */
  default void onGaveUp(ClientConnection connection, int attempts) {}

  /** Anything else that went wrong, by kind (see {@link ErrorCounter}). */
  void onError(String kind);
}

package io.chatplatform.gateway;

import io.vertx.core.buffer.Buffer;
import java.util.HashSet;
import java.util.Set;

/**
 * One authenticated socket. Touched only on the gateway's event loop, so plain fields suffice.
 */
final class ClientSession {
  final ClientChannel socket;
  final Caller caller;
  final String inbox;
  /** Rooms this socket is indexed under in {@link LocalFanout}. */
  final Set<String> rooms = new HashSet<>();
  /** Events flow only once the client has registered its inbox, as with the stock bridge. */
  boolean inboxRegistered;
  /** Set at creation: the idle sweep may see the session while it is still being set up. */
  long lastFrameAt = System.currentTimeMillis();
  long expiryTimer = -1;
  boolean closed;

  ClientSession(ClientChannel socket, Caller caller, String inbox) {
    this.socket = socket;
    this.caller = caller;
    this.inbox = inbox;
  }

  String userId() {
    return caller.userId();
  }

  /**
   * Queues a frame. A client that cannot keep up (its write queue is full) is disconnected
   * rather than buffered without bound; it catches up with {@code chat.sync} when it reconnects.
   */
  void write(Buffer frame) {
    if (closed) {
      return;
    }
    if (socket.writeQueueFull()) {
      closed = true;
      socket.close(SocketBridge.CLOSE_TOO_SLOW, "too slow: reconnect and sync");
      return;
    }
    // A write fails only when the socket is closing; its close handler does the clean-up.
    socket.write(frame).onFailure(e -> closed = true);
  }
}

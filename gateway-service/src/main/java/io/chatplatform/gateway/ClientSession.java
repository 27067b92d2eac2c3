package io.chatplatform.gateway;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * One authenticated socket. Touched only on the gateway's event loop, so plain fields suffice.
 */
final class ClientSession {
  final ClientChannel socket;
  final Caller caller;
  final String inbox;
  /** Names this socket to presence-service. */
  final String sessionId = UUID.randomUUID().toString();
  /** The client's label of its device ({@code web}, {@code ios}…), or {@code unknown}. */
  final String device;
  /** Rooms this socket is indexed under in {@link LocalFanout}. */
  final Set<String> rooms = new HashSet<>();
  /** Events flow only once the client has registered its inbox, as with the stock bridge. */
  boolean inboxRegistered;
  /** Set at creation: the idle sweep may see the session while it is still being set up. */
  long lastFrameAt = System.currentTimeMillis();
  long expiryTimer = -1;
  boolean closed;
  /** Completes when presence-service has answered this socket's open. */
  Future<Void> presenceReported;
  /** Every frame of this socket takes a token. */
  final TokenBucket frames;
  /** Every refusal for a rate limit takes a token; none left: the socket is a flooder. */
  final TokenBucket refusals;
  /** The last request's admission (per-user limits): requests are forwarded in arrival order. */
  Future<Void> admission = Future.succeededFuture();

  ClientSession(ClientChannel socket, Caller caller, String inbox, String device, RateLimitConfig limits) {
    this.socket = socket;
    this.caller = caller;
    this.inbox = inbox;
    this.device = device;
    long now = System.currentTimeMillis();
    this.frames = new TokenBucket(limits.socketFrames().burst(), now);
    this.refusals = new TokenBucket(limits.socketRefusals().burst(), now);
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

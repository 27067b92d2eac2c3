package io.chatplatform.gateway.socket;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.gateway.auth.Caller;
import io.chatplatform.gateway.ratelimit.RateLimitConfig;
import io.chatplatform.gateway.ratelimit.RateLimiter;
import io.chatplatform.gateway.ratelimit.TokenBucket;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One authenticated socket: who it is, whether its inbox is registered, the rooms it is indexed
 * under, when it last spoke, its own rate limits, and whether it is closed. Only its own methods
 * change that state. Touched only on the gateway's event loop, so plain fields suffice.
 */
final class ClientSession {
  private final ClientChannel channel;
  private final Caller caller;
  private final String inbox;
  /** Names this socket to presence-service. */
  private final String sessionId = UUID.randomUUID().toString();
  /** The client's label of its device ({@code web}, {@code ios}…), or {@code unknown}. */
  private final String device;
  /** Rooms this socket is indexed under in {@link LocalFanout}. */
  private final Set<String> rooms = new HashSet<>();
  /** Events flow only once the client has registered its inbox, as with the stock bridge. */
  private boolean inboxRegistered;
  /** Set at creation: the idle sweep may see the session while it is still being set up. */
  private long lastFrameAt = System.currentTimeMillis();
  private boolean closed;
  /** When the socket's credential expires (epoch ms): the opening one's, then each renewal's. */
  private long expiresAt;
  /** Every frame of this socket takes a token. */
  private final TokenBucket frames;
  /** Every refusal for a rate limit takes a token; none left: the socket is a flooder. */
  private final TokenBucket refusals;
  /** The last request's admission (per-user limits): requests are forwarded in arrival order. */
  private Future<Void> admission = Future.succeededFuture();
  /** The last {@code chat.send} to each room, until it is answered: the next one to that room waits for it. */
  private final Map<String, Future<Void>> lastSendTo = new HashMap<>();
  /** {@code chat.send} requests waiting for their turn or for their answer. */
  private int sendsPending;
  /** Requests of this socket read and not yet answered (any address): a draining gateway waits for them. */
  private int requestsInFlight;
  /** Completed when {@link #requestsInFlight} drops to 0, for whoever waits in {@link #whenAnswered}; else null. */
  private Promise<Void> answered;
  /**
   * The newest membership version applied per room, for rooms whose membership changed while the
   * socket was open (few): an older {@code joined}/{@code left} arriving late is ignored.
   */
  private final Map<String, Long> membershipVersions = new HashMap<>();
  /** Frames held behind a room subscription that is not active yet ({@link #deliverWhen}), in order. */
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private long heldBytes;
  /** The newest write handed to the channel: a SockJS session closed before it completes drops it. */
  private Future<Void> lastWrite = Future.succeededFuture();
  /** More held bytes than this: the client is treated as too slow ({@code SOCKET_WRITE_QUEUE_MAX_BYTES}). */
  private final long maxHeldBytes;

  ClientSession(ClientChannel channel, Caller caller, String device, RateLimitConfig limits, long maxHeldBytes) {
    this.channel = channel;
    this.maxHeldBytes = maxHeldBytes;
    this.caller = caller;
    this.inbox = Addresses.Client.inbox(caller.userId());
    this.device = device;
    this.expiresAt = caller.expiresAt();
    long now = System.currentTimeMillis();
    this.frames = new TokenBucket(limits.socketFrames().burst(), now);
    this.refusals = new TokenBucket(limits.socketRefusals().burst(), now);
  }

  String userId() {
    return caller.userId();
  }

  String inbox() {
    return inbox;
  }

  String sessionId() {
    return sessionId;
  }

  String device() {
    return device;
  }

  /** The channel's transport, for the meters. */
  String transport() {
    return channel.transport();
  }

  /** When the socket's credential expires (epoch ms). */
  long expiresAt() {
    return expiresAt;
  }

  /** The client renewed its credential ({@code auth.renew}): it now expires at {@code expiresAt}. */
  void renewedUntil(long expiresAt) {
    this.expiresAt = expiresAt;
  }

  boolean isClosed() {
    return closed;
  }

  /** Hands every client frame to {@code handler} and lets them flow: the channel was paused until now. */
  void start(Handler<Buffer> handler) {
    channel.messageHandler(handler);
    channel.resume();
  }

  void frameReceived(long nowMs) {
    lastFrameAt = nowMs;
  }

  /** Whether the client has sent nothing since {@code limitMs}. */
  boolean silentSince(long limitMs) {
    return lastFrameAt < limitMs;
  }

  /**
   * Registers or unregisters the socket's inbox. Returns false, changing nothing, when
   * {@code address} is not its own inbox: a client may register no other address.
   */
  boolean register(String address, boolean on) {
    if (!inbox.equals(address)) {
      return false;
    }
    inboxRegistered = on;
    return true;
  }

  /**
   * Whether a membership event of {@code version} for the room is newer than the last one
   * applied to this socket, and notes it if so. Events without a version (0) always apply.
   */
  boolean acceptMembership(String roomId, long version) {
    if (version <= 0) {
      return true;
    }
    Long applied = membershipVersions.get(roomId);
    if (applied != null && applied >= version) {
      return false;
    }
    membershipVersions.put(roomId, version);
    return true;
  }

  /** Notes that the socket is indexed under the room; false when it already was, or is closed. */
  boolean recordSubscribed(String roomId) {
    return !closed && rooms.add(roomId);
  }

  void recordUnsubscribed(String roomId) {
    rooms.remove(roomId);
  }

  /** A copy of the rooms the socket is indexed under. */
  Set<String> rooms() {
    return Set.copyOf(rooms);
  }

  /** A frame's token; refused when the socket sends faster than {@code limit}. */
  RateLimiter.Decision takeFrame(RateLimiter.Limit limit, long nowMs) {
    return frames.take(limit, 1, nowMs);
  }

  /** Counts a refusal; false when the socket has collected more than {@code limit} allows. */
  boolean takeRefusal(RateLimiter.Limit limit, long nowMs) {
    return refusals.take(limit, 1, nowMs).allowed();
  }

  /**
   * Runs {@code admit} once the previous request's admission is done, whatever its outcome, so
   * requests reach the services in the order they came.
   */
  Future<Void> admitInOrder(Supplier<Future<Void>> admit) {
    Future<Void> admitted = admission.transform(previous -> admit.get());
    admission = admitted.otherwiseEmpty();
    return admitted;
  }

  /** {@code chat.send} requests of this socket waiting for their turn or their answer. */
  int sendsPending() {
    return sendsPending;
  }

  /**
   * Once {@code admitted}, runs {@code send} after the previous send of this socket to
   * {@code roomId} is done (answered, failed or timed out), so a room's sends from one socket reach
   * chat-service one at a time, in the order they came (admissions complete in arrival order), and
   * get their {@code seq}s in that order whichever instance answers. Sends to other rooms are not
   * held back, and a refused admission is not either. Fails when {@code admitted} fails.
   */
  Future<Void> sendInOrder(String roomId, Future<Void> admitted, Supplier<Future<Void>> send) {
    sendsPending++;
    Future<Void> sent = admitted.compose(x -> {
      Future<Void> previous = lastSendTo.getOrDefault(roomId, Future.succeededFuture());
      Future<Void> done = previous.transform(y -> send.get()).otherwiseEmpty();
      lastSendTo.put(roomId, done);
      done.onComplete(y -> {
        if (lastSendTo.get(roomId) == done) {
          lastSendTo.remove(roomId);
        }
      });
      return done;
    });
    sent.onComplete(x -> sendsPending--);
    return sent;
  }

  /**
   * Counts a request of this socket as in flight until {@code done} completes (its answer or
   * refusal written, whatever the outcome).
   */
  void inFlight(Future<?> done) {
    requestsInFlight++;
    done.onComplete(x -> {
      if (--requestsInFlight == 0 && answered != null) {
        Promise<Void> waiting = answered;
        answered = null;
        waiting.complete();
      }
    });
  }

  /** Completes once every request of this socket read so far is answered (at once when none is in flight). */
  Future<Void> whenAnswered() {
    if (requestsInFlight == 0) {
      return Future.succeededFuture();
    }
    if (answered == null) {
      answered = Promise.promise();
    }
    return answered.future();
  }

  /**
   * Tells the client to reconnect to another gateway: the {@code reconnect} event on its inbox,
   * written whether or not the inbox is registered (a client that has not registered it yet
   * drops it, and still sees the close).
   */
  void tellToReconnect(Buffer encodedEvent) {
    write(BridgeFrames.recEncoded(inbox, encodedEvent));
  }

  /** Writes an event, already encoded, to the inbox if the client has registered it; true when it was handed on. */
  boolean deliver(FanoutEvent event) {
    if (!inboxRegistered || closed) {
      return false;
    }
    if (held.isEmpty()) {
      writeEventNow(event);
    } else {
      // Behind a join whose subscription is not active yet (rare): held, then framed as any frame of this socket.
      hold(new Held(null, BridgeFrames.recEncoded(inbox, event.json())));
    }
    return true;
  }

  /**
   * Like {@link #deliver}, but the event goes out only once {@code ready} is complete (whatever
   * its outcome), and every frame written to this socket after it waits behind it: a {@code joined}
   * event reaches the client only once the room's subscription is active, so the room's messages
   * the client hears of after {@code joined} cannot be missed, and nothing overtakes it.
   */
  boolean deliverWhen(Future<?> ready, FanoutEvent event) {
    if (!inboxRegistered || closed) {
      return false;
    }
    if (held.isEmpty() && ready.isComplete()) {
      writeEventNow(event);
      return true;
    }
    hold(new Held(ready, BridgeFrames.recEncoded(inbox, event.json())));
    if (held.size() == 1) {
      ready.onComplete(x -> release());
    }
    return true;
  }

  /** A frame waiting behind a room subscription; {@code after} null: waiting only for the frames before it. */
  private record Held(Future<?> after, Buffer frame) {}

  private void hold(Held frame) {
    held.add(frame);
    heldBytes += frame.frame().length();
    if (heldBytes > maxHeldBytes) {
      tooSlow();
    }
  }

  /** Writes the held frames, in order, up to the next one whose subscription is not active yet. */
  private void release() {
    while (!held.isEmpty()) {
      Held head = held.peek();
      if (head.after() != null && !head.after().isComplete()) {
        head.after().onComplete(x -> release());
        return;
      }
      held.poll();
      heldBytes -= head.frame().length();
      writeNow(head.frame());
    }
  }

  /**
   * Queues a frame. A client that cannot keep up (its write queue is full) is disconnected
   * rather than buffered without bound; it catches up with {@code chat.sync} when it reconnects.
   */
  void write(Buffer frame) {
    if (closed) {
      return;
    }
    if (!held.isEmpty()) {
      hold(new Held(null, frame));
      return;
    }
    writeNow(frame);
  }

  private void writeNow(Buffer frame) {
    if (writable()) {
      sent(channel.write(frame));
    }
  }

  private void writeEventNow(FanoutEvent event) {
    if (writable()) {
      sent(channel.writeEvent(inbox, event));
    }
  }

  /** False when nothing more is to be written: the socket is closed, or closed now as too slow (its write queue is full). */
  private boolean writable() {
    if (closed || channel.isClosed()) {
      // Closed by the client before its close handler ran here: nothing more is written.
      closed = true;
      return false;
    }
    if (channel.writeQueueFull()) {
      tooSlow();
      return false;
    }
    return true;
  }

  private void sent(Future<Void> write) {
    // A write fails only when the socket is closing; its close handler does the clean-up.
    lastWrite = write.onFailure(e -> closed = true);
  }

  private void tooSlow() {
    closed = true;
    held.clear();
    heldBytes = 0;
    channel.close(CloseCodes.TOO_SLOW, CloseCodes.TOO_SLOW_REASON);
  }

  /** Closes the socket with a reason ({@link ClientChannel#closeWith}), unless it is closed already. */
  void close(int code, ServiceException reason) {
    if (!closed) {
      closed = true;
      channel.closeWith(code, reason);
    }
  }

  /** Completes when the newest frame written so far has gone to the channel (whatever the outcome). */
  Future<Void> lastWrite() {
    return lastWrite.otherwiseEmpty();
  }

  /** Closes the socket with a code and reason only (what it needed to hear was written before), unless it is closed already. */
  void closeOnly(int code, String reason) {
    if (!closed) {
      closed = true;
      held.clear();
      heldBytes = 0;
      channel.close(code, reason);
    }
  }

  /** The channel closed: nothing more is written. */
  void markClosed() {
    closed = true;
  }
}

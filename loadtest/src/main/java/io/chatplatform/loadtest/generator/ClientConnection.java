package io.chatplatform.loadtest.generator;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One user's socket, speaking protocol v1 like a real client on the raw WebSocket
 * ({@code /eventbus/websocket?access_token=…} or {@code ?ticket=…}) or, as browsers do, inside
 * SockJS's framing on its websocket transport ({@link SocketTransport}): it registers its inbox,
 * pings, sends requests with a fresh {@code replyAddress} each and matches the {@code rec}/{@code
 * err} replies, and hands inbox events to its listener.
 *
 * <p>With a {@link Backoff} ({@link #resilient}) it survives its socket closing, as
 * docs/protocol.md's "Recommended client algorithm" says: it reconnects with jittered exponential
 * backoff (at once after a go-elsewhere close), with a fresh credential per attempt (logging in
 * again after 4401/4403), registers its inbox, {@code chat.sync}s every room from the highest seq
 * it holds (chunks of {@link #SYNC_CHUNK_ROOMS}, following {@code hasMore}, a changed epoch
 * resetting the room), then writes again every send not yet acknowledged, with its first
 * clientMsgId. Sends made while it is away wait and go out after those. A send answered with a
 * code the protocol calls safe to retry ({@link #RETRYABLE}) is written again with the same
 * clientMsgId after a jittered wait, up to {@code sendRetries} times, as clients/js's outbox does.
 *
 * <p>Confined to its {@link Lane}: every method runs on that lane's event loop, so no field needs
 * synchronisation.
 */
final class ClientConnection {
  /** The server closes sockets silent for 60 s; the brief asks for a ping at least every 20 s. */
  static final long PING_INTERVAL_MS = 15_000;
  static final long REQUEST_TIMEOUT_MS = 30_000;
  static final long HANDSHAKE_TIMEOUT_MS = 30_000;
  /** Rooms named in one {@code chat.sync}: within the server's {@code SYNC_MAX_ROOMS} (500), as the web client. */
  static final int SYNC_CHUNK_ROOMS = 200;
  /** Pages of one sync chunk before giving the attempt up (a room that never stops answering {@code hasMore}). */
  static final int MAX_SYNC_ROUNDS = 10_000;
  /**
   * Sends written again after a reconnect that may wait for their replies at once: the gateway
   * refuses more than {@code SOCKET_SEND_QUEUE_MAX} (50) waiting sends of one socket.
   */
  static final int RESEND_WINDOW = 40;
  /** The standard close code that stands for "go elsewhere" when a {@code reconnect} event preceded another close. */
  private static final short SERVICE_RESTART = 1012;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClientConnection.class);
  /** Refused sends (retried or failed) whose server text is logged, per process: the counts say how many, these say why. */
  static final int SEND_FAILURES_LOGGED = 20;
  private static final java.util.concurrent.atomic.AtomicInteger sendFailuresLogged = new java.util.concurrent.atomic.AtomicInteger();
  /** The err codes after which the same send may succeed (docs/protocol.md, Errors: "safe to retry"). */
  static final java.util.Set<String> RETRYABLE = java.util.Set.of("unavailable", "internal");
  /**
   * A retried send waits a random time in {@code [0, min(cap, base·2^retry)]} ms first: the
   * values of clients/js's outbox ({@code SEND_RETRY_BASE_MS}, {@code SEND_RETRY_MAX_MS}).
   */
  static final long SEND_RETRY_BASE_MS = 1_000;
  static final long SEND_RETRY_CAP_MS = 15_000;
  private static final short UNAUTHORIZED = 4401;
  private static final short EXPIRED = 4403;
  private static final String PING = new JsonObject().put("type", "ping").encode();
  private static final JsonObject EMPTY_SYNC = new JsonObject().put("rooms", new JsonObject());

  /** The socket's credential for one connection attempt: the URL's query, e.g. {@code ticket=…}. */
  interface SocketAuth {
    /** @param relogin the last close said the credential is no longer valid (4401, 4403) */
    Future<String> query(ClientConnection connection, boolean relogin);
  }

  /**
   * One recovered outage.
   *
   * @param downtimeNanos from the close until synced and resent
   * @param attempts connection attempts it took (the last one succeeded)
   */
  record Recovery(long downtimeNanos, int attempts, long syncedMessages, int resent, int epochResets) {}

  /** What this client holds of a room: every seq it has seen, the epoch they belong to. */
  private static final class RoomState {
    final BitSet seen = new BitSet();
    String epoch;

    /** The highest seq such that every seq from 1 up to it is held. */
    long held() {
      return seen.nextClearBit(1) - 1L;
    }
  }

  /** A {@code chat.send} until its reply: kept across reconnects under its clientMsgId. */
  private static final class Outgoing {
    final String roomId;
    final String clientMsgId;
    final String text;
    final PendingSend pending;
    /** Where its reply will come on the current socket; null when not written there yet. */
    String replyAddress;
    /** Whether it was written on an earlier socket. */
    boolean written;
    /** Times it was answered with a {@link #RETRYABLE} code and written again (or is about to be). */
    int retries;
    /** Answered with a retryable code; written again when its wait is over. */
    boolean retryWaiting;

    Outgoing(String roomId, String clientMsgId, String text, PendingSend pending) {
      this.roomId = roomId;
      this.clientMsgId = clientMsgId;
      this.text = text;
      this.pending = pending;
    }
  }

  final int id;
  final TestUser user;
  final Lane lane;
  private final ConnectionListener listener;
  /** The user's access token: replaced when the client logs in again. */
  String accessToken;
  private final Map<String, Outgoing> pendingSends = new HashMap<>();
  /** Unacknowledged sends by clientMsgId, in the order they were made. */
  private final LinkedHashMap<String, Outgoing> unacked = new LinkedHashMap<>();
  private final Map<String, Promise<JsonObject>> pendingRequests = new HashMap<>();
  private final Map<String, RoomState> rooms = new HashMap<>();
  private WebSocketClient client;
  private Endpoint endpoint;
  private SocketTransport transport = SocketTransport.WEBSOCKET;
  private SocketAuth auth;
  private Backoff backoff;
  /** How often one send answered with a {@link #RETRYABLE} code is written again (0: never). */
  private int sendRetries;
  private WebSocket socket;
  private long requestCounter;
  private long messageCounter;
  private long pingTimer = -1;
  private long retryTimer = -1;
  private boolean closing;
  private boolean closed;
  /** Set once the first open succeeded: from then on a close is recovered from. */
  private boolean established;
  /** Sync done after the last (re)connect: sends go straight out. */
  private boolean live;
  private boolean recovering;
  private boolean gaveUp;
  private Short lastCloseCode;
  /** The code of SockJS's close frame ({@code c[code,…]}) on the current socket, which stands for the WebSocket's own. */
  private Short sockJsCloseCode;
  /** The server said {@code {"type":"reconnect"}} (a gateway draining): the close that follows means go elsewhere. */
  private boolean told;
  /** Sends in {@link #unacked} not written on the current socket. */
  private int unwritten;

  ClientConnection(int id, TestUser user, Lane lane, ConnectionListener listener) {
    this.id = id;
    this.user = user;
    this.lane = lane;
    this.listener = listener;
    this.accessToken = user.accessToken();
  }

  /**
   * Makes this client reconnect when its socket closes, and names the rooms it syncs then (rooms
   * it receives messages of are added by themselves).
   *
   * @param backoff null: do not reconnect
   * @param auth null: the access token on the URL
   * @param sendRetries how often a send answered with a {@link #RETRYABLE} code is written again
   */
  void resilient(Backoff backoff, SocketAuth auth, Collection<String> roomIds, int sendRetries) {
    this.backoff = backoff;
    this.auth = auth;
    this.sendRetries = sendRetries;
    roomIds.forEach(r -> rooms.computeIfAbsent(r, k -> new RoomState()));
  }

  /**
   * Opens the socket, registers the inbox, starts pinging, and completes once the first
   * {@code chat.sync} answer arrives: the server reads frames only after it has set the session
   * up (room subscriptions included), so from then on every room message reaches this socket.
   */
  Future<Void> open(WebSocketClient client, Endpoint endpoint, SocketTransport transport) {
    this.client = client;
    this.endpoint = endpoint;
    this.transport = transport;
    return connectSocket(false).compose(v -> request("chat.sync", EMPTY_SYNC)).map(answer -> {
      established = true;
      live = true;
      return (Void) null;
    });
  }

  boolean isOpen() {
    return socket != null && !closed;
  }

  /** Whether the socket is gone for good: closed by us, or out of reconnect attempts. */
  boolean isDone() {
    return closing || gaveUp || (!isOpen() && !recovering);
  }

  private Future<Void> connectSocket(boolean relogin) {
    Future<String> query = auth != null ? auth.query(this, relogin)
        : Future.succeededFuture("access_token=" + URLEncoder.encode(accessToken, StandardCharsets.UTF_8));
    return query.compose(q -> client.connect(new WebSocketConnectOptions().setHost(endpoint.host()).setPort(endpoint.port())
        .setTimeout(HANDSHAKE_TIMEOUT_MS).setURI(transport.path() + "?" + q))).compose(ws -> {
          if (closing) {
            return ws.close().transform(x -> Future.failedFuture(new Failure("closing")));
          }
          socket = ws;
          closed = false;
          sockJsCloseCode = null;
          if (transport == SocketTransport.SOCKJS) {
            ws.textMessageHandler(this::onSockJsFrame);
            ws.binaryMessageHandler(data -> listener.onError("frame.sockjs_binary"));
          } else {
            // The server sends binary messages today; a client must take text ones as well.
            ws.binaryMessageHandler(this::onFrame);
            ws.textMessageHandler(text -> onFrame(Buffer.buffer(text)));
          }
          ws.closeHandler(v -> onClosed(ws));
          ws.exceptionHandler(e -> listener.onError("socket." + ErrorCounter.kindOf(e)));
          write(new JsonObject().put("type", "register").put("address", user.inbox()).encode());
          pingTimer = lane.vertx().setPeriodic(PING_INTERVAL_MS, t -> write(PING));
          return Future.succeededFuture();
        });
  }

  /**
   * Sends a {@code chat.send}; the reply goes to the listener. While the socket is away it waits,
   * and goes out after the reconnect's sync.
   */
  void send(String roomId, String clientMsgId, String text, PendingSend pending) {
    if (gaveUp || closing || (!live && !recovering)) {
      listener.onError("send.socket_closed");
      return;
    }
    Outgoing out = new Outgoing(roomId, clientMsgId, text, pending);
    unacked.put(clientMsgId, out);
    if (live && unwritten == 0) {
      writeSend(out);
    } else {
      unwritten++;
    }
  }

  private void writeSend(Outgoing out) {
    String replyAddress = nextReplyAddress();
    out.replyAddress = replyAddress;
    pendingSends.put(replyAddress, out);
    JsonObject body = new JsonObject().put("roomId", out.roomId).put("clientMsgId", out.clientMsgId).put("text", out.text);
    write(frame("chat.send", replyAddress, body));
  }

  /** Writes waiting sends, oldest first, while fewer than {@link #RESEND_WINDOW} wait for replies. @return how many were resends */
  private int flush() {
    int resent = 0;
    Iterator<Outgoing> it = unacked.values().iterator();
    while (unwritten > 0 && live && pendingSends.size() < RESEND_WINDOW && it.hasNext()) {
      Outgoing out = it.next();
      if (out.replyAddress == null && !out.retryWaiting) {
        if (out.written) {
          resent++;
        }
        unwritten--;
        writeSend(out);
      }
    }
    return resent;
  }

  /** A unique-per-connection number for client message ids. */
  long nextMessageNumber() {
    return ++messageCounter;
  }

  /** Sends a request and completes with the reply body ({@code err} → failed). */
  Future<JsonObject> request(String address, JsonObject body) {
    if (!isOpen()) {
      return Future.failedFuture(new Failure("socket_closed"));
    }
    String replyAddress = nextReplyAddress();
    Promise<JsonObject> reply = Promise.promise();
    pendingRequests.put(replyAddress, reply);
    write(frame(address, replyAddress, body));
    return reply.future().timeout(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onFailure(e -> pendingRequests.remove(replyAddress));
  }

  /** Closes the socket on our side (not counted as an error) and stops reconnecting. */
  Future<Void> close() {
    closing = true;
    cancelPing();
    if (retryTimer >= 0) {
      lane.vertx().cancelTimer(retryTimer);
      retryTimer = -1;
    }
    if (socket == null || closed) {
      return Future.succeededFuture();
    }
    return socket.close();
  }

  /** Closes without waiting, e.g. after a failed open; a failure to close changes nothing. */
  void abort() {
    close().onFailure(e -> listener.onError("close_failed." + ErrorCounter.kindOf(e)));
  }

  private String nextReplyAddress() {
    return "r" + id + "." + (++requestCounter);
  }

  private static String frame(String address, String replyAddress, JsonObject body) {
    return new JsonObject().put("type", "send").put("address", address).put("replyAddress", replyAddress).put("body", body).encode();
  }

  /** Text frames, as the browsers' bridge client sends them (over SockJS, each in an array of one). */
  private void write(String frame) {
    if (!isOpen()) {
      return;
    }
    String message = transport == SocketTransport.SOCKJS ? SockJsFraming.encode(frame) : frame;
    socket.writeTextMessage(message).onFailure(e -> listener.onError("write." + ErrorCounter.kindOf(e)));
  }

  /** A SockJS frame: its messages are bridge frames; its close frame's code is the socket's close code. */
  private void onSockJsFrame(String text) {
    SockJsFraming.Frame frame;
    try {
      frame = SockJsFraming.decode(text);
    } catch (IllegalArgumentException e) {
      listener.onError("frame.sockjs_invalid");
      return;
    }
    if (frame instanceof SockJsFraming.Messages messages) {
      messages.messages().forEach(message -> onFrame(Buffer.buffer(message)));
    } else if (frame instanceof SockJsFraming.Close close) {
      sockJsCloseCode = (short) close.code();
    }
  }

  private void onFrame(Buffer data) {
    long now = System.nanoTime();
    JsonObject frame;
    String type;
    String address;
    try {
      frame = data.toJsonObject();
      type = frame.getString("type");
      address = frame.getString("address");
    } catch (RuntimeException e) {
      // Not a JSON object, or type/address not strings: the server broke the protocol.
      listener.onError("frame.invalid");
      return;
    }
    boolean rec = "rec".equals(type);
    if (!rec && !"err".equals(type)) {
      listener.onError("frame.type." + type);
      return;
    }
    if (address == null) {
      // Frame-level errors carry no address.
      listener.onError("err." + errorCode(frame));
      return;
    }
    if (address.equals(user.inbox())) {
      if (rec) {
        JsonObject event = body(frame);
        if (event != null && "message".equals(event.getValue("type")) && event.getValue("message") instanceof JsonObject m) {
          hold(m);
        } else if (event != null && "reconnect".equals(event.getValue("type"))) {
          told = true;
        }
        listener.onEvent(this, event, now);
      } else {
        listener.onError("err." + errorCode(frame));
      }
      return;
    }
    Outgoing send = pendingSends.remove(address);
    if (send != null) {
      if (!rec && sendFailuresLogged.getAndIncrement() < SEND_FAILURES_LOGGED) {
        // The server's error text (never a token or a message body): which service or limit refused.
        LOG.warn("a send of {} was answered {} (attempt {})", user.username(), frame.getValue("message"), send.retries + 1);
      }
      if (!rec && retry(send, errorCode(frame), now)) {
        flush();
        return;
      }
      unacked.remove(send.clientMsgId);
      if (rec) {
        JsonObject message = body(frame);
        if (message != null) {
          hold(message);
        }
        listener.onAck(this, send.pending, message, now);
      } else {
        listener.onSendFailed(this, send.pending, errorCode(frame), now);
      }
      flush();
      return;
    }
    Promise<JsonObject> reply = pendingRequests.remove(address);
    if (reply != null) {
      if (rec) {
        reply.tryComplete(body(frame));
      } else {
        listener.onError("err." + errorCode(frame));
        reply.tryFail(new Failure("err_" + errorCode(frame)));
      }
      return;
    }
    listener.onError(rec ? "frame.unexpected_reply" : "err." + errorCode(frame));
  }

  /**
   * Puts a send answered with a {@link #RETRYABLE} code back, to be written again after its
   * jittered wait with the same clientMsgId (the server stores it once whatever the attempts).
   * @return false when it is not to be retried: the answer is final
   */
  private boolean retry(Outgoing send, String code, long nowNanos) {
    if (!RETRYABLE.contains(code) || send.retries >= sendRetries || closing || gaveUp) {
      return false;
    }
    send.retries++;
    send.replyAddress = null; // its reply came: no longer written on this socket
    send.retryWaiting = true;
    listener.onSendRetried(this, send.pending, code, nowNanos);
    long ceiling = Math.min(SEND_RETRY_CAP_MS, SEND_RETRY_BASE_MS << Math.min(send.retries - 1, 20));
    lane.vertx().setTimer(Math.max(1, java.util.concurrent.ThreadLocalRandom.current().nextLong(ceiling + 1)), t -> {
      if (!send.retryWaiting || unacked.get(send.clientMsgId) != send || closing) {
        return;
      }
      send.retryWaiting = false;
      unwritten++; // written now if the socket is live, else after the reconnect's sync
      flush();
    });
    return true;
  }

  /** Notes a message this client now holds (its room and seq); malformed ones are the listener's to count. */
  private void hold(JsonObject message) {
    if (message.getValue("roomId") instanceof String roomId && message.getValue("seq") instanceof Number seq
        && seq.longValue() > 0 && seq.longValue() <= Integer.MAX_VALUE) {
      rooms.computeIfAbsent(roomId, k -> new RoomState()).seen.set((int) seq.longValue());
    }
  }

  /** The highest seq held of every room, for tests. */
  Map<String, Long> held() {
    Map<String, Long> held = new HashMap<>();
    rooms.forEach((r, s) -> held.put(r, s.held()));
    return held;
  }

  /** A request that failed on the socket; the message is its error kind. */
  static final class Failure extends RuntimeException {
    Failure(String kind) {
      super(kind, null, false, false);
    }
  }

  /** A rec frame's body, or null when it is not an object (the listener counts it as malformed). */
  private static JsonObject body(JsonObject frame) {
    return frame.getValue("body") instanceof JsonObject body ? body : null;
  }

  /** The code word of an err frame: {@code "<word>: <text>"}, or the bridge's word in {@code body}. */
  static String errorCode(JsonObject frame) {
    Object message = frame.getValue("message");
    if (message instanceof String text && !text.isEmpty()) {
      int colon = text.indexOf(':');
      return colon > 0 ? text.substring(0, colon) : text;
    }
    Object body = frame.getValue("body");
    return body instanceof String word && !word.isEmpty() ? word : "unknown";
  }

  private void onClosed(WebSocket ws) {
    if (ws != socket) {
      return; // a socket this client already gave up
    }
    Short code = sockJsCloseCode != null ? sockJsCloseCode : ws.closeStatusCode();
    if (!closing) {
      listener.onError("close." + (code == null ? "no_code" : code.toString()));
    }
    boolean authClose = code != null && (code == UNAUTHORIZED || code == EXPIRED);
    lastCloseCode = told && !authClose ? Short.valueOf(SERVICE_RESTART) : code;
    told = false;
    dropSocket();
    if (!closing && established && backoff != null && !recovering) {
      recover();
    }
  }

  /** Forgets the current socket: its requests fail, its unanswered sends wait to be written again. */
  private void dropSocket() {
    closed = true;
    live = false;
    cancelPing();
    for (Outgoing out : pendingSends.values()) {
      out.replyAddress = null;
      out.written = true;
      unwritten++;
    }
    pendingSends.clear();
    // Failing a request runs its callbacks at once, and they remove it from the map: fail a copy.
    List<Promise<JsonObject>> pending = new ArrayList<>(pendingRequests.values());
    pendingRequests.clear();
    pending.forEach(p -> p.tryFail(new Failure("socket_closed")));
  }

  /** Closes a socket whose reconnect attempt failed after it opened; its close is not reported. */
  private void abandonSocket() {
    WebSocket ws = socket;
    if (ws != null && !closed) {
      dropSocket();
      socket = null;
      ws.close().onFailure(e -> listener.onError("close_failed." + ErrorCounter.kindOf(e)));
    }
  }

  private void recover() {
    recovering = true;
    attempt(0, System.nanoTime());
  }

  private void attempt(int attempt, long outageStart) {
    if (closing) {
      recovering = false;
      return;
    }
    long delay = backoff.delayMs(attempt, lastCloseCode);
    if (delay < 0) {
      recovering = false;
      gaveUp = true;
      listener.onGaveUp(this, attempt);
      return;
    }
    if (delay == 0) {
      reconnect(attempt, outageStart);
    } else {
      retryTimer = lane.vertx().setTimer(delay, t -> {
        retryTimer = -1;
        reconnect(attempt, outageStart);
      });
    }
  }

  private void reconnect(int attempt, long outageStart) {
    if (closing) {
      recovering = false;
      return;
    }
    boolean relogin = lastCloseCode != null && (lastCloseCode == UNAUTHORIZED || lastCloseCode == EXPIRED);
    int[] epochResets = {0};
    connectSocket(relogin).compose(v -> syncAll(epochResets)).onComplete(r -> {
      if (closing) {
        recovering = false;
        return;
      }
      if (r.succeeded() && isOpen()) {
        recovering = false;
        live = true;
        int resent = flush();
        listener.onRecovered(this, new Recovery(System.nanoTime() - outageStart, attempt + 1, r.result(), resent, epochResets[0]));
        return;
      }
      listener.onError("reconnect." + (r.failed() ? connectFailureKind(r.cause()) : "socket_closed"));
      if (r.failed() && r.cause() instanceof UpgradeRejectedException rejected
          && (rejected.getStatus() == 401 || rejected.getStatus() == 403)) {
        lastCloseCode = UNAUTHORIZED; // refused at the handshake: the credential is no longer good
      }
      abandonSocket();
      attempt(attempt + 1, outageStart);
    });
  }

  private static String connectFailureKind(Throwable e) {
    return e instanceof UpgradeRejectedException rejected ? "http_" + rejected.getStatus() : ErrorCounter.kindOf(e);
  }

  /** {@code chat.sync} of every room from the seq held, chunk after chunk. @return the messages received */
  private Future<Long> syncAll(int[] epochResets) {
    List<String> ids = new ArrayList<>(rooms.keySet());
    Future<Long> chain = Future.succeededFuture(0L);
    for (int from = 0; from < ids.size(); from += SYNC_CHUNK_ROOMS) {
      Map<String, Long> chunk = new HashMap<>();
      for (String roomId : ids.subList(from, Math.min(ids.size(), from + SYNC_CHUNK_ROOMS))) {
        chunk.put(roomId, rooms.get(roomId).held());
      }
      chain = chain.compose(n -> syncChunk(chunk, 0, epochResets).map(m -> n + m));
    }
    return chain;
  }

  /**
   * One {@code chat.sync} of these rooms from these seqs; then again for the rooms answering
   * {@code hasMore} (from the last seq received, or from the same seq when the reply's byte budget,
   * {@code SYNC_MAX_REPLY_BYTES}, did not reach the room) or a changed epoch (from 0). The server
   * puts at least one message in a reply that has any to give, so a round that brings none while
   * rooms still answer {@code hasMore} fails the attempt.
   */
  private Future<Long> syncChunk(Map<String, Long> from, int round, int[] epochResets) {
    if (from.isEmpty()) {
      return Future.succeededFuture(0L);
    }
    if (round >= MAX_SYNC_ROUNDS) {
      return Future.failedFuture(new Failure("sync_rounds"));
    }
    JsonObject rooms = new JsonObject();
    from.forEach(rooms::put);
    return request("chat.sync", new JsonObject().put("rooms", rooms)).compose(answer -> {
      long now = System.nanoTime();
      Map<String, Long> again = new HashMap<>();
      long received = 0;
      boolean reset = false;
      JsonObject answered = answer == null ? null : answer.getValue("rooms") instanceof JsonObject r ? r : null;
      if (answered == null) {
        return Future.failedFuture(new Failure("sync_malformed"));
      }
      for (String roomId : answered.fieldNames()) {
        if (!(answered.getValue(roomId) instanceof JsonObject page) || !from.containsKey(roomId)) {
          listener.onError("sync.malformed");
          continue;
        }
        RoomState state = this.rooms.computeIfAbsent(roomId, k -> new RoomState());
        String epoch = page.getValue("epoch") instanceof String e ? e : null;
        if (epoch != null && state.epoch != null && !epoch.equals(state.epoch)) {
          // docs/protocol.md, Epochs: the room's seqs started again; drop what is held, load from 0.
          state.seen.clear();
          state.epoch = epoch;
          epochResets[0]++;
          reset = true;
          again.put(roomId, 0L);
          continue;
        }
        if (epoch != null) {
          state.epoch = epoch;
        }
        long last = from.get(roomId);
        JsonArray messages = page.getValue("messages") instanceof JsonArray a ? a : new JsonArray();
        for (Object m : messages) {
          if (m instanceof JsonObject message) {
            hold(message);
            received++;
            if (message.getValue("seq") instanceof Number seq) {
              last = Math.max(last, seq.longValue());
            }
            listener.onSyncedMessage(this, message, now);
          } else {
            listener.onError("sync.malformed");
          }
        }
        if (Boolean.TRUE.equals(page.getValue("hasMore"))) {
          again.put(roomId, last);
        }
      }
      if (received == 0 && !reset && !again.isEmpty()) {
        return Future.failedFuture(new Failure("sync_no_progress"));
      }
      long receivedHere = received;
      return syncChunk(again, round + 1, epochResets).map(n -> n + receivedHere);
    });
  }

  private void cancelPing() {
    if (pingTimer >= 0) {
      lane.vertx().cancelTimer(pingTimer);
      pingTimer = -1;
    }
  }
}

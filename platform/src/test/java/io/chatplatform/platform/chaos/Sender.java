package io.chatplatform.platform.chaos;

import io.chatplatform.platform.SocketClient;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A steady sender on one socket: one {@code chat.send} at a time, one every {@code paceMs}. With
 * {@code retry}, an unacknowledged message (error answer or none) is sent again with the same
 * {@code clientMsgId} until it is acknowledged, as docs/protocol.md tells clients to; without, the
 * next message is sent and the failure is recorded. Not the load generator: just enough client for
 * the scenarios that do not need a reconnect.
 */
final class Sender {
  /** One request: when it was sent and answered, and how. {@code error} is null for an ack. */
  record Attempt(String clientMsgId, long sentNanos, long answeredNanos, Long seq, String error) {
    long millis() {
      return (answeredNanos - sentNanos) / 1_000_000;
    }
  }

  /** One message: acknowledged (seq) or not, after how many attempts. */
  record Outcome(String clientMsgId, long firstNanos, long endNanos, int attempts, Long seq) {}

  final Vertx vertx;
  final SocketClient socket;
  final String roomId;
  final String prefix;
  final boolean retry;
  final long paceMs;
  /** Give up resending one message after this long (retry mode). */
  final long giveUpNanos = TimeUnit.SECONDS.toNanos(60);
  final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
  final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean stop;
  private final Thread thread;
  private volatile Throwable crash;

  Sender(Vertx vertx, SocketClient socket, String roomId, String prefix, boolean retry, long paceMs) {
    this.vertx = vertx;
    this.socket = socket;
    this.roomId = roomId;
    this.prefix = prefix;
    this.retry = retry;
    this.paceMs = paceMs;
    this.thread = new Thread(this::loop, "sender-" + prefix);
    thread.setDaemon(true);
  }

  Sender start() {
    thread.start();
    return this;
  }

  /** Stops after the message in flight (resent until acked or given up in retry mode). */
  void stop() throws InterruptedException {
    stop = true;
    thread.join(TimeUnit.SECONDS.toMillis(90));
    if (crash != null) {
      throw new IllegalStateException("the sender failed", crash);
    }
  }

  private void loop() {
    try {
      for (int i = 1; !stop; i++) {
        String clientMsgId = prefix + "-" + i;
        JsonObject body = new JsonObject().put("roomId", roomId).put("clientMsgId", clientMsgId).put("text", "chaos " + clientMsgId);
        long first = System.nanoTime();
        int n = 0;
        Long seq = null;
        while (true) {
          n++;
          Attempt a = once(clientMsgId, body);
          attempts.add(a);
          if (a.seq() != null) {
            seq = a.seq();
            break;
          }
          if (!retry || System.nanoTime() - first > giveUpNanos || socket.isClosed()) {
            break;
          }
          pause(200);
        }
        outcomes.add(new Outcome(clientMsgId, first, System.nanoTime(), n, seq));
        if (socket.isClosed()) {
          throw new IllegalStateException("the sender's socket was closed: " + socket.closeReason());
        }
        pause(paceMs);
      }
    } catch (Throwable e) {
      crash = e;
    }
  }

  private Attempt once(String clientMsgId, JsonObject body) {
    long sent = System.nanoTime();
    try {
      JsonObject frame = socket.request("chat.send", body);
      long answered = System.nanoTime();
      if ("rec".equals(frame.getString("type"))) {
        return new Attempt(clientMsgId, sent, answered, frame.getJsonObject("body").getLong("seq"), null);
      }
      return new Attempt(clientMsgId, sent, answered, null, String.valueOf(frame.getValue("body")));
    } catch (AssertionError e) {
      // No answer within SocketClient's wait (Await.TIMEOUT).
      return new Attempt(clientMsgId, sent, System.nanoTime(), null, "no answer");
    }
  }

  /** A client's backoff between sends: a Vert.x timer, waited for. */
  private void pause(long ms) {
    if (ms > 0) {
      Await.result(vertx.timer(ms, TimeUnit.MILLISECONDS));
    }
  }

  List<Attempt> attempts() {
    synchronized (attempts) {
      return new ArrayList<>(attempts);
    }
  }

  List<Outcome> outcomes() {
    synchronized (outcomes) {
      return new ArrayList<>(outcomes);
    }
  }

  boolean hasAcked() {
    return acked() > 0;
  }

  long acked() {
    return outcomes().stream().filter(o -> o.seq() != null).count();
  }
}

package io.chatplatform.loadtest.generator;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.LongAdder;

/**
 * How sockets came back after the server closed them (or they broke): reconnects, failed
 * attempts, sends resent with their clientMsgId, messages caught up by {@code chat.sync}, rooms
 * reset by a changed epoch, sockets that gave up, and the time from the close until the socket
 * was synced and its unacknowledged sends written again; and sends written again after an answer
 * the protocol calls safe to retry ({@code unavailable}, {@code internal}). Fed from every lane.
 */
public final class RecoveryStats {
  final LongAdder reconnects = new LongAdder();
  final LongAdder failedAttempts = new LongAdder();
  final LongAdder resends = new LongAdder();
  final LongAdder syncedMessages = new LongAdder();
  final LongAdder epochResets = new LongAdder();
  final LongAdder gaveUp = new LongAdder();
  final LongAdder sendRetries = new LongAdder();
  final LatencyRecorder recoveredAfter = new LatencyRecorder();

  void onRecovered(ClientConnection.Recovery r) {
    reconnects.increment();
    failedAttempts.add(r.attempts() - 1L);
    resends.add(r.resent());
    syncedMessages.add(r.syncedMessages());
    epochResets.add(r.epochResets());
    recoveredAfter.recordNanos(r.downtimeNanos());
  }

  void onGaveUp(int attempts) {
    gaveUp.increment();
    failedAttempts.add(attempts);
  }

  void onSendRetried() {
    sendRetries.increment();
  }

  Summary summary() {
    return new Summary(reconnects.sum(), failedAttempts.sum(), resends.sum(), syncedMessages.sum(), epochResets.sum(), gaveUp.sum(),
        sendRetries.sum(), recoveredAfter.summary());
  }

  /**
   * @param reconnects sockets reopened, synced and resent (one per outage)
   * @param failedAttempts connect or sync attempts that failed (then backed off)
   * @param resends sends written again after a reconnect, with their first clientMsgId
   * @param syncedMessages messages received in {@code chat.sync} answers after a reconnect
   * @param epochResets rooms whose epoch changed: everything held of them was dropped
   * @param gaveUp sockets that used up their attempts and stayed closed
   * @param sendRetries sends written again (same clientMsgId) after an {@code unavailable} or {@code internal} answer
   * @param recoveredAfter from the close to synced and resent, in ms
   */
  public record Summary(long reconnects, long failedAttempts, long resends, long syncedMessages, long epochResets, long gaveUp,
      long sendRetries, LatencyRecorder.Summary recoveredAfter) {
    public static final Summary NONE = new Summary(0, 0, 0, 0, 0, 0, 0, LatencyRecorder.Summary.EMPTY);

    public boolean isEmpty() {
      return reconnects == 0 && failedAttempts == 0 && gaveUp == 0 && sendRetries == 0;
    }

    JsonObject toJson() {
      return new JsonObject().put("reconnects", reconnects).put("failedAttempts", failedAttempts).put("resends", resends)
          .put("syncedMessages", syncedMessages).put("epochResets", epochResets).put("gaveUp", gaveUp).put("sendRetries", sendRetries)
          .put("recoveredAfterMs", recoveredAfter.toJson());
    }
  }
}

package io.chatplatform.loadtest.generator;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.LongAdder;

/**
 * The figures of one measured step of a messaging scenario, fed from every lane. Only messages
 * whose intended send time falls in the measured window count: warmup messages are sent the same
 * way but their acks and deliveries are left out.
 */
final class StepRun {
  final int index;
  final double ratePerSender;
  final DeliveryLedger ledger;
  final LatencyRecorder ackLatency = new LatencyRecorder();
  final LatencyRecorder deliveryLatency = new LatencyRecorder();
  /** How late the generator sent compared with the schedule: its own saturation, not the server's. */
  final LatencyRecorder sendLag = new LatencyRecorder();
  final ErrorCounter errors = new ErrorCounter();
  /** Sockets that came back (or gave up) during this step. */
  final RecoveryStats recovery = new RecoveryStats();

  final LongAdder sent = new LongAdder();
  final LongAdder sentMeasured = new LongAdder();
  final LongAdder offeredDeliveries = new LongAdder();
  final LongAdder acked = new LongAdder();
  final LongAdder ackFailed = new LongAdder();
  final LongAdder expectedSoFar = new LongAdder();
  final LongAdder deliveries = new LongAdder();
  final LongAdder firstDeliveries = new LongAdder();
  /** Deliveries of warmup messages or of an earlier step (arriving late): not counted. */
  final LongAdder ignoredDeliveries = new LongAdder();
  /** Acks and deliveries of every message, warmup included: for the progress lines only. */
  final LongAdder allAcks = new LongAdder();
  final LongAdder allDeliveries = new LongAdder();

  StepRun(int index, double ratePerSender, DeliveryLedger ledger) {
    this.index = index;
    this.ratePerSender = ratePerSender;
    this.ledger = ledger;
  }

  void onSent(boolean measured, long intendedNanos, long nowNanos, int recipients) {
    sent.increment();
    if (measured) {
      sentMeasured.increment();
      offeredDeliveries.add(recipients);
      sendLag.recordNanos(nowNanos - intendedNanos);
    }
  }

  void onAck(PendingSend send, JsonObject message, long nowNanos) {
    allAcks.increment();
    if (!send.measured()) {
      return;
    }
    acked.increment();
    ackLatency.recordNanos(nowNanos - send.intendedNanos());
    Long seq = message == null ? null : message.getLong("seq");
    if (seq == null || !send.roomId().equals(message.getString("roomId"))) {
      errors.add("ack.malformed");
      return;
    }
    ledger.expect(send.roomId(), seq);
    expectedSoFar.add(ledger.recipients(send.roomId()));
  }

  void onSendFailed(PendingSend send, String code) {
    errors.add("err." + code);
    if (send.measured()) {
      ackFailed.increment();
    }
  }

  /**
   * A send answered with a code safe to retry, which the client writes again: counted as
   * {@code retried.<code>}, apart from the {@code err.<code>} of answers that were final.
   */
  void onSendRetried(String code) {
    errors.add("retried." + code);
    recovery.onSendRetried();
  }

  /**
   * One delivery of a message to one socket: a live event, a message of a {@code chat.sync}
   * answer, or the sender's own {@code chat.send} reply. The first of (socket, room, seq) counts,
   * its latency from the intended send time.
   */
  void onDelivery(int socketId, String roomId, long seq, String messageId, String clientMsgId, MessageMarker marker, long nowNanos) {
    allDeliveries.increment();
    if (!marker.measured()) {
      ignoredDeliveries.increment();
      return;
    }
    deliveries.increment();
    if (ledger.record(socketId, roomId, seq, messageId, clientMsgId)) {
      firstDeliveries.increment();
      deliveryLatency.recordNanos(nowNanos - marker.intendedNanos());
    }
  }

  /** Every measured send has its reply and every owed delivery has arrived: nothing left to drain. */
  boolean isSettled() {
    return sentMeasured.sum() == acked.sum() + ackFailed.sum() && firstDeliveries.sum() >= expectedSoFar.sum();
  }

  /** {@code serverThreads}: the server's threads over the step, per stored message ({@link ServerSnapshot#perMessage}), or null. */
  StepResult result(double measuredSeconds, ServerProbe.CpuUsage serverCpu, ServerProbe.CpuUsage generatorCpu, JsonObject serverThreads) {
    DeliveryLedger.Totals totals = ledger.totals();
    long measured = sentMeasured.sum();
    long unanswered = measured - acked.sum() - ackFailed.sum();
    if (unanswered > 0) {
      errors.add("ack.missing", unanswered);
    }
    return new StepResult(index, ratePerSender, measuredSeconds, sent.sum() - measured, measured, acked.sum(), ackFailed.sum(),
        unanswered, offeredDeliveries.sum(), totals, ignoredDeliveries.sum(), ackLatency.summary(), deliveryLatency.summary(),
        sendLag.summary(), errors.snapshot(), serverCpu, generatorCpu, recovery.summary(), serverThreads);
  }
}

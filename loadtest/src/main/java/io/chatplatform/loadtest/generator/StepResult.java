package io.chatplatform.loadtest.generator;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/** The figures of one measured step (what the JSON result, the report and the chart show). */
public record StepResult(
    int index,
    double ratePerSender,
    double measuredSeconds,
    long warmupSent,
    long sent,
    long acked,
    long ackFailed,
    long unanswered,
    long offeredDeliveries,
    DeliveryLedger.Totals deliveries,
    long ignoredDeliveries,
    LatencyRecorder.Summary ackLatency,
    LatencyRecorder.Summary deliveryLatency,
    LatencyRecorder.Summary sendLag,
    Map<String, Long> errors,
    ServerProbe.CpuUsage serverCpu,
    ServerProbe.CpuUsage generatorCpu,
    RecoveryStats.Summary recovery,
    JsonObject serverThreads) {

  /** A step in which no socket had to reconnect, without readings of the server's threads. */
  public StepResult(int index, double ratePerSender, double measuredSeconds, long warmupSent, long sent, long acked, long ackFailed,
      long unanswered, long offeredDeliveries, DeliveryLedger.Totals deliveries, long ignoredDeliveries,
      LatencyRecorder.Summary ackLatency, LatencyRecorder.Summary deliveryLatency, LatencyRecorder.Summary sendLag,
      Map<String, Long> errors, ServerProbe.CpuUsage serverCpu, ServerProbe.CpuUsage generatorCpu) {
    this(index, ratePerSender, measuredSeconds, warmupSent, sent, acked, ackFailed, unanswered, offeredDeliveries, deliveries,
        ignoredDeliveries, ackLatency, deliveryLatency, sendLag, errors, serverCpu, generatorCpu, RecoveryStats.Summary.NONE, null);
  }

  public double offeredMsgsPerSecond() {
    return sent / measuredSeconds;
  }

  public double ackedMsgsPerSecond() {
    return acked / measuredSeconds;
  }

  public double offeredDeliveriesPerSecond() {
    return offeredDeliveries / measuredSeconds;
  }

  /** Distinct deliveries of measured, acknowledged messages per second of the measured window. */
  public double deliveredPerSecond() {
    return deliveries.received() / measuredSeconds;
  }

  long errorTotal() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("step", index)
        .put("ratePerSender", ratePerSender)
        .put("measuredSeconds", measuredSeconds)
        .put("offeredMsgsPerSec", round(offeredMsgsPerSecond()))
        .put("ackedMsgsPerSec", round(ackedMsgsPerSecond()))
        .put("offeredDeliveriesPerSec", round(offeredDeliveriesPerSecond()))
        .put("deliveredPerSec", round(deliveredPerSecond()))
        .put("messages", new JsonObject().put("warmupSent", warmupSent).put("sent", sent).put("acked", acked)
            .put("failed", ackFailed).put("unanswered", unanswered))
        .put("deliveries", new JsonObject().put("expected", deliveries.expected()).put("received", deliveries.received())
            .put("lost", deliveries.lost()).put("duplicated", deliveries.duplicated()).put("redelivered", deliveries.redelivered())
            .put("ofUnacknowledgedMessages", deliveries.unacknowledged()).put("ignoredWarmupOrLate", ignoredDeliveries))
        .put("ackLatencyMs", ackLatency.toJson())
        .put("deliveryLatencyMs", deliveryLatency.toJson())
        .put("generatorSendLagMs", sendLag.toJson())
        .put("recovery", recovery.toJson())
        .put("errors", ErrorCounter.toJson(errors));
    if (serverCpu != null) {
      json.put("serverCpu", serverCpu.toJson(deliveries.received(), acked));
    }
    if (generatorCpu != null) {
      // This process (and only this one), over the same window: next to the server's figure it
      // shows how much of a shared machine the generator itself took.
      json.put("generatorCpu", generatorCpu.toJson(deliveries.received(), acked));
    }
    if (serverThreads != null && serverThreads.containsKey("allocatedBytesPerMessage")) {
      // Per delivery: per stored message over the window's (distinct) deliveries per stored message.
      // Not the deliveries seen between the thread readings: a server still catching up after its
      // warmup delivers older messages in that span.
      long perMessage = serverThreads.getLong("allocatedBytesPerMessage");
      json.put("serverThreads", serverThreads.copy().put("allocatedBytesPerDelivery",
          deliveries.received() == 0 ? 0 : Math.round(perMessage * (double) acked / deliveries.received())));
    }
    return json;
  }

  static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}

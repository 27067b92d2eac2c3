package io.chatplatform.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** A messaging step's thread readings: what the server's threads did, per stored message and per delivery. */
class StepThreadsTest {
  private static ServerSnapshot threads(double loopCpuMillis, long loopBytes, double gcCpuMillis) {
    return new ServerSnapshot(0, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), Optional.of(Map.of(
        "0x1", new ServerProbe.ThreadUse("vert.x-eventloop-thread-0", loopCpuMillis, loopBytes),
        "0x2", new ServerProbe.ThreadUse("GC Thread#0", gcCpuMillis, 0))));
  }

  @Test
  void growthIsDividedByTheMessagesStoredInBetweenInTotalAndByPool() {
    // 1,000 messages stored between the readings: 2 s of event-loop CPU and 20 MB allocated, 0.5 s of GC.
    JsonObject perMessage = ServerSnapshot.perMessage(threads(1000, 5_000_000, 100).threadGrowth(threads(3000, 25_000_000, 600)), 1000);

    assertThat(perMessage.getLong("allocatedBytesPerMessage")).isEqualTo(20_000);
    assertThat(perMessage.getDouble("cpuMicrosPerMessage")).isEqualTo(2500.0);
    JsonObject loop = perMessage.getJsonArray("byPool").getJsonObject(0);
    assertThat(loop.getString("threads")).isEqualTo("vert.x-eventloop-thread");
    assertThat(loop.getDouble("cpuMicrosPerMessage")).isEqualTo(2000.0);
    assertThat(loop.getLong("allocatedBytesPerMessage")).isEqualTo(20_000);
    JsonObject gc = perMessage.getJsonArray("byPool").getJsonObject(1);
    assertThat(gc.getString("threads")).isEqualTo("GC Thread");
    assertThat(gc.getDouble("cpuMicrosPerMessage")).isEqualTo(500.0);
    assertThat(ServerSnapshot.perMessage(threads(0, 0, 0).threadGrowth(threads(0, 0, 0)), 0).containsKey("allocatedBytesPerMessage"))
        .as("no message stored: no per-message figure").isFalse();
  }

  @Test
  void theStepsJsonHasThemAndTheBytesPerDeliveryOfItsWindow() {
    LatencyRecorder.Summary none = LatencyRecorder.Summary.EMPTY;
    JsonObject serverThreads = new JsonObject().put("allocatedBytes", 20_000_000L).put("allocatedBytesPerMessage", 20_000L);
    // 400 messages stored in the window, 40,000 deliveries: 100 per message.
    StepResult step = new StepResult(0, 0.2, 20, 0, 400, 400, 0, 0, 40_000, new DeliveryLedger.Totals(40_000, 40_000, 0, 0), 0,
        none, none, none, Map.of(), null, null, RecoveryStats.Summary.NONE, serverThreads);

    JsonObject json = step.toJson().getJsonObject("serverThreads");

    assertThat(json.getLong("allocatedBytesPerMessage")).isEqualTo(20_000);
    assertThat(json.getLong("allocatedBytesPerDelivery")).isEqualTo(200);
    StepResult without = new StepResult(0, 0.2, 20, 0, 400, 400, 0, 0, 40_000, new DeliveryLedger.Totals(40_000, 40_000, 0, 0), 0,
        none, none, none, Map.of(), null, null);
    assertThat(without.toJson().containsKey("serverThreads")).as("no thread readings, no field").isFalse();
  }
}

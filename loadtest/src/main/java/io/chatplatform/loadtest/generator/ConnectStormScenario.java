package io.chatplatform.loadtest.generator;

import io.chatplatform.loadtest.Options;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@code connect-storm}: N users (created first, not timed) open their sockets as fast as the
 * server accepts, {@code --concurrency} at a time. A connection counts once it has registered its
 * inbox and received the answer to {@code chat.sync {"rooms":{}}}: that is when a real client
 * can chat.
 */
final class ConnectStormScenario {
  private final Harness harness;

  ConnectStormScenario(Harness harness) {
    this.harness = harness;
  }

  RunResult run() throws Exception {
    Options options = harness.options;
    harness.awaitServerReady();
    List<TestUser> users = harness.createUsers(options.connections());
    ConnectionListener listener = harness.errors::add;
    Harness.ConnectOutcome outcome;
    OptionalLong cpuStart = harness.probe.cpuTicks();
    try (ProgressReporter progress = harness.connectProgress()) {
      outcome = harness.connect(users, i -> listener);
    }
    OptionalLong cpuEnd = harness.probe.cpuTicks();
    ServerProbe.CpuUsage cpu = harness.probe.usage(cpuStart, cpuEnd, outcome.seconds());
    JsonObject figures = new JsonObject()
        .put("attempted", users.size())
        .put("connected", outcome.connected())
        .put("failed", outcome.failed())
        .put("seconds", outcome.seconds())
        .put("connectionsPerSec", StepResult.round(outcome.connected() / Math.max(outcome.seconds(), 1e-3)))
        .put("connectLatencyMs", LatencyRecorder.Summary.of(outcome.latency()).toJson());
    if (cpu != null) {
      figures.put("serverCpu", new JsonObject().put("cpuSeconds", StepResult.round(cpu.cpuSeconds()))
          .put("cpuMicrosPerConnection", StepResult.round(ServerProbe.CpuUsage.microsPer(cpu.cpuSeconds(), outcome.connected()))));
    }
    harness.closeAll(outcome.connections());
    JsonObject setup = new JsonObject().put("users", users.size());
    return new RunResult(options, setup, List.of(), figures, harness.errors.snapshot());
  }
}

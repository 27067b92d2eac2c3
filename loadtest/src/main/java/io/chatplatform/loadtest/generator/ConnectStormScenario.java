package io.chatplatform.loadtest.generator;

import io.chatplatform.loadtest.Options;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code connect-storm}: N users (created first, not timed) open their sockets as fast as the
 * server accepts, {@code --concurrency} at a time. A connection counts once it has registered its
 * inbox and received the answer to {@code chat.sync {"rooms":{}}}: that is when a real client
 * can chat.
 *
 * <p>With {@code --passes P} the same storm is run P times against the same server, every socket
 * closed between two passes: the first pass meets a freshly started server (the case after a
 * crash), the later ones a warm one (JIT compiled, caches filled). Each pass is reported; the
 * figures at the top are the last pass's.
 */
final class ConnectStormScenario {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectStormScenario.class);
  /** The server's gauge of open sockets: a pass starts once the previous pass's sockets are gone there too. */
  private static final String SOCKETS_OPEN = "chat_gateway_sockets_open";
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);
  private static final long SETTLE_POLL_MS = 100;

  private final Harness harness;

  ConnectStormScenario(Harness harness) {
    this.harness = harness;
  }

  RunResult run() throws Exception {
    Options options = harness.options;
    harness.awaitServerReady();
    List<TestUser> users = harness.createUsers(options.connections());
    JsonArray passes = new JsonArray();
    JsonObject last = null;
    for (int pass = 1; pass <= options.passes(); pass++) {
      if (pass > 1) {
        awaitServerSocketsClosed();
      }
      LOG.info("pass {} of {}: {} sockets", pass, options.passes(), users.size());
      last = pass(users).put("pass", pass);
      LOG.info("pass {} done: {} connections/s", pass, last.getDouble("connectionsPerSec"));
      passes.add(last);
    }
    JsonObject figures = last.copy();
    figures.remove("pass");
    if (options.passes() > 1) {
      figures.put("passes", passes);
    }
    JsonObject setup = new JsonObject().put("users", users.size());
    return new RunResult(options, setup, List.of(), figures, harness.errors.snapshot());
  }

  /** Every user connects once; the sockets are closed again before this returns. */
  private JsonObject pass(List<TestUser> users) throws Exception {
    ConnectionListener listener = harness.errors::add;
    Harness.ConnectOutcome outcome;
    OptionalLong cpuStart = harness.probe.cpuTicks();
    OptionalLong ownStart = ServerProbe.ownCpuTicks();
    try (ProgressReporter progress = harness.connectProgress()) {
      outcome = harness.connect(users, i -> listener);
    }
    OptionalLong cpuEnd = harness.probe.cpuTicks();
    OptionalLong ownEnd = ServerProbe.ownCpuTicks();
    ServerProbe.CpuUsage cpu = harness.probe.usage(cpuStart, cpuEnd, outcome.seconds());
    ServerProbe.CpuUsage own = harness.probe.usage(ownStart, ownEnd, outcome.seconds());
    JsonObject figures = new JsonObject()
        .put("attempted", users.size())
        .put("connected", outcome.connected())
        .put("failed", outcome.failed())
        .put("seconds", outcome.seconds())
        .put("connectionsPerSec", StepResult.round(outcome.connected() / Math.max(outcome.seconds(), 1e-3)))
        .put("connectLatencyMs", LatencyRecorder.Summary.of(outcome.latency()).toJson());
    if (cpu != null) {
      figures.put("serverCpu", new JsonObject().put("cpuSeconds", StepResult.round(cpu.cpuSeconds()))
          .put("coresBusy", StepResult.round(cpu.cpuSeconds() / Math.max(outcome.seconds(), 1e-3)))
          .put("cpuMicrosPerConnection", StepResult.round(ServerProbe.CpuUsage.microsPer(cpu.cpuSeconds(), outcome.connected()))));
    }
    if (own != null) {
      // Generator and server share the machine's cores: what the generator took is not the server's.
      figures.put("generatorCpu", new JsonObject().put("cpuSeconds", StepResult.round(own.cpuSeconds()))
          .put("coresBusy", StepResult.round(own.cpuSeconds() / Math.max(outcome.seconds(), 1e-3))));
    }
    harness.closeAll(outcome.connections());
    return figures;
  }

  /**
   * Waits until the server's open-socket gauge reads 0, so that a pass does not pay for the
   * previous pass's closes (the baseline relays keep the same gauge); a server without it reads 0 at once.
   */
  private void awaitServerSocketsClosed() throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      double open = harness.probe.metrics().map(m -> m.sum(SOCKETS_OPEN)).orElse(0.0);
      if (open == 0) {
        return;
      }
      Thread.sleep(SETTLE_POLL_MS);
    }
    LOG.warn("the server still counts open sockets {} s after the pass's sockets were closed", SETTLE_TIMEOUT.toSeconds());
  }
}

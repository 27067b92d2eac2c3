package io.chatplatform.loadtest.report;

import io.chatplatform.loadtest.Options;
import io.chatplatform.loadtest.generator.DeliveryLedger;
import io.chatplatform.loadtest.generator.RecoveryStats;
import io.chatplatform.loadtest.generator.RunResult;
import io.chatplatform.loadtest.generator.ServerProbe;
import io.chatplatform.loadtest.generator.StepResult;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** The human-readable report on stdout, after the run (the only class that prints to stdout). */
public final class ReportPrinter {
  private final PrintStream out;

  public ReportPrinter(PrintStream out) {
    this.out = out;
  }

  /** The command line's usage text, after what was wrong with it (null: nothing, help was asked). */
  public void usage(String problem, String usage) {
    if (problem != null) {
      out.println("error: " + problem);
    }
    out.print(usage);
  }

  public void print(RunResult result, ResultWriter.Written written) {
    Options o = result.options();
    out.println();
    out.println("== " + o.scenario().cliName + " against " + o.url() + " ==");
    out.println("setup: " + result.setup().encode());
    for (StepResult s : result.steps()) {
      printStep(s);
    }
    if (!result.figures().isEmpty()) {
      printFigures(result.figures());
    }
    printErrors("errors outside measured steps", result.errors());
    out.println("result: " + written.json() + (written.svg() != null ? "   chart: " + written.svg() : ""));
  }

  private void printStep(StepResult s) {
    out.printf(Locale.ROOT, "%n-- step %d: %s msgs/s per sender, %.0f s measured --%n", s.index() + 1, SvgChart.label(s.ratePerSender()),
        s.measuredSeconds());
    out.printf(Locale.ROOT, "messages   offered %.1f/s  acked %.1f/s  (sent %d, acked %d, failed %d, unanswered %d)%n",
        s.offeredMsgsPerSecond(), s.ackedMsgsPerSecond(), s.sent(), s.acked(), s.ackFailed(), s.unanswered());
    DeliveryLedger.Totals d = s.deliveries();
    out.printf(Locale.ROOT, "deliveries offered %.1f/s  delivered %.1f/s  expected %d  received %d  lost %d  duplicated %d"
        + "  (of unacked msgs %d, redelivered %d)%n", s.offeredDeliveriesPerSecond(), s.deliveredPerSecond(), d.expected(), d.received(),
        d.lost(), d.duplicated(), d.unacknowledged(), d.redelivered());
    RecoveryStats.Summary r = s.recovery();
    if (!r.isEmpty()) {
      out.printf(Locale.ROOT, "reconnects %d  (failed attempts %d, gave up %d)  resends %d  synced msgs %d  epoch resets %d"
          + "  sends retried %d%n", r.reconnects(), r.failedAttempts(), r.gaveUp(), r.resends(), r.syncedMessages(), r.epochResets(),
          r.sendRetries());
      out.println("recovered after   " + r.recoveredAfter());
    }
    out.println("ack latency      " + s.ackLatency());
    out.println("delivery latency " + s.deliveryLatency());
    out.println("generator lag    " + s.sendLag());
    if (s.serverCpu() != null) {
      ServerProbe.CpuUsage cpu = s.serverCpu();
      out.printf(Locale.ROOT, "server CPU %.2f s over %.1f s (%.2f cores): %.1f µs per delivery, %.1f µs per message%n",
          cpu.cpuSeconds(), cpu.windowSeconds(), cpu.cpuSeconds() / cpu.windowSeconds(),
          ServerProbe.CpuUsage.microsPer(cpu.cpuSeconds(), d.received()), ServerProbe.CpuUsage.microsPer(cpu.cpuSeconds(), s.acked()));
    }
    if (s.generatorCpu() != null) {
      ServerProbe.CpuUsage cpu = s.generatorCpu();
      out.printf(Locale.ROOT, "generator CPU %.2f s (%.2f cores): %.1f µs per delivery%n", cpu.cpuSeconds(),
          cpu.cpuSeconds() / cpu.windowSeconds(), ServerProbe.CpuUsage.microsPer(cpu.cpuSeconds(), d.received()));
    }
    printErrors("errors", s.errors());
  }

  private void printFigures(JsonObject figures) {
    out.println();
    figures.forEach(e -> out.printf(Locale.ROOT, "%-28s %s%n", e.getKey(), e.getValue()));
  }

  private void printErrors(String title, Map<String, Long> errors) {
    if (!errors.isEmpty()) {
      out.println(title + ": " + errors);
    }
  }
}

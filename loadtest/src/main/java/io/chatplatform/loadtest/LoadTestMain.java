package io.chatplatform.loadtest;

import java.io.PrintStream;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar chat-loadtest.jar <scenario> [options]}: see {@link Cli#usage()}.
 * Exit status: 0 run completed (whatever its figures), 1 run failed, 2 bad command line.
 */
public final class LoadTestMain {
  private static final Logger LOG = LoggerFactory.getLogger(LoadTestMain.class);
  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;

  private LoadTestMain() {}

  public static void main(String[] args) {
    int status = run(args, System.out);
    if (status != EXIT_OK || !isRelay(args)) {
      System.exit(status);
    }
  }

  private static boolean isRelay(String[] args) {
    return args.length > 0 && Scenario.RELAY.cliName.equals(args[0]);
  }

  static int run(String[] args, PrintStream stdout) {
    if (args.length > 0 && BenchReport.COMMAND.equals(args[0])) {
      return BenchReport.run(Arrays.copyOfRange(args, 1, args.length), stdout);
    }
    ReportPrinter printer = new ReportPrinter(stdout);
    Options options;
    try {
      options = Cli.parse(args);
    } catch (Cli.HelpRequested e) {
      printer.usage(null);
      return EXIT_OK;
    } catch (Cli.UsageException e) {
      printer.usage(e.getMessage());
      return EXIT_USAGE;
    }
    try {
      if (options.scenario() == Scenario.RELAY) {
        BaselineRelay.startStandalone(options.port());
        return EXIT_OK;
      }
      if (options.worker()) {
        try (Harness harness = Harness.start(options)) {
          new IdleScenario(harness).runWorker(new WorkerChannel(System.in, stdout));
        }
        return EXIT_OK;
      }
      RunResult result = execute(options);
      printer.print(result, ResultWriter.write(result, options.out()));
      return EXIT_OK;
    } catch (Exception e) {
      LOG.error("run failed", e);
      return EXIT_FAILED;
    }
  }

  /** Runs one scenario and returns its figures (writes nothing). */
  static RunResult execute(Options options) throws Exception {
    try (Harness harness = Harness.start(options)) {
      RunResult result = switch (options.scenario()) {
        case FANOUT, DIRECT -> new MessagingScenario(harness).run();
        case CONNECT_STORM -> new ConnectStormScenario(harness).run();
        case IDLE -> new IdleScenario(harness).run();
        case RELAY -> throw new IllegalArgumentException("the relay is not a scenario");
      };
      Boolean alive = harness.probe.alive();
      if (alive != null) {
        result.figures().put("serverAliveAtEnd", alive);
        harness.probe.rssBytes().ifPresent(rss -> result.figures().put("serverRssAtEndBytes", rss));
      }
      return result;
    }
  }
}

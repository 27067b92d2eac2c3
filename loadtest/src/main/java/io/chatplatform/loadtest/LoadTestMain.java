package io.chatplatform.loadtest;

import io.chatplatform.loadtest.generator.LoadGenerator;
import io.chatplatform.loadtest.generator.RunResult;
import io.chatplatform.loadtest.relay.BaselineRelay;
import io.chatplatform.loadtest.relay.LeanRelay;
import io.chatplatform.loadtest.report.BenchReport;
import io.chatplatform.loadtest.report.ReportPrinter;
import io.chatplatform.loadtest.report.ResultWriter;
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
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  private LoadTestMain() {}

  public static void main(String[] args) {
    int status = run(args, System.out);
    if (status != EXIT_OK || !isRelay(args)) {
      System.exit(status);
    }
  }

  private static boolean isRelay(String[] args) {
    return args.length > 0 && Scenario.byName(args[0]).filter(Scenario.SERVERS::contains).isPresent();
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
      printer.usage(null, Cli.usage());
      return EXIT_OK;
    } catch (Cli.UsageException e) {
      printer.usage(e.getMessage(), Cli.usage());
      return EXIT_USAGE;
    }
    try {
      if (options.scenario() == Scenario.RELAY) {
        BaselineRelay.startStandalone(options.port(), options.strictThreadMode());
        return EXIT_OK;
      }
      if (options.scenario() == Scenario.LEAN_RELAY) {
        LeanRelay.startStandalone(options.port());
        return EXIT_OK;
      }
      if (options.worker()) {
        LoadGenerator.runWorker(options, System.in, stdout);
        return EXIT_OK;
      }
      RunResult result = LoadGenerator.run(options);
      printer.print(result, ResultWriter.write(result, options.out()));
      return EXIT_OK;
    } catch (Exception e) {
      LOG.error("run failed", e);
      return EXIT_FAILED;
    }
  }
}

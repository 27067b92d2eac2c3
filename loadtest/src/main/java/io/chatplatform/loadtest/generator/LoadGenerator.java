package io.chatplatform.loadtest.generator;

import io.chatplatform.loadtest.Options;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the command line asks of the generator: run one scenario, or serve as a worker process of
 * {@code idle --processes K}. Everything else in this package is its machinery.
 */
public final class LoadGenerator {
  private LoadGenerator() {}

  /** Runs one scenario and returns its figures (writes nothing). */
  public static RunResult run(Options options) throws Exception {
    try (Harness harness = Harness.start(options)) {
      RunResult result = switch (options.scenario()) {
        case FANOUT, DIRECT -> new MessagingScenario(harness).run();
        case CONNECT_STORM -> new ConnectStormScenario(harness).run();
        case IDLE -> new IdleScenario(harness).run();
        case PUSH_OFFLINE -> new PushOfflineScenario(harness).run();
        case PUSH_ONLINE -> new PushOnlineScenario(harness).run();
        case FILES -> new FilesScenario(harness).run();
        case RELAY, LEAN_RELAY -> throw new IllegalArgumentException("a relay is not a scenario");
      };
      Boolean alive = harness.probe.alive();
      if (alive != null) {
        result.figures().put("serverAliveAtEnd", alive);
        harness.probe.rssBytes().ifPresent(rss -> result.figures().put("serverRssAtEndBytes", rss));
      }
      return result;
    }
  }

  /** A worker of {@code idle --processes K}: takes its coordinator's commands on {@code in}, answers on {@code out}. */
  public static void runWorker(Options options, InputStream in, PrintStream out) throws Exception {
    try (Harness harness = Harness.start(options)) {
      new IdleScenario(harness).runWorker(new WorkerChannel(in, out));
    }
  }

  /** A short username prefix unlikely to exist on the server already: "lt" + time + random. */
  public static String freshPrefix() {
    long stamp = System.currentTimeMillis() / 1000 % (36L * 36 * 36 * 36 * 36 * 36);
    return "lt" + Long.toString(stamp, 36) + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36), 36);
  }
}

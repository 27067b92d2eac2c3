package io.chatplatform.loadtest.report;

import io.chatplatform.loadtest.Options;
import io.chatplatform.loadtest.Scenario;
import io.chatplatform.loadtest.generator.Endpoint;
import io.chatplatform.loadtest.generator.RunResult;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Writes a run's figures and parameters as JSON ({@code --out}, by default
 * {@code loadtest/results/<scenario>-<timestamp>.json}) and, for a step series, the latency chart
 * beside it ({@code .svg}).
 */
public final class ResultWriter {
  static final Path DEFAULT_DIRECTORY = Path.of("loadtest", "results");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  private static final String JSON = ".json";
  private static final String SVG = ".svg";

  /** @param svg null when no chart was drawn */
  public record Written(Path json, Path svg) {}

  private ResultWriter() {}

  public static Written write(RunResult result, Path out) throws IOException {
    Path json = out != null ? out
        : DEFAULT_DIRECTORY.resolve(result.options().scenario().cliName + "-" + LocalDateTime.now().format(STAMP) + JSON);
    Path parent = json.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    JsonObject document = result.toJson().put("writtenAt", Instant.now().toString())
        .put("machine", new JsonObject().put("cpu", BenchReport.Machine.cpu()).put("cores", Runtime.getRuntime().availableProcessors()));
    Files.writeString(json, document.encodePrettily() + "\n", StandardCharsets.UTF_8);
    Path svg = null;
    if (result.steps().size() > 1) {
      String name = json.getFileName().toString();
      svg = json.resolveSibling((name.endsWith(JSON) ? name.substring(0, name.length() - JSON.length()) : name) + SVG);
      Files.writeString(svg, SvgChart.forSteps(chartTitle(result.options()), result.steps()), StandardCharsets.UTF_8);
    }
    return new Written(json, svg);
  }

  static String chartTitle(Options options) {
    String shape = options.scenario() == Scenario.DIRECT
        ? options.pairs() + " direct pairs"
        : options.rooms() + " rooms × " + options.members() + " members";
    String server = options.url().getHost() + ":" + Endpoint.of(options.url()).port();
    // With a label (bin/bench: what, which server, which revision) the chart says what it shows on a second line.
    return options.scenario().cliName + ": " + shape + " — latency vs offered load"
        + (options.label() != null ? "\n" + options.label() : ", " + server);
  }
}

package io.chatplatform.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.loadtest.generator.Await;
import io.chatplatform.loadtest.generator.LoadGenerator;
import io.chatplatform.loadtest.generator.RunResult;
import io.chatplatform.loadtest.generator.StepResult;
import io.chatplatform.loadtest.relay.BaselineRelay;
import io.chatplatform.loadtest.report.ResultWriter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator end to end against the baseline relay, in-process on a free port. Asserts
 * accounting (nothing lost, nothing duplicated, every send answered), never times or rates.
 */
class RelaySmokeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int RELAY_EVENT_LOOPS = 2;
  private static Vertx relayVertx;
  private static String url;

  @BeforeAll
  static void startRelay() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    relayVertx = Vertx.vertx();
    Await.result(BaselineRelay.start(relayVertx, port, RELAY_EVENT_LOOPS), TIMEOUT);
    url = "http://127.0.0.1:" + port;
  }

  @AfterAll
  static void stopRelay() throws Exception {
    Await.result(relayVertx.close(), TIMEOUT);
  }

  @Test
  void fanoutLosesAndDuplicatesNothing() throws Exception {
    RunResult result = LoadGenerator.run(Cli.parse("fanout", "--url", url, "--rooms", "2", "--members", "3",
        "--rate", "4", "--duration", "1", "--warmup", "0.5", "--drain", "10", "--event-loops", "2"));

    assertThat(result.setup().getInteger("connected")).isEqualTo(6);
    assertThat(result.steps()).hasSize(1);
    StepResult step = result.steps().get(0);
    assertThat(step.sent()).isPositive();
    assertThat(step.acked()).isEqualTo(step.sent());
    assertThat(step.unanswered()).isZero();
    assertThat(step.offeredDeliveries()).isEqualTo(step.sent() * 3);
    assertThat(step.deliveries().expected()).isEqualTo(step.acked() * 3);
    assertThat(step.deliveries().received()).isEqualTo(step.deliveries().expected());
    assertThat(step.deliveries().lost()).isZero();
    assertThat(step.deliveries().duplicated()).isZero();
    assertThat(step.deliveries().unacknowledged()).isZero();
    assertThat(step.deliveryLatency().count()).isEqualTo(step.deliveries().received());
    assertThat(step.ackLatency().count()).isEqualTo(step.acked());
    assertThat(step.errors()).isEmpty();
    assertThat(result.errors()).isEmpty();
  }

  @Test
  void aDirectStepSeriesWritesJsonAndChart(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("direct.json");
    Options options = Cli.parse("direct", "--url", url, "--pairs", "2", "--steps", "2,4", "--duration", "0.5", "--warmup", "0",
        "--drain", "10", "--out", out.toString());
    RunResult result = LoadGenerator.run(options);

    assertThat(result.steps()).hasSize(2).allSatisfy(step -> {
      assertThat(step.sent()).isPositive();
      assertThat(step.deliveries().lost()).isZero();
      assertThat(step.deliveries().duplicated()).isZero();
    });
    ResultWriter.Written written = ResultWriter.write(result, out);
    JsonObject json = new JsonObject(Files.readString(written.json()));
    assertThat(json.getString("scenario")).isEqualTo("direct");
    assertThat(json.getJsonArray("steps")).hasSize(2);
    assertThat(json.getJsonObject("parameters").getInteger("pairs")).isEqualTo(2);
    assertThat(written.svg()).isEqualTo(dir.resolve("direct.svg"));
    assertThat(Files.readString(written.svg())).contains("<svg", "delivery p99.9");
  }

  @Test
  void connectStormAndIdleCountTheirSockets() throws Exception {
    RunResult storm = LoadGenerator.run(Cli.parse("connect-storm", "--url", url, "--connections", "20", "--concurrency", "5"));
    assertThat(storm.figures().getInteger("connected")).isEqualTo(20);
    assertThat(storm.figures().getInteger("failed")).isZero();
    assertThat(storm.figures().getJsonObject("connectLatencyMs").getLong("count")).isEqualTo(20);
    assertThat(storm.figures().containsKey("passes")).as("one pass: no list of passes").isFalse();

    RunResult twice = LoadGenerator.run(Cli.parse("connect-storm", "--url", url, "--connections", "20", "--concurrency", "5",
        "--passes", "2"));
    assertThat(twice.figures().getJsonArray("passes")).hasSize(2).allSatisfy(o -> {
      JsonObject pass = (JsonObject) o;
      assertThat(pass.getInteger("connected")).as("the same users connect again in each pass").isEqualTo(20);
      assertThat(pass.getJsonObject("connectLatencyMs").getLong("count")).isEqualTo(20);
    });
    assertThat(twice.figures().getInteger("connected")).isEqualTo(20);
    assertThat(twice.errors()).isEmpty();

    RunResult idle = LoadGenerator.run(Cli.parse("idle", "--url", url, "--connections", "15", "--room-size", "4",
        "--hold", "0", "--heap-samples", "1"));
    assertThat(idle.figures().getInteger("connected")).isEqualTo(15);
    assertThat(idle.figures().getLong("heapBeforeBytes")).isPositive();
    assertThat(idle.figures().containsKey("heapPerConnectionBytes")).isTrue();
    assertThat(idle.errors()).isEmpty();
  }
}

package io.chatplatform.loadtest.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.loadtest.Cli;
import io.chatplatform.loadtest.generator.Await;
import io.chatplatform.loadtest.generator.LoadGenerator;
import io.chatplatform.loadtest.generator.RunResult;
import io.chatplatform.loadtest.generator.StepResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generator against a real server on loopback that answers some sends {@code unavailable}
 * ({@link ChaosRelay}, each chosen send twice, then stores it): the generator writes such a send
 * again with its clientMsgId, as clients/js's outbox does, up to {@code --send-retries} times.
 * Asserts counts only, never times. No warmup: every send is a measured one.
 */
class SendRetryTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int REFUSE_EVERY = 4;
  /** No closes: only the refusals. */
  private final ChaosRelay relay = new ChaosRelay(1, 1, 0, REFUSE_EVERY);
  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    Await.result(vertx.close(), TIMEOUT);
  }

  private RunResult run(String... extra) throws Exception {
    String url = Await.result(relay.startOnLoopback(vertx), TIMEOUT);
    List<String> args = new java.util.ArrayList<>(List.of("fanout", "--url", url, "--rooms", "2", "--members", "3", "--rate", "4",
        "--duration", "2", "--warmup", "0", "--drain", "20", "--event-loops", "2"));
    args.addAll(List.of(extra));
    return LoadGenerator.run(Cli.parse(args.toArray(String[]::new)));
  }

  @Test
  void sendsAnsweredUnavailableAreWrittenAgainAndStoredOnce() throws Exception {
    RunResult result = run();

    StepResult step = result.steps().get(0);
    assertThat(relay.refusedSends).isPositive();
    assertThat(relay.refusals).isEqualTo(relay.refusedSends * ChaosRelay.REFUSALS_PER_SEND);
    // Every refusal was seen, and answered by writing the send again: none failed.
    assertThat(step.recovery().sendRetries()).isEqualTo(relay.refusals);
    assertThat(step.errors()).containsEntry("retried.unavailable", (long) relay.refusals).doesNotContainKey("err.unavailable");
    assertThat(step.sent()).isPositive();
    assertThat(step.acked()).isEqualTo(step.sent());
    assertThat(step.ackFailed()).isZero();
    assertThat(step.unanswered()).isZero();
    assertThat(step.deliveries().received()).isEqualTo(step.deliveries().expected()).isEqualTo(step.acked() * 3);
    assertThat(step.deliveries().duplicated()).isZero();
    for (List<JsonObject> messages : relay.stored().values()) {
      Set<String> ids = new HashSet<>();
      messages.forEach(m -> assertThat(ids.add(m.getString("senderId") + "/" + m.getString("clientMsgId"))).isTrue());
    }
    JsonObject json = result.toJson().getJsonArray("steps").getJsonObject(0);
    assertThat(json.getJsonObject("recovery").getLong("sendRetries")).isEqualTo(relay.refusals);
  }

  @Test
  void aSendStillRefusedAfterItsRetriesFails() throws Exception {
    RunResult result = run("--send-retries", "1");

    StepResult step = result.steps().get(0);
    assertThat(relay.refusedSends).isPositive();
    // One retry each, refused again: the send fails, and is never stored.
    assertThat(step.recovery().sendRetries()).isEqualTo(relay.refusedSends);
    assertThat(step.ackFailed()).isEqualTo(relay.refusedSends);
    assertThat(step.acked()).isEqualTo(step.sent() - relay.refusedSends);
    assertThat(step.unanswered()).isZero();
    assertThat(relay.stored().values().stream().mapToLong(List::size).sum()).isEqualTo(step.acked());
  }

  @Test
  void noRetriesWithZero() throws Exception {
    RunResult result = run("--send-retries", "0");

    StepResult step = result.steps().get(0);
    assertThat(relay.refusedSends).isPositive();
    assertThat(step.recovery().sendRetries()).isZero();
    assertThat(step.ackFailed()).isEqualTo(relay.refusedSends).isEqualTo(relay.refusals);
    assertThat(step.acked()).isEqualTo(step.sent() - relay.refusedSends);
  }
}

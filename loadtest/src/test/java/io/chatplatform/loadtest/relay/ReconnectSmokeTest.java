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
 * The generator against a real server on loopback that closes sockets mid-run ({@link ChaosRelay}):
 * each closed socket reconnects, syncs, resends what was not acknowledged with its clientMsgId,
 * and the step ends with every acknowledged message delivered exactly once to every member.
 * Asserts counts only, never times.
 */
class ReconnectSmokeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private Vertx vertx;
  private ChaosRelay relay;
  private String url;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    relay = new ChaosRelay(7, 5, 6);
    url = Await.result(relay.startOnLoopback(vertx), TIMEOUT);
  }

  @AfterEach
  void stop() throws Exception {
    Await.result(vertx.close(), TIMEOUT);
  }

  @Test
  void socketsClosedMidRunReconnectSyncResendAndEndWithEveryMessageOnce() throws Exception {
    RunResult result = LoadGenerator.run(Cli.parse("fanout", "--url", url, "--rooms", "2", "--members", "3", "--rate", "4",
        "--duration", "2", "--warmup", "0.5", "--drain", "20", "--event-loops", "2",
        "--reconnect-base-ms", "20", "--reconnect-cap-ms", "200", "--reconnect-attempts", "20"));

    assertThat(result.setup().getInteger("connected")).isEqualTo(6);
    StepResult step = result.steps().get(0);
    // The server did close sockets, both ways.
    assertThat(relay.senderCloses).isPositive();
    assertThat(relay.memberCloses).isPositive();
    assertThat(relay.resendsAnswered).isPositive();
    // Every close was recovered from within the step, and the unacknowledged sends were resent.
    assertThat(step.recovery().reconnects()).isEqualTo(relay.senderCloses + relay.memberCloses);
    assertThat(step.recovery().gaveUp()).isZero();
    assertThat(step.recovery().resends()).isEqualTo(relay.resendsAnswered);
    assertThat(step.recovery().syncedMessages()).isPositive();
    assertThat(step.recovery().recoveredAfter().count()).isEqualTo(step.recovery().reconnects());
    // Every send answered (resends included), every acknowledged message on every member socket once.
    assertThat(step.sent()).isPositive();
    assertThat(step.acked()).isEqualTo(step.sent());
    assertThat(step.unanswered()).isZero();
    assertThat(step.deliveries().expected()).isEqualTo(step.acked() * 3);
    assertThat(step.deliveries().received()).isEqualTo(step.deliveries().expected());
    assertThat(step.deliveries().lost()).isZero();
    assertThat(step.deliveries().duplicated()).isZero();
    assertThat(step.deliveries().unacknowledged()).isZero();
    // Sync answers overlapped live events and replies: seen again, not counted twice.
    assertThat(step.deliveries().redelivered()).isPositive();
    assertThat(step.deliveryLatency().count()).isEqualTo(step.deliveries().received());
    assertThat(step.errors()).containsKeys("close.1012", "close.4429").doesNotContainKey("ack.missing");
    // The server stored each clientMsgId once: the resends did not store anything twice.
    for (List<JsonObject> messages : relay.stored().values()) {
      Set<String> ids = new HashSet<>();
      messages.forEach(m -> assertThat(ids.add(m.getString("senderId") + "/" + m.getString("clientMsgId"))).isTrue());
    }
    JsonObject json = result.toJson().getJsonArray("steps").getJsonObject(0);
    assertThat(json.getJsonObject("recovery").getLong("reconnects")).isEqualTo(step.recovery().reconnects());
    assertThat(json.getJsonObject("deliveries").getLong("duplicated")).isZero();
  }
}

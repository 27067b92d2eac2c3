package io.chatplatform.loadtest.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.loadtest.Cli;
import io.chatplatform.loadtest.generator.Await;
import io.chatplatform.loadtest.generator.Endpoint;
import io.chatplatform.loadtest.generator.LoadGenerator;
import io.chatplatform.loadtest.generator.RunResult;
import io.chatplatform.loadtest.generator.StepResult;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lean relay (Netty's own WebSocket pipeline on Vert.x's event loops) on a real port: the
 * generator's REST calls, sockets and frames work against it as against the baseline relay.
 * Asserts accounting and codes, never times.
 */
class LeanRelayTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static Vertx vertx;
  private static LeanRelay relay;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    vertx = Vertx.vertx();
    relay = Await.result(LeanRelay.start(vertx, port), TIMEOUT);
  }

  @AfterAll
  static void stop() throws Exception {
    if (relay != null) {
      Await.result(relay.close(), TIMEOUT);
    }
    Await.result(vertx.close(), TIMEOUT);
  }

  @Test
  void fanoutOverTheLeanSocketsLosesAndDuplicatesNothing() throws Exception {
    RunResult result = LoadGenerator.run(Cli.parse("fanout", "--url", "http://127.0.0.1:" + port, "--rooms", "2",
        "--members", "3", "--rate", "4", "--duration", "1", "--warmup", "0.5", "--drain", "10", "--event-loops", "2"));

    assertThat(result.setup().getInteger("connected")).isEqualTo(6);
    StepResult step = result.steps().get(0);
    assertThat(step.sent()).isPositive();
    assertThat(step.acked()).isEqualTo(step.sent());
    assertThat(step.deliveries().received()).isEqualTo(step.deliveries().expected()).isEqualTo(step.acked() * 3);
    assertThat(step.deliveries().lost()).isZero();
    assertThat(step.deliveries().duplicated()).isZero();
    assertThat(result.errors()).isEmpty();
  }

  @Test
  void idleReadsTheHeapFromTheLeanRelaysMetrics() throws Exception {
    RunResult idle = LoadGenerator.run(Cli.parse("idle", "--url", "http://127.0.0.1:" + port, "--connections", "12",
        "--room-size", "4", "--hold", "0", "--heap-samples", "1"));

    assertThat(idle.figures().getInteger("connected")).isEqualTo(12);
    assertThat(idle.figures().getLong("heapBeforeBytes")).isPositive();
    assertThat(idle.errors()).isEmpty();
  }

  @Test
  void anUnknownTokenIsClosedWith4401() throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    try {
      // The close handler goes on before connecting: the relay refuses the token at once, and the
      // CI saw its close read before the connect's callback ran ("WebSocket is closed").
      io.vertx.core.http.ClientWebSocket socket = client.webSocket();
      Promise<Short> closed = Promise.promise();
      socket.closeHandler(v -> closed.tryComplete(socket.closeStatusCode()));
      Await.result(socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
          .setURI(Endpoint.SOCKET_PATH + "?access_token=nobody")), TIMEOUT);
      short code = Await.result(closed.future(), TIMEOUT);
      assertThat(code).isEqualTo(RelaySocket.CLOSE_UNAUTHORIZED);
    } finally {
      Await.result(client.close(), TIMEOUT);
    }
  }

  @Test
  void anUnknownEndpointIs404() throws Exception {
    WebClient web = WebClient.create(vertx);
    try {
      var response = Await.result(web.get(port, "127.0.0.1", "/nothing").send(), TIMEOUT);
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(new JsonObject(response.bodyAsString()).getJsonObject("error").getString("code")).isEqualTo("not_found");
    } finally {
      web.close();
    }
  }
}

package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.testsupport.Await;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /health/ready} of the embedded platform on its operations port: every dependency named
 * with its verdict; a gateway whose needed service is gone or silent is DOWN naming it; a
 * draining gateway is DOWN before its sockets close. Liveness stays the process's alone.
 */
@DisplayName("Readiness: each dependency checked and named, needed services pinged, draining first")
class ReadinessTest {
  @TempDir Path dataDir;

  static Api.Response ready(PlatformFixture fx) {
    try (Api ops = new Api(fx.clientVertx, fx.platform.opsPort())) {
      return ops.get("/health/ready", null);
    }
  }

  static int live(PlatformFixture fx) {
    try (Api ops = new Api(fx.clientVertx, fx.platform.opsPort())) {
      return ops.get("/health/live", null).status();
    }
  }

  @Test
  @DisplayName("all well: 200 UP, the body naming each store, the gateway, and each service the gateway needs")
  void allWell() throws Exception {
    try (PlatformFixture fx = new PlatformFixture(dataDir)) {
      Api.Response ready = ready(fx);
      System.out.println("readiness: " + ready.body());
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.json().getString("status")).isEqualTo("UP");
      JsonObject checks = ready.json().getJsonObject("checks");
      for (String check : new String[] {"started", "gateway", "chat-mongo", "history-mongo", "presence-store", "notification-mongo",
          "chat-service", "history-service", "presence-service"}) {
        assertThat(checks.getString(check)).as(check).isEqualTo("UP");
      }
      assertThat(checks.containsKey("notification-service")).as("notification-service is not needed by default").isFalse();
    }
  }

  @Test
  @DisplayName("a needed service that is gone, then one that does not answer: 503 naming it, the others UP; liveness stays UP")
  void neededServiceGoneOrSilent() throws Exception {
    // A platform without notification-service whose gateway is told it needs it. Its checks are
    // given 1 s instead of 2 s only so that the silent case below waits less.
    try (PlatformFixture fx = new PlatformFixture(dataDir, Map.of(
        "EMBEDDED_NOTIFICATION_SERVICE", "false",
        "GATEWAY_READINESS_SERVICES", "chat,history,presence,notification",
        "READINESS_CHECK_TIMEOUT_MS", "1000"))) {
      long start = System.nanoTime();
      Api.Response gone = ready(fx);
      long goneMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(gone.status()).as("nobody consumes notification-service's ping").isEqualTo(503);
      JsonObject checks = gone.json().getJsonObject("checks");
      assertThat(checks.getString("notification-service")).isEqualTo("DOWN");
      assertThat(checks.getString("chat-service")).isEqualTo("UP");
      assertThat(checks.getString("presence-service")).isEqualTo("UP");
      assertThat(live(fx)).as("liveness is not readiness").isEqualTo(200);

      // A consumer that takes the ping and never answers: a hung service.
      MessageConsumer<Object> silent = fx.platform.node().vertx().eventBus().consumer(Addresses.Notification.PING, message -> {});
      Await.result(silent.completion());
      start = System.nanoTime();
      Api.Response hung = ready(fx);
      long hungMs = (System.nanoTime() - start) / 1_000_000;
      System.out.printf("readiness with notification-service gone: %d ms; silent: %d ms (READINESS_CHECK_TIMEOUT_MS 1000)%n", goneMs, hungMs);
      assertThat(hung.status()).isEqualTo(503);
      assertThat(hung.json().getJsonObject("checks").getString("notification-service")).isEqualTo("DOWN");
      assertThat(hung.json().getJsonObject("checks").getString("chat-service")).isEqualTo("UP");
    }
  }

  @Test
  @DisplayName("draining: readiness is 503 naming the gateway while a socket still waits for its request in flight, before it closes 1012")
  void drainingIsUnreadyBeforeSocketsClose() throws Exception {
    // A request held in flight: a second consumer of presence.set that never answers. The event
    // bus hands a point-to-point address's messages to its consumers in turn, so of two frames
    // one reaches it. The drain then waits DRAIN_TIMEOUT_MS (lowered to 5 s) for that request,
    // which the gateway itself does not give up on sooner (SERVICE_TIMEOUT_MS raised to 60 s).
    try (PlatformFixture fx = new PlatformFixture(dataDir, Map.of("DRAIN_TIMEOUT_MS", "5000", "SERVICE_TIMEOUT_MS", "60000"))) {
      assertThat(ready(fx).status()).isEqualTo(200);
      SocketClient socket = fx.readySocket(fx.newUser("drain"));
      MessageConsumer<Object> silent = fx.platform.node().vertx().eventBus().consumer(Addresses.Presence.SET, message -> {});
      Await.result(silent.completion());
      String first = socket.send("presence.set", new JsonObject().put("status", "away"));
      String second = socket.send("presence.set", new JsonObject().put("status", "online"));
      socket.awaitFrame(f -> first.equals(f.getString("address")) || second.equals(f.getString("address")), Await.TIMEOUT);

      CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> fx.platform.node().stop().await());
      assertThat(socket.awaitEvent("reconnect").getString("reason")).isEqualTo("draining");
      Api.Response ready = ready(fx);
      assertThat(ready.status()).as("readiness while draining").isEqualTo(503);
      assertThat(ready.json()).isEqualTo(new JsonObject().put("status", "DOWN").put("checks", new JsonObject().put("gateway", "DOWN")));
      assertThat(socket.isClosed()).as("the socket still waits for its request in flight").isFalse();
      assertThat(socket.awaitClose()).isEqualTo((short) 1012);
      stopped.get();
    }
  }
}

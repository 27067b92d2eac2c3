package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.runtime.EmbeddedMongo;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * gateway, chat and history each as its own JVM process, started from the runnable jars the
 * build made ({@code java -jar <service>.jar}), forming a Hazelcast cluster on 127.0.0.1 and
 * sharing a MongoDB-wire server that this test runs.
 */
@DisplayName("Clustered: gateway, chat and history as separate processes")
class ClusteredProcessesTest {
  static final int BASE_CLUSTER_PORT = 5841;
  static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  static final List<Process> processes = new ArrayList<>();
  static EmbeddedMongo mongo;
  static Vertx vertx;
  static int gatewayPort;

  @BeforeAll
  static void startProcesses() throws Exception {
    mongo = EmbeddedMongo.inMemory();
    vertx = Vertx.vertx();
    String members = String.join(",", List.of(
        "127.0.0.1:" + BASE_CLUSTER_PORT, "127.0.0.1:" + (BASE_CLUSTER_PORT + 1), "127.0.0.1:" + (BASE_CLUSTER_PORT + 2)));
    gatewayPort = freePort();
    String[] services = {"history-service", "chat-service", "gateway-service"};
    for (int i = 0; i < services.length; i++) {
      int httpPort = services[i].equals("gateway-service") ? gatewayPort : freePort();
      processes.add(start(services[i], Map.of(
          "CLUSTER_NAME", "processes-test",
          "CLUSTER_MEMBERS", members,
          "CLUSTER_PORT", String.valueOf(BASE_CLUSTER_PORT + i),
          "HTTP_PORT", String.valueOf(httpPort),
          "HTTP_HOST", "127.0.0.1",
          "MONGO_URI", mongo.connectionString(),
          "JWT_SECRET", "clustered-test-secret-clustered-test-secret",
          "PASSWORD_HASH_ITERATIONS", "1000")));
    }
    // Ready when a request crosses gateway → chat → history: the cluster has formed.
    try (Api api = new Api(vertx, gatewayPort)) {
      Await.until("the cluster to serve a registration", START_TIMEOUT, () -> {
        processes.forEach(p -> assertThat(p.isAlive()).as("service process alive").isTrue());
        try {
          return api.post("/api/v1/auth/register", null,
              new JsonObject().put("username", "probe").put("password", "correct-horse")).status() == 201;
        } catch (RuntimeException e) {
          return false;
        }
      });
    }
  }

  static Process start(String service, Map<String, String> env) throws IOException {
    Path jar = Path.of("..", service, "target", service + ".jar").toAbsolutePath().normalize();
    assertThat(jar).as("the build packages " + service + " before the platform's tests").exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.addAll(Arrays.asList(System.getProperty("cluster.jvm.args", "").trim().split("\\s+")));
    command.add("-jar");
    command.add(jar.toString());
    command.removeIf(String::isEmpty);
    Path log = Path.of("target", "clustered-" + service + ".log");
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return builder.start();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @AfterAll
  static void stopProcesses() throws Exception {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    Await.result(vertx.close());
    mongo.close();
  }

  @Test
  @DisplayName("two users exchange messages through the cluster, in order, each stored with its seq")
  void twoUsersChat() {
    try (Api api = new Api(vertx, gatewayPort)) {
      Api.User alice = api.register("c-alice");
      Api.User bob = api.register("c-bob");
      JsonObject room = api.post("/api/v1/rooms/direct", alice.token(), new JsonObject().put("userId", bob.userId())).json();
      try (SocketClient a = SocketClient.withToken(vertx, gatewayPort, alice);
          SocketClient b = SocketClient.connect(vertx, gatewayPort, "ticket=" + api.ticket(bob))) {
        b.register("user." + bob.userId());
        b.ask("chat.sync", new JsonObject().put("rooms", new JsonObject()));

        JsonObject hi = a.ask("chat.send", PlatformEndToEndTest.send(room, "hi", "hi bob"));
        assertThat(hi.getLong("seq")).isEqualTo(1L);
        assertThat(b.awaitEvent("message").getJsonObject("message").getString("text")).isEqualTo("hi bob");

        JsonObject reply = b.ask("chat.send", PlatformEndToEndTest.send(room, "hello", "hello alice"));
        assertThat(reply.getLong("seq")).isEqualTo(2L);
        JsonObject seen = a.awaitFrame(f -> f.getJsonObject("body") != null
                && "message".equals(f.getJsonObject("body").getString("type"))
                && f.getJsonObject("body").getJsonObject("message").getLong("seq") == 2L, Await.TIMEOUT)
            .getJsonObject("body");
        assertThat(seen.getJsonObject("message").getString("senderId")).isEqualTo(bob.userId());
      }
      JsonObject history = api.get("/api/v1/rooms/" + room.getString("roomId") + "/messages", alice.token()).json();
      assertThat(history.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("text")))
          .containsExactly("hi bob", "hello alice");
      assertThat(api.get("/health/ready", null).status()).isEqualTo(200);
    }
  }
}

package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The clustered quick start as the README gives it: {@code bin/cluster} starts the store process,
 * redis-server and every service (one gateway) on this host, prints that it is ready; a user
 * registered through the gateway sends a message another receives on their socket; every process
 * listens on 127.0.0.1 only; {@code bin/cluster stop} ends every one of them.
 *
 * <p>It needs the service jars and the store's jar (a reactor build packages every module before
 * platform's tests run; the script would otherwise build them) and {@code redis-server}. Its
 * ports: {@code LOCAL_CLUSTER_BASE_PORT} 6600 (6600-6660) and the gateway's 6690, so that it
 * collides with no other test; its directory {@code platform/target/local-cluster/<timestamp>/}
 * (logs, pids, secrets).
 */
@DisplayName("bin/cluster: a whole cluster on one host, usable, on 127.0.0.1 only, stopped with nothing left")
@EnabledOnOs(OS.LINUX)
class LocalClusterScriptTest {
  static final int BASE_PORT = 6600;
  static final int GATEWAY_PORT = 6690;
  static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(120);

  @Test
  @DisplayName("start, chat through the gateway, stop: every process it started has exited")
  void startChatStop() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    for (String jar : List.of("embedded-store/target/chat-embedded-store.jar", "history-service/target/history-service.jar",
        "chat-service/target/chat-service.jar", "presence-service/target/presence-service.jar",
        "notification-service/target/notification-service.jar", "gateway-service/target/gateway-service.jar")) {
      assertThat(root.resolve(jar)).as("the build packages " + jar + " before the platform's tests").exists();
    }
    Path dir = Files.createDirectories(root.resolve("platform/target/local-cluster")
        .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("LOCAL_CLUSTER_DIR", dir.toString());
    env.put("LOCAL_CLUSTER_BASE_PORT", String.valueOf(BASE_PORT));
    env.put("LOCAL_CLUSTER_GATEWAY_PORT", String.valueOf(GATEWAY_PORT));
    env.put("JAVA_HOME", System.getProperty("java.home"));

    List<String> output = new CopyOnWriteArrayList<>();
    Process cluster = script(root, env, "start").redirectErrorStream(true).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(cluster.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          output.add(line);
        }
      } catch (IOException ended) {
        // The script's output closed.
      }
    }, "bin-cluster-output");
    reader.setDaemon(true);
    reader.start();
    Map<String, Long> pids = new LinkedHashMap<>();
    Vertx vertx = Vertx.vertx();
    try {
      long started = System.nanoTime();
      Await.until("bin/cluster to print ready", START_TIMEOUT, () -> {
        assertThat(cluster.isAlive()).as("bin/cluster runs; its output:\n" + String.join("\n", output)).isTrue();
        return output.stream().anyMatch(l -> l.startsWith("ready:"));
      });
      System.out.printf("bin/cluster ready after %.1f s%n", (System.nanoTime() - started) / 1e9);
      assertThat(output).as("where to connect").anyMatch(l -> l.contains("open http://127.0.0.1:" + GATEWAY_PORT + "/"));

      try (Stream<Path> files = Files.list(dir.resolve("pids"))) {
        for (Path file : files.sorted().toList()) {
          pids.put(file.getFileName().toString().replace(".pid", ""), Long.parseLong(Files.readAllLines(file).get(0).trim()));
        }
      }
      assertThat(pids.keySet()).as("the processes bin/cluster started")
          .containsExactlyInAnyOrder("store", "redis", "history", "chat", "presence", "notification", "gateway-1");

      try (Api api = new Api(vertx, GATEWAY_PORT)) {
        Api.User alice = api.register("lc-alice");
        Api.User bob = api.register("lc-bob");
        JsonObject room = api.post("/api/v1/rooms/direct", alice.token(), new JsonObject().put("userId", bob.userId())).json();
        try (SocketClient a = SocketClient.withToken(vertx, GATEWAY_PORT, alice);
            SocketClient b = SocketClient.withToken(vertx, GATEWAY_PORT, bob)) {
          b.ask("chat.sync", new JsonObject().put("rooms", new JsonObject()));
          assertThat(a.ask("chat.send", PlatformEndToEndTest.send(room, "hello", "hello over bin/cluster")).getLong("seq")).isEqualTo(1L);
          assertThat(b.awaitEvent("message").getJsonObject("message").getString("text")).isEqualTo("hello over bin/cluster");
        }
      }

      List<String> wrong = new ArrayList<>();
      for (Map.Entry<String, Long> p : pids.entrySet()) {
        List<ListeningSockets.Listener> listeners = ListeningSockets.of(p.getValue());
        System.out.println(p.getKey() + " listens on " + listeners);
        assertThat(listeners).as(p.getKey() + " listens").isNotEmpty();
        listeners.stream().filter(l -> !l.address().equals("127.0.0.1")).forEach(l -> wrong.add(p.getKey() + " on " + l));
      }
      assertThat(wrong).as("listeners of bin/cluster's processes beyond 127.0.0.1").isEmpty();

      Process stop = script(root, env, "stop").redirectErrorStream(true).redirectOutput(dir.resolve("stop.out").toFile()).start();
      assertThat(stop.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("bin/cluster stop returns").isTrue();
      assertThat(stop.exitValue()).as("bin/cluster stop's exit status").isZero();
      assertThat(cluster.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("bin/cluster ends").isTrue();
      System.out.println("bin/cluster's output:\n" + String.join("\n", output));
      List<String> left = pids.entrySet().stream()
          .filter(p -> ProcessHandle.of(p.getValue()).map(ProcessHandle::isAlive).orElse(false))
          .map(p -> p.getKey() + " (pid " + p.getValue() + ")").toList();
      assertThat(left).as("processes still running after bin/cluster stop").isEmpty();
      assertThat(dir.resolve("pids")).as("no pid file left").isEmptyDirectory();
    } finally {
      if (cluster.isAlive()) {
        script(root, env, "stop").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
            .waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        cluster.destroyForcibly();
      }
      Await.result(vertx.close());
    }
  }

  static ProcessBuilder script(Path root, Map<String, String> env, String command) {
    ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("bin/cluster").toString(), command);
    builder.environment().putAll(env);
    return builder;
  }
}

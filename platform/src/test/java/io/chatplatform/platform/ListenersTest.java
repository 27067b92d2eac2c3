package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.embeddedstore.EmbeddedMongo;
import io.chatplatform.testsupport.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.DisplayName;

/**
 * What each clustered service process listens on when it is told {@code CLUSTER_HOST=127.0.0.1}:
 * every service's jar as its own process (history, chat, presence, notification, gateway), one
 * cluster on the loopback interface, the services' operations ports on their default
 * {@code HTTP_HOST}, the gateway's public port on {@code HTTP_HOST=127.0.0.1} and its operations
 * port on its default {@code OPS_HTTP_HOST}. Once each is ready, its listening sockets are read
 * from {@code /proc} ({@link ListeningSockets}): every one must be bound to 127.0.0.1, none to
 * every interface (Hazelcast's member port, the event bus, the operations and public HTTP servers,
 * history's files endpoint).
 */
@DisplayName("Listeners: a clustered process on CLUSTER_HOST=127.0.0.1 listens on 127.0.0.1 only")
@EnabledOnOs(OS.LINUX)
class ListenersTest {
  static final int BASE_PORT = 6500;
  static final String[] SERVICES = {"history-service", "chat-service", "presence-service", "notification-service", "gateway-service"};
  static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  @Test
  @DisplayName("Hazelcast, the event bus, health and metrics, the gateway and the files endpoint: all on 127.0.0.1")
  void everyListenerIsOnTheConfiguredInterface() throws Exception {
    Path runDir = Files.createDirectories(Path.of("target", "listeners"));
    List<String> members = new ArrayList<>();
    for (int i = 0; i < SERVICES.length; i++) {
      members.add("127.0.0.1:" + (BASE_PORT + i));
    }
    Map<String, Process> processes = new LinkedHashMap<>();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    try (EmbeddedMongo mongo = EmbeddedMongo.inMemory()) {
      Map<String, Integer> opsPorts = new LinkedHashMap<>();
      for (int i = 0; i < SERVICES.length; i++) {
        String service = SERVICES[i];
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CLUSTER_NAME", "listeners-test");
        env.put("CLUSTER_SECRET", "listeners-test-cluster-secret-0123456789");
        env.put("CLUSTER_MEMBERS", String.join(",", members));
        // Every member starts at once on this one machine: gathering their joins (5 s, up to 20 s) only delays them.
        env.put("CLUSTER_JOIN_WAIT_SECONDS", "1");
        env.put("CLUSTER_HOST", "127.0.0.1");
        env.put("CLUSTER_PORT", String.valueOf(BASE_PORT + i));
        env.put("MONGO_URI", mongo.connectionString());
        env.put("JWT_SECRET", "listeners-test-jwt-secret-listeners-test");
        env.put("DATA_DIR", Files.createDirectories(runDir.resolve(service + "-data")).toAbsolutePath().toString());
        env.put("HTTP_PORT", String.valueOf(BASE_PORT + 10 + i));
        int ops = BASE_PORT + 10 + i;
        if (service.equals("gateway-service")) {
          // The public port faces clients and defaults to every interface: configured here.
          env.put("HTTP_HOST", "127.0.0.1");
          ops = BASE_PORT + 20;
          env.put("OPS_HTTP_PORT", String.valueOf(ops));
        }
        opsPorts.put(service, ops);
        processes.put(service, ClusteredProcessesTest.start("listeners-" + service, service, env));
      }
      for (Map.Entry<String, Integer> service : opsPorts.entrySet()) {
        Process process = processes.get(service.getKey());
        Await.until(service.getKey() + " ready", START_TIMEOUT, () -> {
          assertThat(process.isAlive()).as(service.getKey() + " alive (log: target/clustered-listeners-" + service.getKey() + ".log)").isTrue();
          return ready(http, service.getValue());
        });
      }
      List<String> wrong = new ArrayList<>();
      for (Map.Entry<String, Process> p : processes.entrySet()) {
        List<ListeningSockets.Listener> listeners = ListeningSockets.of(p.getValue().pid());
        System.out.println(p.getKey() + " listens on " + listeners);
        // The reading finds the process's sockets: its Hazelcast port among them.
        assertThat(listeners).extracting(ListeningSockets.Listener::port).as(p.getKey() + "'s listening ports")
            .contains(BASE_PORT + List.of(SERVICES).indexOf(p.getKey()));
        listeners.stream().filter(l -> !l.address().equals("127.0.0.1")).forEach(l -> wrong.add(p.getKey() + " on " + l));
      }
      assertThat(wrong).as("listeners beyond CLUSTER_HOST / HTTP_HOST / OPS_HTTP_HOST (127.0.0.1)").isEmpty();
    } finally {
      for (Process p : processes.values()) {
        p.destroy();
      }
      for (Process p : processes.values()) {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  static boolean ready(HttpClient http, int port) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
          .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}

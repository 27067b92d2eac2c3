package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.embeddedstore.EmbeddedMongo;
import io.chatplatform.testsupport.Await;
import io.chatplatform.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
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
 * Every service as its own JVM process, started from the runnable jars the build made
 * ({@code java -jar <service>.jar}): history, chat, presence and two gateways, forming a
 * Hazelcast cluster on 127.0.0.1, sharing a MongoDB-wire server and a real {@code redis-server}
 * that this test runs.
 */
@DisplayName("Clustered: every service as a separate process")
class ClusteredProcessesTest {
  static final int BASE_CLUSTER_PORT = 5841;
  static final int BASE_GATEWAY_PORT = 5895;
  /** The gateways' operations ports ({@code OPS_HTTP_PORT}): /health/* and /metrics are not on the public one. */
  static final int BASE_GATEWAY_OPS_PORT = 5897;
  static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  /**
   * How long the crash test waits for the offline event before failing: a failure timeout, not a
   * promise of speed. With the default settings the event comes once presence-service finds the
   * node's heartbeats missing ({@code PRESENCE_NODE_TTL_MS}, looked for every
   * {@code PRESENCE_REAP_INTERVAL_MS}); how long it takes is a figure for a benchmark, not a test.
   */
  static final Duration OFFLINE_EVENT_WAIT = Duration.ofSeconds(60);
  static final String[] SERVICES = {"history-service", "chat-service", "presence-service", "gateway-service", "gateway-service"};
  static final List<Process> processes = new ArrayList<>();
  static EmbeddedMongo mongo;
  static RedisServer redis;
  static Vertx vertx;
  static int gatewayPort;
  /** The second gateway, the one the crash test kills. */
  static int doomedGatewayPort;
  static Process doomedGateway;

  @BeforeAll
  static void startProcesses() throws Exception {
    mongo = EmbeddedMongo.inMemory();
    redis = RedisServer.start();
    vertx = Vertx.vertx();
    List<String> memberList = new ArrayList<>();
    for (int i = 0; i < SERVICES.length; i++) {
      memberList.add("127.0.0.1:" + (BASE_CLUSTER_PORT + i));
    }
    String members = String.join(",", memberList);
    // Fixed ports below the ephemeral range (32768+): a port picked free and released here could
    // otherwise be taken by one of the members' outgoing connections before its process binds it.
    gatewayPort = BASE_GATEWAY_PORT;
    doomedGatewayPort = BASE_GATEWAY_PORT + 1;
    for (int i = 0; i < SERVICES.length; i++) {
      boolean secondGateway = i == SERVICES.length - 1;
      // The other services' operations endpoints are not used here: any free port, bound at once.
      int httpPort = secondGateway ? doomedGatewayPort : SERVICES[i].equals("gateway-service") ? gatewayPort : 0;
      Map<String, String> env = new java.util.HashMap<>(Map.of(
          "CLUSTER_NAME", "processes-test",
          "CLUSTER_SECRET", "processes-test-cluster-secret-0123456789",
          "CLUSTER_MEMBERS", members,
          "CLUSTER_PORT", String.valueOf(BASE_CLUSTER_PORT + i),
          "HTTP_PORT", String.valueOf(httpPort),
          "HTTP_HOST", "127.0.0.1",
          "MONGO_URI", mongo.connectionString(),
          "REDIS_URL", redis.url(),
          "JWT_SECRET", "clustered-test-secret-clustered-test-secret",
          "PASSWORD_HASH_ITERATIONS", "1000"));
      // Every member starts at once on this one machine: gathering their joins (5 s, up to 20 s) only delays them.
      env.put("CLUSTER_JOIN_WAIT_SECONDS", "1");
      if (SERVICES[i].equals("gateway-service")) {
        env.put("OPS_HTTP_PORT", String.valueOf(secondGateway ? BASE_GATEWAY_OPS_PORT + 1 : BASE_GATEWAY_OPS_PORT));
      }
      processes.add(start(SERVICES[i] + (secondGateway ? "-b" : ""), SERVICES[i], env));
    }
    doomedGateway = processes.get(processes.size() - 1);
    // Ready when a request crosses each gateway → chat → history, and presence answers: the
    // cluster has formed.
    for (int port : new int[] {gatewayPort, doomedGatewayPort}) {
      try (Api api = new Api(vertx, port)) {
        String probe = "probe" + port;
        Await.until("the cluster to serve a registration on port " + port, START_TIMEOUT, () -> {
          processes.forEach(p -> assertThat(p.isAlive()).as("service process alive").isTrue());
          try {
            return api.post("/api/v1/auth/register", null,
                new JsonObject().put("username", probe).put("password", "correct-horse")).status() == 201;
          } catch (RuntimeException e) {
            return false;
          }
        });
        Api.User user = api.login(probe);
        Await.until("presence-service to answer", START_TIMEOUT,
            () -> api.get("/api/v1/presence?userIds=" + user.userId(), user.token()).status() == 200);
      }
    }
  }

  static Process start(String name, String service, Map<String, String> env) throws IOException {
    Path jar = Path.of("..", service, "target", service + ".jar").toAbsolutePath().normalize();
    assertThat(jar).as("the build packages " + service + " before the platform's tests").exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    // As the chaos suite's processes (docs/resilience.md): six or more JVMs start at once on the
    // build's two cores, and C2's compilations and G1's threads would take them longer to start
    // than these tests take to run. Nothing here measures speed.
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.addAll(Arrays.asList(System.getProperty("cluster.jvm.args", "").trim().split("\\s+")));
    command.add("-jar");
    command.add(jar.toString());
    command.removeIf(String::isEmpty);
    Path log = Path.of("target", "clustered-" + name + ".log");
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return builder.start();
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
    redis.close();
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
      try (Api ops = new Api(vertx, BASE_GATEWAY_OPS_PORT)) {
        assertThat(ops.get("/health/ready", null).status()).isEqualTo(200);
      }
    }
  }

  @Test
  @DisplayName("a file goes from a gateway process to history-service's files endpoint and back, whole and by range, and into a message")
  void filesAcrossProcesses() {
    try (Api api = new Api(vertx, gatewayPort); Uploads files = new Uploads(vertx, api, mongo.connectionString())) {
      Api.User alice = api.register("f-alice");
      Api.User bob = api.register("f-bob");
      String roomId = api.createRoom(alice, "files", bob).getString("roomId");
      byte[] bytes = Uploads.pdf(1_000_000, 30);
      JsonObject file = files.uploaded(alice.token(), roomId, "across.pdf", bytes);
      assertThat(files.get(file.getString("url"), null, Map.of()).body().getBytes()).isEqualTo(bytes);
      Api.Response part = files.get("/api/v1/files/" + file.getString("fileId"), bob.token(), Map.of("Range", "bytes=300000-300009"));
      assertThat(part.status()).isEqualTo(206);
      assertThat(part.body().getBytes()).isEqualTo(Arrays.copyOfRange(bytes, 300_000, 300_010));
      Api.Response sent = api.post("/api/v1/rooms/" + roomId + "/messages", alice.token(),
          new JsonObject().put("clientMsgId", "f1").put("attachments", new JsonArray().add(file.getString("fileId"))));
      assertThat(sent.status()).isEqualTo(201);
      assertThat(sent.json().getJsonArray("attachments").getJsonObject(0).getString("name")).isEqualTo("across.pdf");
    }
  }

  @Test
  @DisplayName("a gateway killed with -9 takes its users offline for their room-mates, with their lastSeen")
  void crashedGatewaysUsersGoOffline() {
    try (Api api = new Api(vertx, gatewayPort)) {
      Api.User alice = api.register("k-alice");
      Api.User bob = api.register("k-bob");
      api.post("/api/v1/rooms/direct", alice.token(), new JsonObject().put("userId", bob.userId()));
      try (SocketClient b = SocketClient.withToken(vertx, gatewayPort, bob)) {
        b.ask("chat.sync", new JsonObject().put("rooms", new JsonObject()));
        SocketClient a = SocketClient.withToken(vertx, doomedGatewayPort, alice);
        JsonObject online = b.awaitEvent("presence");
        assertThat(online.getString("userId")).isEqualTo(alice.userId());
        assertThat(online.getString("status")).isEqualTo("online");

        doomedGateway.destroyForcibly(); // SIGKILL: no goodbye to anyone
        // The next presence event about alice: nothing but the crash can change her presence now.
        JsonObject offline = b.awaitFrame(f -> f.getJsonObject("body") != null
                && "presence".equals(f.getJsonObject("body").getString("type"))
                && alice.userId().equals(f.getJsonObject("body").getString("userId")),
            OFFLINE_EVENT_WAIT).getJsonObject("body");
        assertThat(offline.getString("status")).as("the killed gateway's user").isEqualTo("offline");
        assertThat(offline.getLong("lastSeen")).as("lastSeen of the killed gateway's user").isNotNull();
        JsonObject queried = api.get("/api/v1/presence?userIds=" + alice.userId(), bob.token()).json()
            .getJsonArray("presence").getJsonObject(0);
        assertThat(queried.getString("status")).isEqualTo("offline");
        assertThat(queried.getLong("lastSeen")).as("the query agrees with the event").isEqualTo(offline.getLong("lastSeen"));
        a.close();
      }
    }
  }
}

package io.chatplatform.platform.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.chat.ChatConfig;
import io.chatplatform.chat.bus.ChatVerticle;
import io.chatplatform.embeddedstore.EmbeddedMongo;
import io.chatplatform.gateway.GatewayConfig;
import io.chatplatform.gateway.GatewayVerticle;
import io.chatplatform.history.HistoryConfig;
import io.chatplatform.history.bus.HistoryVerticle;
import io.chatplatform.platform.Api;
import io.chatplatform.platform.SocketClient;
import io.chatplatform.presence.PresenceConfig;
import io.chatplatform.presence.bus.PresenceVerticle;
import io.chatplatform.runtime.ClusterConfig;
import io.chatplatform.runtime.ServiceNode;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * deploy/nginx/nginx.conf and deploy/haproxy/haproxy.cfg as shipped (their placeholders filled in),
 * run from Debian's packages ({@code bin/test} installs nginx and haproxy) in front of two gateways
 * of a Hazelcast cluster in this JVM: sockets upgraded through each, SockJS sessions kept on their
 * gateway, operations endpoints refused, HAProxy's drain and health check, and both fronts going on
 * with one gateway when the other stops.
 */
@DisplayName("nginx and HAProxy as shipped in front of two gateways: WebSocket upgrade, SockJS affinity, health checks, drain")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancerTest {
  static final int BASE_PORT = 5871;
  static final String SECRET = "load-balancer-test-cluster-secret-0123456789";
  static final int SOCKJS_SESSIONS = 16;
  static EmbeddedMongo mongo;
  static final List<ServiceNode> nodes = new ArrayList<>();
  static final List<GatewayVerticle> gateways = new ArrayList<>();
  static Vertx client;
  static final Map<String, Api.User> sockJsUsers = new HashMap<>();
  static WebClient web;
  static final Map<String, Front> fronts = new HashMap<>();
  static Api.User alice;
  static Api.User bob;
  /** Users of their own for the later tests: a user holds at most MAX_SOCKETS_PER_USER (20) sockets per gateway. */
  static Api.User dave;
  static Api.User erin;
  static String roomId;

  /** A proxy process in a folder of its own. */
  record Front(String name, Process process, int port, Path dir) {}

  @BeforeAll
  static void start() throws Exception {
    mongo = EmbeddedMongo.inMemory();
    String members = "127.0.0.1:" + BASE_PORT + ",127.0.0.1:" + (BASE_PORT + 1) + ",127.0.0.1:" + (BASE_PORT + 2);
    List<Future<ServiceNode>> starting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      starting.add(ServiceNode.clustered(ClusterConfig.from(settings(Map.of(
          "CLUSTER_PORT", String.valueOf(BASE_PORT + i), "CLUSTER_MEMBERS", members, "CLUSTER_NAME", "load-balancer-test",
          // The three members start at once: gathering their joins (5 s, up to 20 s) only delays them.
          "CLUSTER_JOIN_WAIT_SECONDS", "1", "CLUSTER_SECRET", SECRET)))));
    }
    starting.forEach(f -> nodes.add(Await.result(f)));
    ServiceNode services = nodes.get(0);
    Settings base = settings(Map.of());
    Await.result(services.deployAll(List.of(
        new HistoryVerticle(HistoryConfig.from(base), services.operations()),
        new ChatVerticle(ChatConfig.from(base), services.operations()),
        new PresenceVerticle(PresenceConfig.from(base), services.operations()))));
    for (int i = 1; i <= 2; i++) {
      GatewayVerticle gateway = new GatewayVerticle(GatewayConfig.from(base), nodes.get(i).operations());
      Await.result(nodes.get(i).deployAll(List.of(gateway)));
      gateways.add(gateway);
    }
    client = Vertx.vertx();
    web = WebClient.create(client, new WebClientOptions().setKeepAlive(false));
    Api api = new Api(client, gateways.get(0).port());
    alice = api.register("lb-alice");
    bob = api.register("lb-bob");
    dave = api.register("lb-dave");
    erin = api.register("lb-erin");
    // A user of its own per front: both fronts' SockJS sessions of one user could put more than
    // MAX_SOCKETS_PER_USER (20) on one gateway before the first front's sessions time out.
    sockJsUsers.put("nginx", api.register("lb-carol-nginx"));
    sockJsUsers.put("haproxy", api.register("lb-carol-haproxy"));
    roomId = api.createRoom(alice, "Behind a proxy", bob).getString("roomId");
    api.close();
    fronts.put("nginx", nginx());
    fronts.put("haproxy", haproxy());
  }

  static Settings settings(Map<String, String> extra) {
    return Settings.of(Map.of(
            "MONGO_URI", mongo.connectionString(),
            "JWT_SECRET", "load-balancer-test-secret-0123456789-abcdef",
            "HTTP_PORT", "0",
            "HTTP_HOST", "127.0.0.1",
            "PASSWORD_HASH_ITERATIONS", "1000",
            // The proxies connect from 127.0.0.1, as the README of each says to configure.
            "TRUSTED_PROXIES", "127.0.0.1"))
        .with(extra);
  }

  @AfterAll
  static void stop() {
    fronts.values().forEach(f -> {
      f.process().destroy();
      Await.until(f.name() + " exits", Duration.ofSeconds(10), () -> !f.process().isAlive());
    });
    if (client != null) {
      Await.result(client.close());
    }
    nodes.forEach(n -> Await.result(n.stop()));
    if (mongo != null) {
      mongo.close();
    }
  }

  static Front nginx() throws Exception {
    Path dir = Files.createTempDirectory("nginx-front");
    Files.createDirectories(dir.resolve("logs"));
    for (String t : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
      // Run as root, nginx's workers are 'nobody': they must be able to write their temp files.
      Files.createDirectories(dir.resolve("tmp").resolve(t)).toFile().setWritable(true, false);
    }
    int port = freePort();
    StringBuilder servers = new StringBuilder();
    StringBuilder wsServers = new StringBuilder();
    for (GatewayVerticle g : gateways) {
      servers.append("server 127.0.0.1:").append(g.port()).append(" max_fails=2 fail_timeout=10s; ");
      wsServers.append("server 127.0.0.1:").append(g.port()).append(" max_fails=0; ");
    }
    Files.writeString(dir.resolve("nginx.conf"), Repo.read("deploy/nginx/nginx.conf")
        .replace("@LISTEN@", "127.0.0.1:" + port)
        .replace("@WS_SERVERS@", wsServers.toString().trim())
        .replace("@SERVERS@", servers.toString().trim()));
    return run("nginx", List.of(binary("nginx"), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
        "-e", "logs/error.log", "-g", "daemon off;"), port, dir);
  }

  static Front haproxy() throws Exception {
    Path dir = Files.createTempDirectory("haproxy-front");
    int port = freePort();
    StringBuilder servers = new StringBuilder();
    for (int i = 0; i < gateways.size(); i++) {
      GatewayVerticle g = gateways.get(i);
      servers.append("server gw").append(i + 1).append(" 127.0.0.1:").append(g.port()).append(" check port ").append(g.opsPort())
          .append("\n  ");
    }
    Path cfg = dir.resolve("haproxy.cfg");
    Files.writeString(cfg, Repo.read("deploy/haproxy/haproxy.cfg")
        .replace("@LISTEN@", "127.0.0.1:" + port)
        .replace("@SERVERS@", servers.toString().trim()));
    Process check = new ProcessBuilder(binary("haproxy"), "-c", "-f", cfg.toString()).directory(dir.toFile())
        .redirectErrorStream(true).start();
    String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor()).as("haproxy -c on the filled-in haproxy.cfg:\n" + checked).isZero();
    System.out.println("haproxy -c: " + checked.trim().replace('\n', ' '));
    return run("haproxy", List.of(binary("haproxy"), "-C", dir.toString(), "-f", cfg.toString(), "-db"), port, dir);
  }

  static String binary(String name) {
    for (String dir : List.of("/usr/sbin/", "/usr/bin/", "/usr/local/sbin/")) {
      if (Files.isExecutable(Path.of(dir + name))) {
        return dir + name;
      }
    }
    throw new AssertionError(name + " is not installed: bin/test installs it from Debian's packages (apt-get install " + name + ")");
  }

  static Front run(String name, List<String> command, int port, Path dir) throws IOException {
    Process process = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile()).start();
    Front front = new Front(name, process, port, dir);
    Await.until(name + " answers /eventbus/info through to a gateway", Duration.ofSeconds(20), () -> {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited: " + read(dir.resolve(name + ".out")));
      }
      try {
        return get(front, "/eventbus/info").statusCode() == 200;
      } catch (RuntimeException e) {
        return false;
      }
    });
    return front;
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static HttpResponse<Buffer> get(Front front, String path) {
    return Await.result(web.get(front.port(), "127.0.0.1", path).send());
  }

  static HttpResponse<Buffer> post(Front front, String path, String body) {
    return Await.result(web.post(front.port(), "127.0.0.1", path).sendBuffer(Buffer.buffer(body)));
  }

  /** {@code count} sockets of {@code user} through {@code front}, each upgraded and answering a request. */
  static List<SocketClient> connect(Front front, Api.User user, int count) {
    List<SocketClient> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(SocketClient.withToken(client, front.port(), user));
      }
      sockets.forEach(s -> s.ask("chat.sync", new JsonObject().put("rooms", new JsonObject())));
      return sockets;
    } catch (RuntimeException | Error e) {
      sockets.forEach(SocketClient::close);
      throw e;
    }
  }

  static void closeAll(List<SocketClient> sockets) {
    sockets.forEach(SocketClient::close);
  }

  /** Sets HAProxy's server {@code server} to {@code state} (drain, ready) in every backend. */
  static void setState(Front front, String server, String state) {
    for (String backend : List.of("gateways", "gateways_ws", "gateways_sockjs")) {
      adminCommand(front, "set server " + backend + "/" + server + " state " + state);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"nginx", "haproxy"})
  @Order(1)
  @DisplayName("sockets are upgraded through it and talk across the gateways; the operations endpoints are refused")
  void socketsThroughTheFront(String name) {
    Front front = fronts.get(name);
    for (String path : List.of("/health/ready", "/health/live", "/metrics")) {
      assertThat(get(front, path).statusCode()).as(name + " refuses " + path).isEqualTo(404);
    }
    int[] before = gateways.stream().mapToInt(GatewayVerticle::openSessions).toArray();
    List<SocketClient> sockets = new ArrayList<>(connect(front, alice, 2));
    try {
      sockets.addAll(connect(front, bob, 2));
      int[] after = gateways.stream().mapToInt(GatewayVerticle::openSessions).toArray();
      System.out.println(name + ": 4 sockets, per gateway " + (after[0] - before[0]) + " and " + (after[1] - before[1]));
      String text = "through " + name;
      sockets.get(0).ask("chat.send", new JsonObject().put("roomId", roomId).put("clientMsgId", UUID.randomUUID().toString())
          .put("text", text));
      for (SocketClient s : sockets) {
        assertThat(s.awaitEvent("message").getJsonObject("message").getString("text")).isEqualTo(text);
      }
    } finally {
      closeAll(sockets);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"nginx", "haproxy"})
  @Order(2)
  @DisplayName("every request of a SockJS HTTP session reaches the gateway that holds it, and sessions spread over both")
  void sockJsAffinity(String name) {
    Front front = fronts.get(name);
    int[] before = gateways.stream().mapToInt(GatewayVerticle::sockJsSessionBindings).toArray();
    String query = "?access_token=" + sockJsUsers.get(name).token();
    for (int i = 0; i < SOCKJS_SESSIONS; i++) {
      String path = "/eventbus/" + (100 + i) + "/" + UUID.randomUUID().toString().replace("-", "");
      HttpResponse<Buffer> open = post(front, path + "/xhr" + query, "");
      assertThat(open.statusCode()).isEqualTo(200);
      assertThat(open.bodyAsString().trim()).as("session " + i + " opens").isEqualTo("o");
      String replyAddress = UUID.randomUUID().toString();
      JsonObject sync = new JsonObject().put("type", "send").put("address", "chat.sync")
          .put("body", new JsonObject().put("rooms", new JsonObject())).put("replyAddress", replyAddress);
      // Another gateway would not know the session: 404 to the send, a new session ("o") to the poll.
      assertThat(post(front, path + "/xhr_send" + query, new JsonArray().add(sync.encode()).encode()).statusCode())
          .as(name + ": session " + i + "'s send reaches its gateway").isEqualTo(204);
      String polled = post(front, path + "/xhr" + query, "").bodyAsString().trim();
      assertThat(polled).as(name + ": session " + i + "'s poll reaches its gateway and carries the answer").startsWith("a[").contains(replyAddress);
    }
    int[] after = gateways.stream().mapToInt(GatewayVerticle::sockJsSessionBindings).toArray();
    System.out.println(name + ": " + SOCKJS_SESSIONS + " SockJS sessions, per gateway " + (after[0] - before[0]) + " and " + (after[1] - before[1]));
    assertThat(after[0] - before[0]).as("sessions on gateway 1 (16 random ids all on one would be 1 in 32,768)").isPositive();
    assertThat(after[1] - before[1]).as("sessions on gateway 2").isPositive();
  }

  @Test
  @Order(3)
  @DisplayName("HAProxy: a gateway set to drain through the runtime API gets no new socket; set ready again, it does")
  void haproxyDrainsByHand() throws Exception {
    Front front = fronts.get("haproxy");
    Await.until("HAProxy sees both gateways UP", Duration.ofSeconds(20), () -> serverStates(front).values().stream().allMatch("UP"::equals));
    // The earlier tests' sockets and SockJS sessions are gone (a session outlives its last request by SockJS's timeout).
    Await.until("gateway 2 holds no socket", Duration.ofSeconds(20), () -> gateways.get(1).openSessions() == 0);
    setState(front, "gw2", "drain");
    try {
      List<SocketClient> sockets = connect(front, dave, 6);
      assertThat(gateways.get(1).openSessions()).as("sockets on the drained gateway").isZero();
      assertThat(gateways.get(0).openSessions()).as("sockets on the other").isGreaterThanOrEqualTo(6);
      closeAll(sockets);
    } finally {
      setState(front, "gw2", "ready");
    }
    assertThat(serverStates(front)).containsEntry("gateways_ws/gw2", "UP");
  }

  @Test
  @Order(4)
  @DisplayName("a gateway stops: HAProxy's health check marks it DOWN, and both fronts connect every new socket to the other")
  void oneGatewayStops() {
    Await.result(nodes.get(2).stop());
    Front haproxy = fronts.get("haproxy");
    Await.until("HAProxy marks the stopped gateway DOWN", Duration.ofSeconds(20),
        () -> serverStates(haproxy).get("gateways_ws/gw2").startsWith("DOWN"));
    for (Front front : fronts.values()) {
      // Each connects and answers: a handshake that met the stopped gateway went on to the other.
      List<SocketClient> sockets = connect(front, erin, 4);
      assertThat(gateways.get(0).openSessions()).as(front.name() + ": the new sockets are on the gateway left").isGreaterThanOrEqualTo(4);
      closeAll(sockets);
    }
  }

  /** {@code backend/server} to its status (UP, DOWN, DRAIN, ...) from HAProxy's {@code show stat}. */
  static Map<String, String> serverStates(Front front) {
    Map<String, String> states = new HashMap<>();
    String[] header = null;
    for (String line : adminCommand(front, "show stat").split("\n")) {
      if (line.startsWith("# ")) {
        header = line.substring(2).split(",");
        continue;
      }
      String[] cells = line.split(",", -1);
      if (header == null || cells.length < 2 || cells[1].equals("FRONTEND") || cells[1].equals("BACKEND")) {
        continue;
      }
      states.put(cells[0] + "/" + cells[1], cells[java.util.Arrays.asList(header).indexOf("status")]);
    }
    return states;
  }

  /** One command on HAProxy's admin socket ({@code stats socket} of haproxy.cfg), its answer. */
  static String adminCommand(Front front, String command) {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(front.dir().resolve("haproxy.sock")));
      channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
      StringBuilder answer = new StringBuilder();
      ByteBuffer buffer = ByteBuffer.allocate(8192);
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        answer.append(StandardCharsets.UTF_8.decode(buffer));
        buffer.clear();
      }
      return answer.toString();
    } catch (IOException e) {
      throw new AssertionError("HAProxy's admin socket: " + e, e);
    }
  }
}

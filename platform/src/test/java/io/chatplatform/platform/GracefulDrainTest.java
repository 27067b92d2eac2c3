package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on a running platform process: the gateway goes not ready, tells each socket to
 * reconnect elsewhere, answers the request still in flight, then closes (1012) and the process
 * exits 0. The platform runs from the test class path as {@code EmbeddedPlatformMain}, on a
 * MongoDB-wire store that is a process of its own ({@code StoreMain}): stopping the store
 * ({@code kill -STOP}) holds a {@code chat.send} in flight for as long as the test wants, and
 * {@code kill -CONT} lets it finish.
 */
@DisplayName("Graceful drain: SIGTERM on a gateway")
class GracefulDrainTest {
  /** Fixed ports below the ephemeral range, apart from ClusteredProcessesTest's. */
  static final int STORE_PORT = 5961;
  static final int GATEWAY_PORT = 5962;
  /** Its operations port ({@code OPS_HTTP_PORT}), where readiness is read. */
  static final int OPS_PORT = 5963;
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  static final String JWT_SECRET = "graceful-drain-secret-graceful-drain-secret";

  @TempDir Path dataDir;
  final List<Process> processes = new ArrayList<>();
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    for (Process p : processes) {
      signal(p, "CONT");
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("readiness goes DOWN, every socket hears 'reconnect', the in-flight send is acknowledged and stored, the raw socket closes 1012, the process exits 0")
  void sigtermDrains() throws Exception {
    Process store = java("store", "io.chatplatform.embeddedstore.StoreMain",
        Map.of("STORE_PORT", String.valueOf(STORE_PORT), "DATA_DIR", dataDir.resolve("store").toString()));
    Await.until("the store to listen", START_TIMEOUT, () -> listening(STORE_PORT));
    Map<String, String> platformEnv = Map.ofEntries(
        Map.entry("DATA_DIR", dataDir.resolve("platform").toString()),
        Map.entry("MONGO_URI", "mongodb://127.0.0.1:" + STORE_PORT),
        Map.entry("HTTP_PORT", String.valueOf(GATEWAY_PORT)),
        Map.entry("OPS_HTTP_PORT", String.valueOf(OPS_PORT)),
        Map.entry("HTTP_HOST", "127.0.0.1"),
        Map.entry("JWT_SECRET", JWT_SECRET),
        Map.entry("PASSWORD_HASH_ITERATIONS", "1000"),
        // Nothing gives up on the stopped store while the test holds it: the send stays in flight.
        Map.entry("SERVICE_TIMEOUT_MS", "60000"),
        Map.entry("HISTORY_TIMEOUT_MS", "55000"),
        Map.entry("HISTORY_APPEND_MAX_WAIT_MS", "55000"),
        Map.entry("MONGO_SOCKET_TIMEOUT_MS", "55000"),
        Map.entry("DRAIN_TIMEOUT_MS", "30000"),
        Map.entry("SHUTDOWN_TIMEOUT_MS", "40000"));
    Process platform = java("platform", "io.chatplatform.platform.EmbeddedPlatformMain", platformEnv);

    try (Api api = new Api(vertx, GATEWAY_PORT); Api ops = new Api(vertx, OPS_PORT)) {
      Await.until("the platform to serve", START_TIMEOUT, () -> {
        assertThat(platform.isAlive()).as("platform process alive").isTrue();
        return ops.status("/health/ready", Duration.ofSeconds(2)) == 200;
      });
      Api.User alice = api.register("drain-alice");
      Api.User bob = api.register("drain-bob");
      JsonObject room = api.post("/api/v1/rooms/direct", alice.token(), new JsonObject().put("userId", bob.userId())).json();
      SocketClient raw = SocketClient.withToken(vertx, GATEWAY_PORT, alice);
      SockJsClient sockjs = SockJsClient.connect(vertx, GATEWAY_PORT, "ticket=" + api.ticket(bob));
      sockjs.send(new JsonObject().put("type", "register").put("address", "user." + bob.userId()));
      assertThat(raw.ask("chat.send", PlatformEndToEndTest.send(room, "m-1", "before")).getLong("seq")).isEqualTo(1L);
      sockjs.awaitFrame(f -> isEvent(f, "message"));

      // The store stops answering: the next send is forwarded and stays unanswered.
      signal(store, "STOP");
      raw.write(new JsonObject().put("type", "send").put("address", "chat.send").put("replyAddress", "in-flight")
          .put("body", PlatformEndToEndTest.send(room, "m-2", "in flight")));
      // The gateway answers this refusal itself: once it is here, the send before it has been read.
      raw.register("user." + bob.userId());
      raw.awaitErr();

      platform.destroy(); // SIGTERM

      assertThat(raw.awaitEvent("reconnect").getString("reason")).isEqualTo("draining");
      JsonObject sockjsEvent = sockjs.awaitFrame(f -> isEvent(f, "reconnect"));
      assertThat(sockjsEvent.getJsonObject("body").getString("reason")).isEqualTo("draining");
      Api.Response ready = ops.get("/health/ready", null);
      assertThat(ready.status()).as("readiness while draining").isEqualTo(503);
      assertThat(ready.json().getJsonObject("checks").getString("gateway")).isEqualTo("DOWN");
      assertThat(raw.isClosed()).as("the raw socket waits for its in-flight send").isFalse();
      assertThat(sockjs.awaitClose()).as("SockJS can only say 'Go away!'").isEqualTo(3000);

      signal(store, "CONT");
      JsonObject ack = raw.awaitFrame(f -> "in-flight".equals(f.getString("address")), Await.TIMEOUT);
      assertThat(ack.getString("type")).as("the in-flight send's answer: " + ack).isEqualTo("rec");
      assertThat(ack.getJsonObject("body").getLong("seq")).isEqualTo(2L);
      assertThat(raw.awaitClose()).isEqualTo((short) 1012);
      raw.close();
      assertThat(platform.waitFor(40, TimeUnit.SECONDS)).as("the platform exits").isTrue();
      assertThat(platform.exitValue()).as("exit status after a clean drain").isZero();
    }

    // The next gateway on the same store has the acknowledged message.
    Map<String, String> again = new java.util.HashMap<>(platformEnv);
    again.put("HTTP_PORT", "0");
    again.put("OPS_HTTP_PORT", "0");
    try (EmbeddedPlatform next = EmbeddedPlatform.start(Settings.of(again));
        Api api = new Api(vertx, next.port())) {
      Api.User alice = api.login("drain-alice");
      String roomId = api.get("/api/v1/rooms", alice.token()).json().getJsonArray("rooms").getJsonObject(0).getString("roomId");
      JsonArray messages = api.get("/api/v1/rooms/" + roomId + "/messages", alice.token()).json().getJsonArray("messages");
      assertThat(messages.stream().map(m -> ((JsonObject) m).getString("text"))).containsExactly("before", "in flight");
    }
  }

  static boolean isEvent(JsonObject frame, String type) {
    return "rec".equals(frame.getString("type"))
        && frame.getString("address", "").startsWith("user.")
        && type.equals(frame.getJsonObject("body").getString("type"));
  }

  Process java(String name, String mainClass, Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    Path log = Path.of("target", "drain-" + name + ".log");
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  static void signal(Process process, String signal) throws Exception {
    if (process.isAlive()) {
      Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  static boolean listening(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A SockJS client over its WebSocket transport ({@code /eventbus/<server>/<session>/websocket}), as a browser's. */
  static final class SockJsClient {
    final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    /** Every SockJS text received, for failure messages. */
    final List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    ClientWebSocket ws;

    static SockJsClient connect(Vertx vertx, int port, String query) {
      SockJsClient c = new SockJsClient();
      WebSocketClient client = vertx.createWebSocketClient();
      c.ws = client.webSocket();
      c.ws.textMessageHandler(c::onText);
      c.ws.closeHandler(v -> c.closed.complete(-1));
      String session = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
      Await.result(c.ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
          .setURI("/eventbus/000/" + session + "/websocket?" + query)));
      return c;
    }

    /** SockJS framing: {@code o} open, {@code h} heartbeat, {@code a[...]} messages, {@code c[code,reason]} close. */
    private void onText(String text) {
      received.add(text);
      if (text.startsWith("a")) {
        new JsonArray(text.substring(1)).forEach(m -> frames.add(new JsonObject((String) m)));
      } else if (text.startsWith("c")) {
        closed.complete(new JsonArray(text.substring(1)).getInteger(0));
      }
    }

    void send(JsonObject frame) {
      Await.result(ws.writeTextMessage(new JsonArray().add(frame.encode()).encode()));
    }

    JsonObject awaitFrame(java.util.function.Predicate<JsonObject> match) throws InterruptedException {
      long deadline = System.nanoTime() + Await.TIMEOUT.toNanos();
      while (true) {
        JsonObject frame = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (frame == null) {
          throw new AssertionError("no matching SockJS frame within " + Await.TIMEOUT + "; received " + received);
        }
        if (match.test(frame)) {
          return frame;
        }
      }
    }

    int awaitClose() throws Exception {
      return closed.get(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}

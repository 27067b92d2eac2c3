package io.chatplatform.loadtest.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.loadtest.generator.Await;
import io.chatplatform.loadtest.generator.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code bin/bench storm} and {@code storm-warm} need of the baseline relay, on a real port:
 * the answer to {@code chat.sync} in the platform's frame shape (the storm's "connected"), and
 * the gauge of open sockets the warm storm waits on between its passes.
 */
class RelayStormSupportTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern SOCKETS_OPEN = Pattern.compile("(?m)^chat_gateway_sockets_open (\\d+)$");
  private static Vertx vertx;
  private static WebClient web;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    vertx = Vertx.vertx();
    Await.result(BaselineRelay.start(vertx, port, 2), TIMEOUT);
    web = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    web.close();
    Await.result(vertx.close(), TIMEOUT);
  }

  @Test
  void answersChatSyncAndCountsItsOpenSockets() throws Exception {
    String token = login("storm-user");
    assertThat(socketsOpen()).isZero();
    WebSocketClient client = vertx.createWebSocketClient();
    try {
      WebSocket socket = Await.result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
          .setURI(Endpoint.SOCKET_PATH + "?access_token=" + token)), TIMEOUT);
      Promise<JsonObject> answer = Promise.promise();
      socket.binaryMessageHandler(frame -> answer.tryComplete(frame.toJsonObject()));
      Await.result(socket.writeTextMessage(new JsonObject().put("type", "send").put("address", "chat.sync")
          .put("replyAddress", "sync-1").put("body", new JsonObject().put("rooms", new JsonObject())).encode()), TIMEOUT);

      // The platform's answer to a sync naming no rooms: a rec frame to the reply address with an empty rooms object.
      assertThat(Await.result(answer.future(), TIMEOUT)).isEqualTo(new JsonObject().put("type", "rec").put("address", "sync-1")
          .put("body", new JsonObject().put("rooms", new JsonObject())));
      assertThat(socketsOpen()).isEqualTo(1);

      Await.result(socket.close(), TIMEOUT);
      assertThat(socketsOpenOnceSettled()).as("the gauge after the close").isZero();
    } finally {
      Await.result(client.close(), TIMEOUT);
    }
  }

  @Test
  void aSocketClosedTwiceIsCountedOnce() {
    RelayDirectory directory = new RelayDirectory();
    RelaySocket socket = new UnconnectedSocket(directory);
    assertThat(directory.socketsOpen()).isEqualTo(1);

    socket.onClosed(); // a failed write …
    socket.onClosed(); // … then the close handler

    assertThat(directory.socketsOpen()).isZero();
  }

  /** A relay socket without a connection: only its bookkeeping is exercised. */
  private static final class UnconnectedSocket extends RelaySocket {
    UnconnectedSocket(RelayDirectory directory) {
      super("u_1", directory);
    }

    @Override
    Object loop() {
      return this;
    }

    @Override
    void runOnLoop(Runnable task) {
      task.run();
    }

    @Override
    boolean writeQueueFull() {
      return false;
    }

    @Override
    void writeBinary(Buffer frame) {}

    @Override
    void close(short code, String reason) {}
  }

  private static String login(String username) throws Exception {
    JsonObject credentials = new JsonObject().put("username", username).put("password", "not-checked-by-the-relay");
    Await.result(web.post(port, "127.0.0.1", "/api/v1/auth/register").sendJsonObject(credentials), TIMEOUT);
    return Await.result(web.post(port, "127.0.0.1", "/api/v1/auth/login").sendJsonObject(credentials), TIMEOUT)
        .bodyAsJsonObject().getString("accessToken");
  }

  private static long socketsOpen() throws Exception {
    String metrics = Await.result(web.get(port, "127.0.0.1", "/metrics").send(), TIMEOUT).bodyAsString();
    Matcher m = SOCKETS_OPEN.matcher(metrics);
    assertThat(m.find()).as("chat_gateway_sockets_open in the relay's /metrics").isTrue();
    return Long.parseLong(m.group(1));
  }

  /**
   * The server sees a close a moment after the client's close completes, and tells no one: read
   * the gauge until it reads 0 or the timeout passes (as the storm does between its passes).
   */
  private static long socketsOpenOnceSettled() throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    long open = socketsOpen();
    while (open != 0 && System.nanoTime() < deadline) {
      Await.result(Future.future(p -> vertx.setTimer(20, id -> p.complete())), TIMEOUT);
      open = socketsOpen();
    }
    return open;
  }
}

package io.chatplatform.gateway.overload;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.gateway.GatewayServer;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A real gateway whose event loop is kept busy, as a loop starved of CPU is: what reaches it then
 * is refused at the door, and once the loop has caught up it is served again.
 */
@DisplayName("Load shedding: a gateway whose event loop runs behind refuses new work, then takes it again")
class LoadSheddingTest {
  /** Each turn of the busy work: the loop's checks run about this late while it lasts. */
  static final long BUSY_TURN_MS = 600;

  @Test
  @DisplayName("while the loop stays more than OVERLOAD_LOOP_LAG_MS behind, a socket's opening (info, WebSocket upgrade) and a REST request "
      + "are answered 503 with Retry-After and go no further; once it has caught up, they are served")
  void busyLoopShedsThenRecovers() throws Exception {
    // One event loop in this Vert.x and one gateway instance: the busy work below is on the
    // gateway's loop. OVERLOAD_LOOP_LAG_MS is lowered from 1,000 to 200 so that turns of
    // BUSY_TURN_MS are far past it on any machine; everything else is production.
    try (GatewayServer server = new GatewayServer(Map.of("GATEWAY_EVENT_LOOPS", "1", "OVERLOAD_LOOP_LAG_MS", "200"),
        new VertxOptions().setEventLoopPoolSize(1))) {
      assertThat(exchange(server.port(), info()).status).as("before the busy work").isEqualTo(200);
      assertThat(refused(server, LoadShedding.SOCKET)).isZero();

      // The loop stays busy, a turn at a time: between turns it still reads requests and runs its
      // checks, each late by about a turn, as on a loop with more work than CPU.
      AtomicBoolean busy = new AtomicBoolean(true);
      Runnable[] turn = new Runnable[1];
      turn[0] = () -> {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUSY_TURN_MS);
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
        if (busy.get()) {
          // A timer, not runOnContext: Netty runs queued tasks back to back (it looks at the clock
          // every 64), so a task that queues the next would never let the loop read again.
          server.vertx.setTimer(1, id -> turn[0].run());
        }
      };
      server.vertx.runOnContext(v -> turn[0].run());
      try {
        Await.until("the gateway to refuse a socket's opening", Duration.ofSeconds(30),
            () -> exchange(server.port(), info()).status == 503);
        List<Answer> refusals = List.of(
            exchange(server.port(), info()),
            exchange(server.port(), "GET /eventbus/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"),
            exchange(server.port(), "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
        for (Answer answer : refusals) {
          assertThat(answer.status).as(answer.head).isEqualTo(503);
          assertThat(answer.head).containsIgnoringCase("\r\nretry-after: 2\r\n");
          assertThat(new JsonObject(answer.body).getJsonObject("error"))
              .isEqualTo(new JsonObject().put("code", "unavailable").put("message", "the server is overloaded, retry in 2 s"));
        }
        assertThat(refused(server, LoadShedding.REST)).isEqualTo(1.0);
        assertThat(refused(server, LoadShedding.SOCKET)).isGreaterThanOrEqualTo(3.0);

        // SockJS's websocket transport has no refusal before its upgrade: the socket opens, is told
        // why, and is closed before it is set up (no credential was even looked at).
        double socketsBefore = refused(server, LoadShedding.SOCKET);
        Vertx client = Vertx.vertx();
        try {
          List<String> texts = new CopyOnWriteArrayList<>();
          Promise<Void> closed = Promise.promise();
          // Handlers before the connect: the server may have said its piece and closed before the
          // connect's future is seen on this thread.
          ClientWebSocket ws = client.createWebSocketClient().webSocket();
          ws.textMessageHandler(texts::add);
          ws.closeHandler(v -> closed.tryComplete());
          Await.result(ws.connect(server.port(), "127.0.0.1", "/eventbus/000/overload/websocket"));
          Await.result(closed.future(), Duration.ofSeconds(30));
          assertThat(String.join("\n", texts)).contains("unavailable: the server is overloaded, retry in 2 s");
          assertThat(refused(server, LoadShedding.SOCKET)).isGreaterThan(socketsBefore);
        } finally {
          Await.result(client.close());
        }
      } finally {
        busy.set(false);
      }

      // Caught up once the smoothed lag of its on-time checks (OVERLOAD_CHECK_INTERVAL_MS, 100 ms) is at most half the threshold.
      Await.until("the gateway to serve a socket's opening again", Duration.ofSeconds(30),
          () -> exchange(server.port(), info()).status == 200);
      Answer me = exchange(server.port(), "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      assertThat(me.status).as("a REST request reaches its route again: no token, so 401").isEqualTo(401);
      assertThat(refused(server, LoadShedding.REST)).isEqualTo(1.0);
    }
  }

  static String info() {
    return "GET /eventbus/info HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  }

  static double refused(GatewayServer server, String what) {
    return server.operations.registry().get(LoadShedding.SHED_METRIC).tag("what", what).counter().count();
  }

  record Answer(int status, String head, String body) {}

  static Socket write(int port, String request) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(20_000);
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }

  /** One answer: its head, then a body of its {@code Content-Length} (or up to the close when it has none). */
  static Answer read(Socket socket) throws IOException {
    try (socket; InputStream in = socket.getInputStream()) {
      StringBuilder head = new StringBuilder();
      while (head.indexOf("\r\n\r\n") < 0) {
        int b = in.read();
        assertThat(b).as("a whole answer head: " + head).isNotNegative();
        head.append((char) b);
      }
      String headText = head.substring(0, head.length() - 2);
      java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)\r\n").matcher(headText);
      byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : in.readAllBytes();
      return new Answer(Integer.parseInt(headText.substring(9, 12)), headText, new String(body, StandardCharsets.UTF_8));
    }
  }

  static Answer exchange(int port, String request) {
    try {
      return read(write(port, request));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}

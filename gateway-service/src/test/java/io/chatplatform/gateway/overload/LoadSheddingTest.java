package io.chatplatform.gateway.overload;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.gateway.GatewayServer;
import io.chatplatform.testsupport.Await;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A real gateway whose event loop is kept busy, as a loop starved of CPU is: what reaches it then
 * is refused at the door, and once the loop has caught up it is served again.
 */
@DisplayName("Load shedding: a gateway whose event loop runs behind refuses new work, then takes it again")
class LoadSheddingTest {
  /** How long the loop is kept busy: well past the threshold the test sets. */
  static final long STALL_MS = 1_000;

  @Test
  @DisplayName("while the loop is stalled past OVERLOAD_LOOP_LAG_MS, a socket's opening (info, WebSocket upgrade) and a REST request "
      + "are answered 503 with Retry-After and nothing else happens; after it, they are served")
  void stalledLoopShedsThenRecovers() throws Exception {
    // One event loop in this Vert.x and one gateway instance: the stall below is the gateway's loop.
    // OVERLOAD_LOOP_LAG_MS is lowered from 1,000 to 200 so that a stall of STALL_MS is far past it
    // on any machine; everything else is production.
    try (GatewayServer server = new GatewayServer(Map.of("GATEWAY_EVENT_LOOPS", "1", "OVERLOAD_LOOP_LAG_MS", "200"),
        new VertxOptions().setEventLoopPoolSize(1))) {
      assertThat(exchange(server.port(), info()).status).as("before the stall").isEqualTo(200);

      CountDownLatch stalled = new CountDownLatch(1);
      CountDownLatch requestsWritten = new CountDownLatch(1);
      server.vertx.runOnContext(v -> {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STALL_MS);
        stalled.countDown();
        // The loop is busy: it reads nothing, runs no timer. The wait for the requests' writes is
        // bounded by the test's own timeout; then it stays busy for the rest of STALL_MS.
        try {
          requestsWritten.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
      });
      assertThat(stalled.await(20, TimeUnit.SECONDS)).isTrue();
      List<Socket> sockets = List.of(
          write(server.port(), info()),
          write(server.port(), "GET /eventbus/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"),
          write(server.port(), "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
      requestsWritten.countDown();

      for (Socket socket : sockets) {
        Answer answer = read(socket);
        assertThat(answer.status).as(answer.head).isEqualTo(503);
        assertThat(answer.head).containsIgnoringCase("\r\nretry-after: 2\r\n");
        assertThat(new JsonObject(answer.body).getJsonObject("error"))
            .isEqualTo(new JsonObject().put("code", "unavailable").put("message", "the server is overloaded, retry in 2 s"));
      }
      assertThat(refused(server, LoadShedding.SOCKET)).isEqualTo(2.0);
      assertThat(refused(server, LoadShedding.REST)).isEqualTo(1.0);

      // Caught up: the next on-time check ends it (OVERLOAD_CHECK_INTERVAL_MS, 100 ms).
      Await.until("the gateway to serve a socket's opening again", Duration.ofSeconds(10),
          () -> exchange(server.port(), info()).status == 200);
      Answer me = exchange(server.port(), "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      assertThat(me.status).as("a REST request reaches its route again: no token, so 401").isEqualTo(401);
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

package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The raw WebSocket as the gateway's lean socket serves it, attacked with hand-made bytes on the
 * embedded platform (production settings but one, below): frames sent before the 101, protocol
 * violations, and what Vert.x's meters say of sockets that came and went.
 */
@DisplayName("The lean WebSocket: early frames, protocol violations and Vert.x's meters")
class LeanWebSocketAttackTest {
  /**
   * SOCKET_CLOSE_TIMEOUT_MS raised from 10 s to 120 s, beyond RawHttp's 30 s read timeout, so
   * that a connection ending within that wait was ended by the server's FIN, not by the timeout.
   */
  static final int CLOSE_TIMEOUT_MS = 120_000;

  @TempDir static Path dataDir;
  static PlatformFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new PlatformFixture(dataDir, Map.of("SOCKET_CLOSE_TIMEOUT_MS", String.valueOf(CLOSE_TIMEOUT_MS)));
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  static byte[] syncFrame(String replyAddress) {
    return RawHttp.maskedFrame(RawHttp.TEXT, EdgeHardeningAttackTest.syncFrame(replyAddress).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("frames sent in the same write as the handshake are read once the token is checked, and answered")
  void framesSentWithTheHandshake() {
    Api.User user = fx.newUser("eager");
    byte[] frames = new byte[0];
    for (String reply : List.of("first", "second")) {
      byte[] frame = syncFrame(reply);
      byte[] joined = new byte[frames.length + frame.length];
      System.arraycopy(frames, 0, joined, 0, frames.length);
      System.arraycopy(frame, 0, joined, frames.length, frame.length);
      frames = joined;
    }
    try (RawHttp raw = RawHttp.webSocket(fx.port(), "/eventbus/websocket?access_token=" + user.token(), frames)) {
      // Both are answered; two requests in flight may be answered in either order.
      List<JsonObject> answers = List.of(new JsonObject(raw.readFrame().text()), new JsonObject(raw.readFrame().text()));
      assertThat(answers).extracting(a -> a.getString("address")).containsExactlyInAnyOrder("first", "second");
      assertThat(answers).allSatisfy(a -> assertThat(a.getJsonObject("body").containsKey("rooms")).isTrue());
    }
  }

  @Test
  @DisplayName("an upgrade pipelined behind a request still being answered is refused with 400; the request before it is answered")
  void pipelinedUpgrade() {
    Api.User user = fx.newUser("pipelined");
    try (RawHttp raw = RawHttp.connect(fx.port())) {
      // The first request's answer needs a service's (so it is not written in the turn that read
      // both requests); the upgrade waits behind it in Vert.x's queue, its bytes read as HTTP.
      raw.send("GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + user.token() + "\r\n\r\n"
          + "GET /eventbus/websocket?access_token=" + user.token() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
      assertThat(raw.response().status()).as("the request before the upgrade").isEqualTo(200);
      assertThat(raw.response().status()).as("the pipelined upgrade").isEqualTo(400);
    }
  }

  @Test
  @DisplayName("an unmasked frame is answered with close 1002, then the server ends its side (FIN) without waiting for the client's close")
  void unmaskedFrame() {
    Api.User user = fx.newUser("unmasked");
    try (RawHttp raw = RawHttp.webSocket(fx.port(), "/eventbus/websocket?access_token=" + user.token())) {
      byte[] payload = EdgeHardeningAttackTest.syncFrame("r").getBytes(StandardCharsets.UTF_8);
      byte[] frame = new byte[2 + payload.length];
      frame[0] = (byte) (0x80 | RawHttp.TEXT);
      frame[1] = (byte) payload.length;
      System.arraycopy(payload, 0, frame, 2, payload.length);
      raw.send(frame);
      assertThat(raw.awaitCloseFrame().closeCode()).isEqualTo(1002);
      // Returns once the server has ended its side in order (not reset); the close timeout (120 s) is far beyond this wait.
      raw.untilEndOfStream();
    }
  }

  /**
   * A gauge's value from the operations port, read on a connection of its own that the server
   * closes after answering: an HTTP client's pool may open a second connection whenever it likes,
   * and Vert.x's connection gauge counts the operations server's connections with the public one's.
   */
  static long gauge(String name) {
    String metrics;
    try (RawHttp raw = RawHttp.connect(fx.platform.opsPort())) {
      metrics = raw.send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").untilClosed();
    }
    double sum = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
      }
    }
    return (long) sum;
  }

  @Test
  @DisplayName("sockets that opened and closed leave Vert.x's gauges of connections, WebSockets and requests where they were")
  void metersBalance() {
    Api.User user = fx.newUser("metered");
    List<String> gauges = List.of("vertx_http_server_active_connections", "vertx_http_server_active_ws_connections",
        "vertx_http_server_active_requests");
    // The other tests' sockets are closed by now, or about to be: none is left to count.
    Await.until("no socket left open", Await.TIMEOUT, () -> gauge(gauges.get(1)) == 0);
    Map<String, Long> before = new java.util.HashMap<>();
    gauges.forEach(g -> before.put(g, gauge(g)));
    List<RawHttp> sockets = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      RawHttp raw = RawHttp.webSocket(fx.port(), "/eventbus/websocket?access_token=" + user.token(), syncFrame("m" + i));
      raw.readFrame();
      sockets.add(raw);
    }
    assertThat(gauge(gauges.get(1))).as("WebSockets while open").isEqualTo(5);
    for (RawHttp raw : sockets) {
      raw.frame(RawHttp.CLOSE, new byte[] {0x03, (byte) 0xE8});
      assertThat(raw.awaitCloseFrame().closeCode()).isEqualTo(1000);
      raw.untilClosed();
    }
    // Connections may fall below (a kept-alive REST connection closing meanwhile); WebSockets and
    // requests come back exactly: one counted twice or never would show here.
    Await.until("connections back where they were", Await.TIMEOUT, () -> gauge(gauges.get(0)) <= before.get(gauges.get(0)));
    for (String g : gauges.subList(1, 3)) {
      Await.until(g + " back where it was", Await.TIMEOUT, () -> gauge(g) == before.get(g));
    }
  }
}

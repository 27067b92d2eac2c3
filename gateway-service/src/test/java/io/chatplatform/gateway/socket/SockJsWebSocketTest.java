package io.chatplatform.gateway.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.gateway.GatewayServer;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * SockJS's websocket transport ({@code /eventbus/<server>/<session>/websocket}) spoken frame by
 * frame, as sockjs-client speaks it, against a gateway on a real port: SockJS's own framing
 * ({@code o}, {@code a[…]}, {@code c[…]}) is checked byte for byte, not through a SockJS client.
 */
@DisplayName("SockJS's websocket transport, frame by frame")
class SockJsWebSocketTest {
  static final String USER = "u_5555555555555555555555555555555b";
  static final String ROOM = "r_sockjs";

  GatewayServer server;
  String token;
  final Vertx clients = Vertx.vertx();

  @BeforeEach
  void start() {
    server = new GatewayServer(Map.of());
    token = SocketNode.serveOneRoom(server.vertx, ROOM, USER, "sockjs");
  }

  @AfterEach
  void close() {
    clients.close().onFailure(e -> { });
    if (server != null) {
      server.close();
    }
  }

  /** A WebSocket client keeping every message as it came (binary ones as UTF-8 text), and how it closed. */
  static final class Client {
    /** Held as long as the socket: Vert.x closes a client nothing refers to when the GC finds it. */
    WebSocketClient owner;
    ClientWebSocket ws;
    final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Short> closed = new CompletableFuture<>();

    String next() throws InterruptedException {
      String frame = received.poll(20, TimeUnit.SECONDS);
      if (frame == null) {
        throw new AssertionError("no frame within 20 s");
      }
      return frame;
    }

    /** The next SockJS frame that is not a heartbeat. */
    String nextSockJs() throws InterruptedException {
      String frame = next();
      return frame.equals("h") ? nextSockJs() : frame;
    }

    /** The one bridge frame of the next {@code a[…]}. */
    JsonObject nextMessage() throws InterruptedException {
      String frame = nextSockJs();
      assertThat(frame).startsWith("a[");
      JsonArray messages = new JsonArray(frame.substring(1));
      assertThat(messages).as(frame).hasSize(1);
      return new JsonObject(messages.getString(0));
    }
  }

  Client connect(String uri) {
    Client c = new Client();
    c.owner = clients.createWebSocketClient();
    c.ws = c.owner.webSocket();
    c.ws.textMessageHandler(c.received::add);
    c.ws.binaryMessageHandler(b -> c.received.add(b.toString()));
    c.ws.closeHandler(v -> c.closed.complete(c.ws.closeStatusCode()));
    Await.result(c.ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port()).setURI(uri)));
    return c;
  }

  static String register() {
    return new JsonObject().put("type", "register").put("address", "user." + USER).encode();
  }

  static String publish(String address) {
    return new JsonObject().put("type", "publish").put("address", address).encode();
  }

  @Test
  @DisplayName("o on open; a batch of client frames answered in order; a malformed frame gets an err and the socket goes on; "
      + "a request answered; a room event in the bytes the raw socket's frame escaped")
  void framesBothWays() throws Exception {
    Client sockJs = connect("/eventbus/123/abcdefgh/websocket?access_token=" + token);
    assertThat(sockJs.next()).as("SockJS's open frame").isEqualTo("o");

    // Several client frames in one SockJS message: each is a frame of its own, in order.
    sockJs.ws.writeTextMessage(new JsonArray().add(register()).add(publish("first")).add("{not json").add(publish("second")).encode());
    assertThat(sockJs.nextMessage().getString("address")).isEqualTo("first");
    JsonObject malformed = sockJs.nextMessage();
    assertThat(malformed.getString("type")).isEqualTo("err");
    assertThat(malformed.getString("message")).isEqualTo("bad_request: a frame must be a JSON object");
    assertThat(malformed.containsKey("address")).as("a frame-level error has no address").isFalse();
    assertThat(sockJs.nextMessage().getString("address")).as("the frame after the malformed one").isEqualTo("second");

    // A single string is a client frame too; a request is answered by a rec frame to its replyAddress.
    sockJs.ws.writeTextMessage(new JsonArray().add(new JsonObject().put("type", "send").put("address", "auth.renew")
        .put("replyAddress", "renew-1").put("body", new JsonObject().put("accessToken", token)).encode()).encode());
    JsonObject renewed = sockJs.nextMessage();
    assertThat(renewed.getString("type")).isEqualTo("rec");
    assertThat(renewed.getString("address")).isEqualTo("renew-1");
    assertThat(renewed.getJsonObject("body").getLong("expiresAt")).isPositive();

    Client raw = connect("/eventbus/websocket?access_token=" + token);
    raw.ws.writeTextMessage(register());
    raw.ws.writeTextMessage(publish("started"));
    assertThat(raw.next()).contains("publishing is not allowed");

    for (String text : SockJsFramingTest.TEXTS) {
      server.vertx.eventBus().publish(Addresses.Fanout.room(ROOM), SockJsFramingTest.eventWith(text));
      String rawFrame = raw.next();
      assertThat(new JsonObject(rawFrame).getJsonObject("body").getJsonObject("message").getString("text")).isEqualTo(text);
      assertThat(sockJs.nextSockJs()).as(text).isEqualTo("a" + new JsonArray().add(rawFrame).encode());
    }
  }

  @Test
  @DisplayName("a socket the server closes reads the cause in an err frame, then c[3000,\"Go away!\"], then the WebSocket closes")
  void closeFrame() throws Exception {
    Client sockJs = connect("/eventbus/123/abcdefgh/websocket?access_token=not-a-token");
    assertThat(sockJs.next()).isEqualTo("o");
    JsonObject cause = sockJs.nextMessage();
    assertThat(cause.getString("type")).isEqualTo("err");
    assertThat(cause.getString("message")).startsWith("unauthorized");
    assertThat(sockJs.nextSockJs()).isEqualTo("c[3000,\"Go away!\"]");
    assertThat(sockJs.closed.get(20, TimeUnit.SECONDS)).as("the WebSocket closed").isNotNull();
  }

  @Test
  @DisplayName("a message that is not SockJS's framing (not a JSON array of strings) closes the WebSocket, as vertx-web's transport does")
  void notSockJsFraming() throws Exception {
    Client sockJs = connect("/eventbus/123/abcdefgh/websocket?access_token=" + token);
    assertThat(sockJs.next()).isEqualTo("o");
    sockJs.ws.writeTextMessage(register());
    assertThat(sockJs.closed.get(20, TimeUnit.SECONDS)).as("the WebSocket closed").isNotNull();
    Await.until("the session to be gone", Await.TIMEOUT, () -> server.gateway.openSessions() == 0);
  }
}

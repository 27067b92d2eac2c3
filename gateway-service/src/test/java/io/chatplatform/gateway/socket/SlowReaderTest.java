package io.chatplatform.gateway.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.gateway.GatewayServer;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Clients that stop reading while their room is busy, over real sockets: every transport is bound
 * in bytes, and a client over the bound is closed as too slow instead of growing the gateway's
 * memory; a client that reads keeps its socket through a burst.
 */
@DisplayName("A socket that stops reading while its room is busy is closed as too slow, whatever its transport")
class SlowReaderTest {
  static final String USER = "u_5555555555555555555555555555555a";
  static final String ROOM = "r_busy";
  /** The write bound of every socket here ({@code SOCKET_WRITE_QUEUE_MAX_BYTES}, its default). */
  static final int WRITE_BOUND = 512 * 1024;
  /** Room events of 4 KiB, as measured in the issue: 4096 of them (16 MiB) outgrow every buffer here. */
  static final int EVENT_BYTES = 4 * 1024;
  static final int EVENTS = 4096;
  /** Events published between two waits for the reading socket. */
  static final int BURST = 8;
  /** What the SockJS session sends when it is closed: vertx-web's sessions carry no other code. */
  static final String SOCKJS_CLOSE = "c[3000,\"Go away!\"]";

  GatewayServer server;
  String token;
  final Vertx clients = Vertx.vertx();

  @BeforeEach
  void start() {
    server = new GatewayServer(Map.of("SOCKET_WRITE_QUEUE_MAX_BYTES", String.valueOf(WRITE_BOUND)));
    token = SocketNode.serveOneRoom(server.vertx, ROOM, USER, "slow");
  }

  @AfterEach
  void close() {
    clients.close().onFailure(e -> { });
    if (server != null) {
      server.close();
    }
  }

  /** A client of any transport: the frames it received (SockJS's arrays taken apart), and whether it was closed. */
  static class Client {
    final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Short> closed = new CompletableFuture<>();

    /** Takes a SockJS frame apart: {@code a[...]} into its messages, the others ({@code o}, {@code h}, {@code c[...]}) as they are. */
    void sockJsFrame(String frame) {
      if (frame.startsWith("a")) {
        for (Object message : (JsonArray) Json.decodeValue(frame.substring(1))) {
          received.add((String) message);
        }
      } else {
        received.add(frame);
      }
    }

    String next(Predicate<String> match) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (true) {
        String frame = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (frame == null) {
          throw new AssertionError("no matching frame within 20 s");
        }
        if (match.test(frame)) {
          return frame;
        }
      }
    }

    void awaitEvents(int count) throws InterruptedException {
      for (int k = 0; k < count; k++) {
        next(f -> f.startsWith("{\"type\":\"rec\""));
      }
    }
  }

  /** A WebSocket client, raw or SockJS's websocket transport. */
  static final class WsClient extends Client {
    /**
     * Held as long as the socket: Vert.x closes a client nothing refers to when the garbage
     * collector finds it, which failed a connect now and then ("Client is closed").
     */
    WebSocketClient owner;
    ClientWebSocket ws;
  }

  WsClient connect(String uri, boolean sockJs, int maxMessage) {
    // A small receive buffer: the kernel holds little for a client that does not read.
    WsClient c = new WsClient();
    c.owner = clients.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(8 * 1024)
        .setMaxFrameSize(maxMessage).setMaxMessageSize(maxMessage));
    ClientWebSocket ws = c.owner.webSocket();
    c.ws = ws;
    if (sockJs) {
      ws.textMessageHandler(c::sockJsFrame);
    } else {
      ws.textMessageHandler(c.received::add);
      ws.binaryMessageHandler(b -> c.received.add(b.toString()));
    }
    ws.closeHandler(v -> c.closed.complete(ws.closeStatusCode()));
    Await.result(ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port()).setURI(uri)));
    return c;
  }

  static String registerAndProbe() {
    return new JsonArray()
        .add(new JsonObject().put("type", "register").put("address", "user." + USER).encode())
        .add(new JsonObject().put("type", "publish").put("address", "started").encode())
        .encode();
  }

  /** A raw WebSocket client whose session has started: its refused publish is answered. */
  WsClient rawClient(int maxMessage) throws Exception {
    WsClient c = connect("/eventbus/websocket?access_token=" + token, false, maxMessage);
    c.ws.writeTextMessage(new JsonObject().put("type", "register").put("address", "user." + USER).encode());
    c.ws.writeTextMessage(new JsonObject().put("type", "publish").put("address", "started").encode());
    c.next(f -> f.contains("publishing is not allowed"));
    return c;
  }

  /** A SockJS client on its websocket transport, started likewise. */
  WsClient sockJsWebSocket(String sessionId, int maxMessage) throws Exception {
    WsClient c = connect("/eventbus/000/" + sessionId + "/websocket?access_token=" + token, true, maxMessage);
    c.next("o"::equals);
    c.ws.writeTextMessage(registerAndProbe());
    c.next(f -> f.contains("publishing is not allowed"));
    return c;
  }

  /**
   * A SockJS client on XHR streaming: one streaming request at a time, its frames sent by
   * {@code xhr_send}; every request carries the credential, as sockjs-client's do.
   */
  final class XhrStreamingClient extends Client {
    final HttpClient http = clients.createHttpClient(new HttpClientOptions().setReceiveBufferSize(8 * 1024));
    final String base;
    HttpClientResponse stream;
    volatile CompletableFuture<Void> streamEnded;
    private final StringBuilder partial = new StringBuilder();

    XhrStreamingClient(String sessionId) {
      base = "/eventbus/000/" + sessionId;
    }

    void open() {
      // The handlers are set as the response arrives, before any of its body is read.
      stream = Await.result(http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
              .setPort(server.port()).setURI(base + "/xhr_streaming?access_token=" + token))
          .compose(request -> request.send())
          .map(response -> {
            CompletableFuture<Void> ended = new CompletableFuture<>();
            streamEnded = ended;
            response.handler(chunk -> {
              partial.append(chunk.toString());
              int end;
              while ((end = partial.indexOf("\n")) >= 0) {
                String line = partial.substring(0, end);
                partial.delete(0, end + 1);
                if (!line.isEmpty() && !line.startsWith("hhhh")) {
                  sockJsFrame(line);
                }
              }
            });
            response.endHandler(v -> ended.complete(null));
            response.exceptionHandler(e -> ended.complete(null));
            return response;
          }));
    }

    void send(String frames) {
      int status = Await.result(http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
              .setPort(server.port()).setURI(base + "/xhr_send?access_token=" + token))
          .compose(request -> request.send(frames)).map(HttpClientResponse::statusCode));
      assertThat(status).as("xhr_send").isEqualTo(204);
    }
  }

  XhrStreamingClient xhrStreaming(String sessionId) throws Exception {
    XhrStreamingClient c = new XhrStreamingClient(sessionId);
    c.open();
    c.next("o"::equals);
    c.send(registerAndProbe());
    c.next(f -> f.contains("publishing is not allowed"));
    return c;
  }

  static Buffer event(int bytes) {
    return new JsonObject().put("type", "message").put("pad", "x".repeat(bytes - 40)).toBuffer();
  }

  @Test
  @DisplayName("the raw WebSocket (4429) and SockJS's websocket transport (SockJS's close) are closed; a reading socket in the room is not")
  void slowReadersAreClosed() throws Exception {
    WsClient raw = rawClient(4 * EVENT_BYTES);
    WsClient sockJs = sockJsWebSocket("slow0001", 4 * EVENT_BYTES);
    WsClient reader = rawClient(4 * EVENT_BYTES);
    raw.ws.pause();
    sockJs.ws.pause();

    flood(reader);

    // Read again: what the gateway sent before closing comes, then the close (the session ends
    // when the WebSocket's closing handshake does, which needs the client to read).
    raw.ws.resume();
    sockJs.ws.resume();
    assertThat(raw.closed.get(30, TimeUnit.SECONDS)).as("raw WebSocket close code").isEqualTo((short) CloseCodes.TOO_SLOW);
    sockJs.next(SOCKJS_CLOSE::equals);
    assertThat(sockJs.closed.get(30, TimeUnit.SECONDS)).as("SockJS websocket closed").isNotNull();
    Await.until("only the reading socket to be left", Await.TIMEOUT, () -> server.gateway.openSessions() == 1);
    stillReads(reader);
  }

  @Test
  @DisplayName("SockJS's XHR streaming transport is closed (SockJS's close on its next request); a reading socket in the room is not")
  void slowXhrStreamingReaderIsClosed() throws Exception {
    XhrStreamingClient xhr = xhrStreaming("slow0002");
    WsClient reader = rawClient(4 * EVENT_BYTES);
    xhr.stream.pause();

    flood(reader);
    Await.until("only the reading socket to be left", Await.TIMEOUT, () -> server.gateway.openSessions() == 1);

    // The stream the client stopped reading ends; the next one hears that the session is closed.
    xhr.stream.resume();
    xhr.streamEnded.get(30, TimeUnit.SECONDS);
    xhr.open();
    xhr.next(SOCKJS_CLOSE::equals);
    stillReads(reader);
  }

  /** {@link #EVENTS} events to the room, waiting for {@code reader} every {@link #BURST}. */
  void flood(WsClient reader) throws InterruptedException {
    Buffer event = event(EVENT_BYTES);
    for (int i = 0; i < EVENTS; i++) {
      server.vertx.eventBus().publish(Addresses.Fanout.room(ROOM), event);
      if (i % BURST == BURST - 1) {
        // The reading socket was indexed last: once it has an event, the others were written that event.
        reader.awaitEvents(BURST);
      }
    }
  }

  void stillReads(WsClient reader) throws InterruptedException {
    reader.ws.writeTextMessage(new JsonObject().put("type", "publish").put("address", "still-here").encode());
    reader.next(f -> f.contains("publishing is not allowed"));
    assertThat(reader.closed).as("the socket that reads").isNotDone();
  }

  @Test
  @DisplayName("a SockJS websocket client that reads is not closed by a burst twice the write bound (1 MiB in 64 KiB events)")
  void readingSockJsClientSurvivesABurst() throws Exception {
    int eventBytes = 64 * 1024;
    int events = 2 * WRITE_BOUND / eventBytes;
    WsClient sockJs = sockJsWebSocket("burst001", 4 * events * eventBytes);
    WsClient raw = rawClient(2 * eventBytes);
    Buffer event = event(eventBytes);
    for (int i = 0; i < events; i++) {
      server.vertx.eventBus().publish(Addresses.Fanout.room(ROOM), event);
    }
    sockJs.awaitEvents(events);
    raw.awaitEvents(events);
    sockJs.ws.writeTextMessage(new JsonArray().add(new JsonObject().put("type", "publish").put("address", "after").encode()).encode());
    sockJs.next(f -> f.contains("publishing is not allowed"));
    assertThat(sockJs.closed).as("the SockJS socket that reads").isNotDone();
    assertThat(server.gateway.openSessions()).isEqualTo(2);
  }
}

package io.chatplatform.gateway.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.gateway.GatewayServer;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The raw WebSocket as {@link LeanWebSocket} serves it, over real sockets: the RFC 6455 handshake,
 * fragmented messages, pings, and the close of a client that stopped reading.
 */
@DisplayName("The lean WebSocket speaks RFC 6455 and cuts a client that no longer reads")
class LeanWebSocketTest {
  static final String USER = "u_6666666666666666666666666666666a";
  static final String ROOM = "r_lean";
  /** RFC 6455 1.3's example key and the answer it must get. */
  static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

  GatewayServer server;
  final Vertx clients = Vertx.vertx();

  @AfterEach
  void close() {
    clients.close().onFailure(e -> { });
    if (server != null) {
      server.close();
    }
  }

  String start(Map<String, String> settings) {
    server = new GatewayServer(settings);
    return SocketNode.serveOneRoom(server.vertx, ROOM, USER, "lean");
  }

  /** Sends {@code request} on a plain TCP connection and returns what the server answers until it pauses (the head of its answer). */
  String rawExchange(String request) {
    NetClient net = clients.createNetClient();
    NetSocket socket = Await.result(net.connect(server.port(), "127.0.0.1"));
    CompletableFuture<String> head = new CompletableFuture<>();
    StringBuilder received = new StringBuilder();
    socket.handler(bytes -> {
      received.append(bytes.toString());
      if (received.indexOf("\r\n\r\n") >= 0) {
        head.complete(received.substring(0, received.indexOf("\r\n\r\n")));
      }
    });
    socket.closeHandler(v -> head.complete(received.toString()));
    socket.write(request);
    return Await.result(io.vertx.core.Future.fromCompletionStage(head));
  }

  static String handshake(String token, String extraHeaders) {
    return "GET /eventbus/websocket?access_token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        + "Connection: keep-alive, Upgrade\r\n" + extraHeaders + "\r\n";
  }

  @Test
  @DisplayName("the handshake is answered 101 with RFC 6455's accept value, declining permessage-deflate; a bad key is 400, another version 426")
  void handshake() {
    String token = start(Map.of());
    String answer = rawExchange(handshake(token,
        "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"));
    assertThat(answer).startsWith("HTTP/1.1 101");
    assertThat(answer.toLowerCase()).contains("sec-websocket-accept: " + ACCEPT.toLowerCase()).contains("upgrade: websocket")
        .doesNotContain("sec-websocket-extensions");

    assertThat(rawExchange(handshake(token, "Sec-WebSocket-Key: not-sixteen-bytes\r\nSec-WebSocket-Version: 13\r\n")))
        .startsWith("HTTP/1.1 400");
    String otherVersion = rawExchange(handshake(token, "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 8\r\n"));
    assertThat(otherVersion).startsWith("HTTP/1.1 426");
    assertThat(otherVersion.toLowerCase()).contains("sec-websocket-version: 13");
  }

  @Test
  @DisplayName("a frame the socket writes itself reads back whole through Netty's client-side decoder, at every length form (7, 16 and 64 bits)")
  void ownFrameHeaders() {
    for (int length : new int[] {0, 125, 126, 65_535, 65_536, 200_000}) {
      byte[] payload = new byte[length];
      java.util.Arrays.fill(payload, (byte) 'x');
      io.netty.buffer.ByteBuf frame = io.netty.buffer.Unpooled.buffer();
      LeanWebSocket.writeFrameHeader(frame, 0x82, length);
      assertThat(frame.readableBytes()).as("header of " + length).isEqualTo(LeanWebSocket.frameHeaderLength(length));
      frame.writeBytes(payload);
      io.netty.channel.embedded.EmbeddedChannel client =
          new io.netty.channel.embedded.EmbeddedChannel(new io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder(false, false, 1 << 20));
      client.writeInbound(frame);
      io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame read = client.readInbound();
      assertThat(read).as("frame of " + length).isNotNull();
      assertThat(read.isFinalFragment()).isTrue();
      assertThat(read.content().readableBytes()).isEqualTo(length);
      read.release();
      client.finishAndReleaseAll();
    }
  }

  ClientWebSocket connect(String token, LinkedBlockingQueue<String> received, CompletableFuture<Short> closed) {
    // The client's own closing timeout (60 s) outlasts every wait here: a connection that ends is ended by the server.
    WebSocketClient client = clients.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(8 * 1024).setClosingTimeout(60));
    ClientWebSocket ws = client.webSocket();
    ws.binaryMessageHandler(b -> received.add(b.toString()));
    ws.textMessageHandler(received::add);
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    Await.result(ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port())
        .setURI("/eventbus/websocket?access_token=" + token)));
    return ws;
  }

  static String next(LinkedBlockingQueue<String> received, String containing) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      String frame = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (frame == null) {
        throw new AssertionError("no frame containing '" + containing + "' within 20 s");
      }
      if (frame.contains(containing)) {
        return frame;
      }
    }
  }

  @Test
  @DisplayName("a message sent in three fragments is read whole, and a ping is answered with its pong")
  void fragmentsAndPings() throws Exception {
    String token = start(Map.of());
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    ClientWebSocket ws = connect(token, received, new CompletableFuture<>());
    String publish = new JsonObject().put("type", "publish").put("address", "fragmented").encode();
    int third = publish.length() / 3;
    ws.writeFrame(WebSocketFrame.textFrame(publish.substring(0, third), false));
    ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(publish.substring(third, 2 * third)), false));
    ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(publish.substring(2 * third)), true));
    assertThat(next(received, "publishing is not allowed")).contains("publishing is not allowed");

    CompletableFuture<String> pong = new CompletableFuture<>();
    ws.pongHandler(data -> pong.complete(data.toString()));
    ws.writePing(Buffer.buffer("are you there"));
    assertThat(pong.get(20, TimeUnit.SECONDS)).isEqualTo("are you there");
  }

  /** Publishes 4096 events of 4 KiB to the room: 16 MiB, more than the kernel's buffers and the write bound hold for a client that does not read. */
  void flood() {
    Buffer event = new JsonObject().put("type", "message").put("pad", "x".repeat(4 * 1024)).toBuffer();
    for (int i = 0; i < 4096; i++) {
      server.vertx.eventBus().publish(Addresses.Fanout.room(ROOM), event);
    }
  }

  ClientWebSocket registered(String token, LinkedBlockingQueue<String> received, CompletableFuture<Short> closed) throws Exception {
    ClientWebSocket ws = connect(token, received, closed);
    ws.writeTextMessage(new JsonObject().put("type", "register").put("address", "user." + USER).encode());
    ws.writeTextMessage(new JsonObject().put("type", "publish").put("address", "started").encode());
    next(received, "publishing is not allowed");
    return ws;
  }

  @Test
  @DisplayName("a client that closes while it does not read (the answer to its close waits behind its backlog) is cut after SOCKET_CLOSE_TIMEOUT_MS")
  void clientCloseWhileBacklogged() throws Exception {
    // SOCKET_CLOSE_TIMEOUT_MS lowered from 10 s to 1 s, only so that the test does not wait 10 s;
    // SOCKET_WRITE_QUEUE_MAX_BYTES raised to 64 MiB so that the flood does not close it as too slow first.
    String token = start(Map.of("SOCKET_CLOSE_TIMEOUT_MS", "1000", "SOCKET_WRITE_QUEUE_MAX_BYTES", String.valueOf(64 * 1024 * 1024)));
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    CompletableFuture<Short> closed = new CompletableFuture<>();
    ClientWebSocket ws = registered(token, received, closed);
    ws.pause();
    // The room's events are written to both sockets in the same turn: once it has read an event, the silent socket was written it too.
    LinkedBlockingQueue<String> readerReceived = new LinkedBlockingQueue<>();
    registered(token, readerReceived, new CompletableFuture<>());
    flood();
    for (int i = 0; i < 4096; i++) {
      next(readerReceived, "\"pad\"");
    }
    ws.close((short) 1000, "bye");
    Await.until("the silent socket's session to end while its client still does not read", Await.TIMEOUT,
        () -> server.gateway.openSessions() == 1);
    assertThat(closed).as("the client has read nothing since").isNotDone();
  }

  @Test
  @DisplayName("a client that stops reading is closed as too slow and, its close frame never read, cut after SOCKET_CLOSE_TIMEOUT_MS")
  void silentClientIsCut() throws Exception {
    // SOCKET_CLOSE_TIMEOUT_MS lowered from 10 s to 1 s, only so that the test does not wait 10 s.
    String token = start(Map.of("SOCKET_CLOSE_TIMEOUT_MS", "1000"));
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    CompletableFuture<Short> closed = new CompletableFuture<>();
    ClientWebSocket ws = registered(token, received, closed);
    ws.pause();

    // Over SOCKET_WRITE_QUEUE_MAX_BYTES (512 KiB) once the kernel's buffers are full: closed as too
    // slow; it cannot read the close frame, so only the timeout ends it.
    flood();
    Await.until("the silent socket's session to end while its client still does not read", Await.TIMEOUT,
        () -> server.gateway.openSessions() == 0);
    assertThat(closed).as("the client has read nothing since").isNotDone();
    ws.resume();
    // Once it reads again it finds the connection gone (the close frame was still queued when it was cut).
    closed.get(20, TimeUnit.SECONDS);
    assertThat(ws.isClosed()).isTrue();
  }
}

package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.chatplatform.testsupport.LogCapture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attacks on the gateway's HTTP edge, each asserting its refusal (docs/security.md, "Connections
 * and HTTP parsing"): slow and idle connections, one address holding many, request smuggling,
 * SockJS's iframe page, invalid UTF-8 in text frames, operations endpoints on the public port,
 * and a log flood from dropped connections.
 *
 * <p>Two platforms: {@link #fx} with every production edge setting, and {@link #timed} with the
 * read and idle timeouts lowered from 10 s and 30 s to 1 s and 1.5 s, only so that its tests wait
 * seconds rather than minutes for the closes they prove (idle above read, as in production). The
 * per-address cap is tested on {@link #fx}: there its attackers' half-sent heads stay open for the
 * whole test, as a slowloris client's would.
 */
@DisplayName("Edge hardening: slow, crowding, smuggled and malformed connections are refused")
class EdgeHardeningAttackTest {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeHardeningAttackTest.class);
  static final int READ_TIMEOUT_MS = 1_000;
  static final int IDLE_TIMEOUT_MS = 1_500;
  /** The production default of MAX_CONNECTIONS_PER_ADDRESS. */
  static final int CAP = 200;
  /** A trusted proxy of {@link #fx}: exempt from the cap. */
  static final String PROXY = "127.0.0.4";

  @TempDir static Path dataDir;
  @TempDir static Path timedDataDir;
  static PlatformFixture fx;
  static PlatformFixture timed;

  @BeforeAll
  static void start() throws Exception {
    fx = new PlatformFixture(dataDir, Map.of("TRUSTED_PROXIES", PROXY));
    timed = new PlatformFixture(timedDataDir, Map.of(
        "HTTP_REQUEST_READ_TIMEOUT_MS", String.valueOf(READ_TIMEOUT_MS),
        "HTTP_IDLE_TIMEOUT_MS", String.valueOf(IDLE_TIMEOUT_MS)));
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
    if (timed != null) {
      timed.close();
    }
  }

  static String get(String path, int port) {
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n";
  }

  /** A bridge frame asking {@code chat.sync} of nothing, its answer addressed to {@code replyAddress}. */
  static String syncFrame(String replyAddress) {
    return new JsonObject().put("type", "send").put("address", "chat.sync")
        .put("body", new JsonObject().put("rooms", new JsonObject())).put("replyAddress", replyAddress).encode();
  }

  // ---- slow and idle connections ---------------------------------------------------------------

  @Test
  @DisplayName("a request head trickled a byte at a time is closed after the read timeout, unanswered")
  void halfSentHead() {
    try (RawHttp slow = RawHttp.connect(timed.port())) {
      long start = System.currentTimeMillis();
      slow.send("GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      int trickled = slow.trickleUntilClosed("X-Slow-" + "a".repeat(20) + ": b\r\n", 100);
      LOG.info("half-sent head: closed after {} ms and {} trickled bytes (HTTP_REQUEST_READ_TIMEOUT_MS={})",
          System.currentTimeMillis() - start, trickled, READ_TIMEOUT_MS);
      assertThat(trickled).as("the client kept sending until the close").isPositive();
    }
  }

  @Test
  @DisplayName("a request body trickled a byte at a time is closed after the read timeout, unanswered")
  void halfSentBody() {
    try (RawHttp slow = RawHttp.connect(timed.port())) {
      long start = System.currentTimeMillis();
      slow.send("POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: 10000\r\n\r\n{\"username\":\"");
      int trickled = slow.trickleUntilClosed("a", 100);
      LOG.info("half-sent body: closed after {} ms and {} trickled bytes", System.currentTimeMillis() - start, trickled);
      assertThat(trickled).isPositive();
    }
  }

  @Test
  @DisplayName("a kept-alive connection serves its next request, then is closed once idle for the idle timeout")
  void idleKeepAlive() {
    try (RawHttp client = RawHttp.connect(timed.port())) {
      assertThat(client.send(get("/api/v1/me", timed.port())).response().status()).isEqualTo(401);
      assertThat(client.send(get("/api/v1/me", timed.port())).response().status()).as("kept alive").isEqualTo(401);
      long start = System.currentTimeMillis();
      assertThat(client.untilClosed()).as("closed without a word").isEmpty();
      LOG.info("idle keep-alive connection closed after {} ms (HTTP_IDLE_TIMEOUT_MS={})", System.currentTimeMillis() - start, IDLE_TIMEOUT_MS);
    }
  }

  @Test
  @DisplayName("sockets, SockJS streaming and long polls outlive both timeouts: they are answers in progress")
  void responsesInProgressAreNotCut() {
    Api.User user = timed.newUser("streamer");
    HttpClient http = timed.clientVertx.createHttpClient();
    try (SocketClient socket = timed.readySocket(user); RawHttp idle = RawHttp.connect(timed.port())) {
      SockJs streaming = SockJs.open(http, timed.port(), "xhr_streaming", user.token());
      SockJs polling = SockJs.open(http, timed.port(), "xhr", user.token());
      Await.until("the poll opened its session", Await.TIMEOUT, () -> polling.received().contains("o\n"));
      polling.poll();
      Await.until("the stream opened its session", Await.TIMEOUT, () -> streaming.received().contains("o\n"));

      // The proof that both timeouts have passed: a connection idle since it was answered is closed.
      assertThat(idle.send(get("/api/v1/me", timed.port())).response().status()).isEqualTo(401);
      assertThat(idle.untilClosed()).isEmpty();

      assertThat(socket.ask("chat.sync", new JsonObject().put("rooms", new JsonObject())).getJsonObject("rooms")).isEmpty();
      streaming.send("stream-1");
      Await.until("the streamed reply", Await.TIMEOUT, () -> streaming.received().contains("stream-1"));
      polling.send("poll-1");
      Await.until("the long poll's reply", Await.TIMEOUT, () -> polling.received().contains("poll-1"));
    } finally {
      Await.result(http.close());
    }
  }

  /** A SockJS session over one of its HTTP transports, spoken by hand: what the browser's sockjs-client does. */
  record SockJs(HttpClient http, int port, String path, String token, StringBuffer body) {
    static SockJs open(HttpClient http, int port, String transport, String token) {
      String session = "/eventbus/000/" + java.util.UUID.randomUUID().toString().replace("-", "");
      SockJs sockJs = new SockJs(http, port, session, token, new StringBuffer());
      sockJs.request(transport);
      return sockJs;
    }

    String received() {
      return body.toString();
    }

    /** Starts the next long poll (xhr): held until the server has something to send. */
    void poll() {
      request("xhr");
    }

    private void request(String transport) {
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
          .setURI(path + "/" + transport + "?access_token=" + token);
      http.request(options).compose(r -> r.send()).onSuccess((HttpClientResponse response) -> response.handler(chunk -> body.append(chunk)));
    }

    /**
     * Sends a {@code chat.sync} whose reply goes to {@code replyAddress} (xhr_send), with the
     * session's credential, as sockjs-client does (a session answers only the credential that opened it).
     */
    void send(String replyAddress) {
      String frame = syncFrame(replyAddress);
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
          .setURI(path + "/xhr_send?access_token=" + token).putHeader("Content-Type", "text/plain");
      int status = Await.result(http.request(options).compose(r -> r.send(Buffer.buffer(new JsonArray().add(frame).encode())))
          .map(HttpClientResponse::statusCode));
      assertThat(status).as("xhr_send").isEqualTo(204);
    }
  }

  // ---- connections per address -----------------------------------------------------------------

  @Test
  @DisplayName("one address holding MAX_CONNECTIONS_PER_ADDRESS half-sent requests is refused the next; others, and the ops port, are served")
  void perAddressCap() {
    // An address no other test uses: its count starts at 0.
    String attacker = "127.0.0.3";
    Api.User other = fx.newUser("other-client");
    List<RawHttp> held = new ArrayList<>();
    try {
      for (int i = 0; i < CAP; i++) {
        RawHttp connection = RawHttp.connectFrom(attacker, fx.port());
        // Answered once, so counted before the next is opened: the gateway's event loops each
        // count the connections they accept, and one loop may come to a connection after another
        // loop has taken a later one (GATEWAY_EVENT_LOOPS).
        assertThat(connection.send(get("/api/v1/me", fx.port())).response().status()).as("connection %d", i + 1).isEqualTo(401);
        held.add(connection.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
      }
      try (RawHttp over = RawHttp.connectFrom(attacker, fx.port())) {
        assertThat(over.send(get("/api/v1/me", fx.port())).untilClosed()).as("connection %d of one address", CAP + 1).isEmpty();
      }
      assertThat(fx.api.get("/api/v1/me", other.token()).status()).as("another address's request").isEqualTo(200);
      try (Api ops = new Api(fx.clientVertx, fx.platform.opsPort())) {
        assertThat(ops.get("/health/live", null).status()).as("liveness on the ops port").isEqualTo(200);
      }
    } finally {
      held.forEach(RawHttp::close);
    }
    Await.until("the address is served again once its connections closed", Await.TIMEOUT, () -> answered(attacker));
  }

  @Test
  @DisplayName("a trusted proxy is exempt from the per-address cap")
  void trustedProxyExempt() {
    List<RawHttp> held = new ArrayList<>();
    try {
      for (int i = 0; i < CAP; i++) {
        held.add(RawHttp.connectFrom(PROXY, fx.port()).send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
      }
      try (RawHttp next = RawHttp.connectFrom(PROXY, fx.port())) {
        assertThat(next.send(get("/api/v1/me", fx.port())).response().status()).as("connection %d of the proxy", CAP + 1).isEqualTo(401);
      }
    } finally {
      held.forEach(RawHttp::close);
    }
  }

  /**
   * Whether a new connection from {@code address} is answered (not refused by the cap). The probe
   * asks the server to close after its answer: kept alive, the connection would be read until the
   * gateway's idle timeout (HTTP_IDLE_TIMEOUT_MS, 30 s) closed it, racing the client's own read timeout.
   */
  static boolean answered(String address) {
    try (RawHttp probe = RawHttp.connectFrom(address, fx.port())) {
      return !probe.send("GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1:" + fx.port() + "\r\nConnection: close\r\n\r\n")
          .untilClosed().isEmpty();
    }
  }

  // ---- request smuggling ------------------------------------------------------------------------

  @Test
  @DisplayName("ambiguous request framing is answered 400 and the connection closed")
  void smuggling() {
    String login = "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
    String body = "{\"username\":\"nobody\",\"password\":\"wrong-password\"}";
    String chunked = Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
    Map<String, String> variants = new LinkedHashMap<>();
    variants.put("Transfer-Encoding: xchunked beside Content-Length",
        login + "Transfer-Encoding: xchunked\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    variants.put("Transfer-Encoding: chunked beside Content-Length",
        login + "Transfer-Encoding: chunked\r\nContent-Length: " + body.length() + "\r\n\r\n" + chunked);
    variants.put("Content-Length beside Transfer-Encoding: chunked",
        login + "Content-Length: " + body.length() + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked);
    variants.put("obs-folded Transfer-Encoding beside Content-Length",
        login + "Transfer-Encoding:\r\n chunked\r\nContent-Length: " + body.length() + "\r\n\r\n" + chunked);
    variants.put("Transfer-Encoding folded onto another header",
        login + "X-Note: a\r\n\tTransfer-Encoding: chunked\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    variants.put("obs-fold in an unrelated header", "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: a\r\n b\r\n\r\n");
    variants.put("Transfer-Encoding: gzip, chunked", login + "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunked);
    variants.put("Transfer-Encoding twice", login + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked);
    variants.put("Transfer-Encoding: identity", login + "Transfer-Encoding: identity\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    variants.put("two different Content-Length", login + "Content-Length: " + body.length() + "\r\nContent-Length: 3\r\n\r\n" + body);
    variants.put("two equal Content-Length", login + "Content-Length: " + body.length() + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    variants.put("a Content-Length list", login + "Content-Length: " + body.length() + ", " + body.length() + "\r\n\r\n" + body);

    // Controls: the same request framed once, either way, is served (401: no such user).
    for (String framed : List.of(login + "Content-Length: " + body.length() + "\r\n\r\n" + body,
        login + "Transfer-Encoding: Chunked\r\n\r\n" + chunked)) {
      try (RawHttp client = RawHttp.connect(fx.port())) {
        assertThat(client.send(framed).response().status()).as(framed).isEqualTo(401);
      }
    }
    variants.forEach((name, request) -> {
      try (RawHttp client = RawHttp.connect(fx.port())) {
        String answer = client.send(request).untilClosed();
        assertThat(answer).as(name).startsWith("HTTP/1.1 400 ");
        // untilClosed returned: the connection was closed after the 400, and nothing else was answered.
        assertThat(answer.split("HTTP/1\\.1 ", -1)).as(name + ": one answer only").hasSize(2);
      }
    });
  }

  // ---- SockJS's iframe page ---------------------------------------------------------------------

  @Test
  @DisplayName("SockJS's iframe page is 404 in every spelling")
  void iframePage() {
    try (RawHttp client = RawHttp.connect(fx.port())) {
      assertThat(client.send(get("/eventbus/info", fx.port())).response().status()).as("SockJS itself is served").isEqualTo(200);
    }
    for (String path : List.of("/eventbus/iframe.html", "/eventbus/iframe.html/", "/eventbus/iframe-abc.html",
        "/eventbus/iframe-1.6.1.html/", "/eventbus/IFRAME.HTML", "/eventbus/Iframe.html/", "/eventbus/iframe%2Ehtml",
        "/eventbus/%69frame.html", "/eventbus/%2569frame.html", "/eventbus//iframe.html", "/eventbus/./iframe.html",
        "/eventbus/x/../iframe.html", "/eventbus/iframe.html?x=1", "/eventbus/iframe.html;x")) {
      try (RawHttp client = RawHttp.connect(fx.port())) {
        RawHttp.Response answer = client.send(get(path, fx.port())).response();
        assertThat(answer.status()).as(path).isEqualTo(404);
        assertThat(answer.body()).as(path).doesNotContainIgnoringCase("sockjs").doesNotContain("<script");
      }
    }
  }

  // ---- invalid UTF-8 ----------------------------------------------------------------------------

  static final byte[] INVALID_UTF8 = {'"', (byte) 0xC3, 0x28, '"'};

  @Test
  @DisplayName("a text frame of invalid UTF-8 closes the raw WebSocket with 1007")
  void invalidUtf8RawSocket() {
    Api.User user = fx.newUser("utf8-raw");
    try (RawHttp ws = RawHttp.webSocket(fx.port(), "/eventbus/websocket?access_token=" + user.token())) {
      ws.text(syncFrame("valid"));
      assertThat(ws.readFrame().text()).as("a valid text frame is answered").contains("\"address\":\"valid\"");
      RawHttp.Frame close = ws.frame(RawHttp.TEXT, INVALID_UTF8).awaitCloseFrame();
      assertThat(close.closeCode()).as(close.toString()).isEqualTo(1007);
    }
  }

  @Test
  @DisplayName("a text frame of invalid UTF-8 closes SockJS's websocket transport with 1007")
  void invalidUtf8SockJsSocket() {
    Api.User user = fx.newUser("utf8-sockjs");
    try (RawHttp ws = RawHttp.webSocket(fx.port(), "/eventbus/000/utf8session/websocket?access_token=" + user.token())) {
      assertThat(ws.readFrame().text()).isEqualTo("o");
      ws.text(new JsonArray().add(syncFrame("valid")).encode());
      assertThat(ws.readFrame().text()).as("a valid text frame is answered").contains("valid");
      RawHttp.Frame close = ws.frame(RawHttp.TEXT, INVALID_UTF8).awaitCloseFrame();
      assertThat(close.closeCode()).as(close.toString()).isEqualTo(1007);
    }
  }

  // ---- operations endpoints ---------------------------------------------------------------------

  @Test
  @DisplayName("/metrics and /health/* are 404 on the public port and served on the ops port")
  void operationsOnTheirOwnPort() {
    assertThat(fx.platform.opsPort()).as("a port of its own").isNotEqualTo(fx.port());
    try (Api ops = new Api(fx.clientVertx, fx.platform.opsPort())) {
      for (String path : List.of("/metrics", "/health/live", "/health/ready")) {
        assertThat(fx.api.get(path, null).status()).as("public " + path).isEqualTo(404);
        assertThat(ops.get(path, null).status()).as("ops " + path).isEqualTo(200);
      }
      assertThat(ops.get("/metrics", null).body().toString()).contains("jvm_memory_used_bytes", "gateway_http_connections_closed_total");
    }
  }

  // ---- dropped connections ----------------------------------------------------------------------

  @Test
  @DisplayName("connections dropped without a close (TCP reset) log no WARN or ERROR")
  void abruptClosesAreQuiet() {
    int each = 5;
    Api.User user = fx.newUser("dropper");
    int sessionsBefore = fx.platform.gateway().openSessions();
    try (Api ops = new Api(fx.clientVertx, fx.platform.opsPort()); LogCapture logs = new LogCapture()) {
      long connectionsBefore = openConnections(ops);
      List<RawHttp> dropped = new ArrayList<>();
      for (int i = 0; i < each; i++) {
        dropped.add(RawHttp.connect(fx.port()).send("GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: "));
        dropped.add(RawHttp.connect(fx.port()).send("POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"user"));
        RawHttp raw = RawHttp.webSocket(fx.port(), "/eventbus/websocket?access_token=" + user.token());
        raw.text(syncFrame("r"));
        raw.readFrame();
        dropped.add(raw);
        RawHttp sockJs = RawHttp.webSocket(fx.port(), "/eventbus/000/drop" + i + "/websocket?access_token=" + user.token());
        sockJs.readFrame();
        dropped.add(sockJs);
      }
      Await.until("the sockets opened", Await.TIMEOUT, () -> fx.platform.gateway().openSessions() == sessionsBefore + 2 * each);
      dropped.forEach(RawHttp::abort);
      Await.until("the sockets' sessions ended", Await.TIMEOUT, () -> fx.platform.gateway().openSessions() == sessionsBefore);
      Await.until("the server closed the connections", Await.TIMEOUT, () -> openConnections(ops) <= connectionsBefore);
      List<String> loud = logs.lines().stream().filter(l -> l.startsWith("WARN") || l.startsWith("ERROR")).toList();
      LOG.info("{} connections dropped; {} lines logged, none above INFO expected", 4 * each, logs.lines().size());
      assertThat(loud).isEmpty();
    }
  }

  /** Connections open on the platform's HTTP servers, from Vert.x's meter on the ops port. */
  static long openConnections(Api ops) {
    double sum = 0;
    for (String line : ops.get("/metrics", null).body().toString().split("\n")) {
      if (line.startsWith("vertx_http_server_active_connections")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Math.round(sum);
  }
}

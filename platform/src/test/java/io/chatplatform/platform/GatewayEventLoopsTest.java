package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.gateway.GatewayMetrics;
import io.chatplatform.testsupport.Await;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway on two event loops ({@code GATEWAY_EVENT_LOOPS=2}): sockets spread over both, a room
 * message reaches the members of each once, and what is counted per user (the socket cap, the
 * rate limits) and per node (the gauges) is counted over both loops, not per loop
 * (docs/security.md, "Per-user limits across event loops"). Production limits, except where
 * {@link #start} says which it changes and why.
 */
@DisplayName("GATEWAY_EVENT_LOOPS=2: sockets on both loops, one delivery per member, per-user limits and gauges over the node")
class GatewayEventLoopsTest {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayEventLoopsTest.class);
  static final int LOOPS = 2;
  /** The production defaults, asserted below: MAX_SOCKETS_PER_USER and RATE_LIMIT_SYNC_BURST. */
  static final int MAX_SOCKETS_PER_USER = 20;
  static final int SYNC_BURST = 30;
  static final short TOO_MANY_SOCKETS = 4409;
  /** What a disabled account's sockets are closed with. */
  static final short EXPIRED = 4403;
  /** An admin ({@code ADMIN_USERNAMES}), to disable an account. */
  static final String ADMIN = "loops-admin-" + UUID.randomUUID().toString().substring(0, 8);

  @TempDir static Path dataDir;
  static PlatformFixture fx;
  final List<SocketClient> opened = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> settings = new HashMap<>(PlatformFixture.PRODUCTION_BURSTS);
    settings.put("GATEWAY_EVENT_LOOPS", String.valueOf(LOOPS));
    settings.put("ADMIN_USERNAMES", ADMIN);
    // Lowered from 5 a second to one token per 1,000 s, which no test here lives to see: what a
    // user gets is then exactly the burst, however fast or slow the test runs.
    settings.put("RATE_LIMIT_SYNC_PER_SECOND", "0.001");
    fx = new PlatformFixture(dataDir, settings);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @AfterEach
  void closeSockets() {
    opened.forEach(SocketClient::close);
    Await.until("every socket closed", Await.TIMEOUT, () -> fx.platform.gateway().openSessions() == 0);
  }

  SocketClient ready(Api.User user) {
    SocketClient socket = fx.readySocket(user);
    opened.add(socket);
    return socket;
  }

  /** Asserts that each loop holds at least one socket; answers the count per loop. */
  static List<Integer> onEveryLoop(String what) {
    List<Integer> perLoop = fx.platform.gateway().openSessionsPerLoop();
    LOG.info("{}: sockets per loop {} on threads {}", what, perLoop, fx.platform.gateway().loopThreads());
    assertThat(perLoop).as(what + ": sockets per event loop").hasSize(LOOPS).allSatisfy(n -> assertThat(n).isPositive());
    return perLoop;
  }

  @Test
  @DisplayName("the public port is shared by the loops: connections are spread over both event loops, each on a thread of its own")
  void socketsOnBothLoops() {
    Api.User user = fx.newUser("spread");
    for (int i = 0; i < 8; i++) {
      ready(user);
    }
    List<Integer> perLoop = onEveryLoop("8 sockets");
    assertThat(perLoop.stream().mapToInt(Integer::intValue).sum()).isEqualTo(8).isEqualTo(fx.platform.gateway().openSessions());
    assertThat(fx.platform.gateway().loopThreads()).as("the loops' threads").doesNotHaveDuplicates();
    assertThat(fx.platform.gateway().loopPorts()).as("every loop serves the one public port").containsOnly(fx.port());
  }

  @Test
  @DisplayName("a room message reaches every member's socket exactly once, on either loop")
  void roomMessageOncePerMember() {
    Api.User sender = fx.newUser("sender");
    List<Api.User> members = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      members.add(fx.newUser("member"));
    }
    JsonObject room = fx.api.createRoom(sender, "Both loops", members.toArray(Api.User[]::new));
    SocketClient sending = ready(sender);
    List<SocketClient> listening = new ArrayList<>();
    members.forEach(m -> listening.add(ready(m)));
    onEveryLoop("7 members");
    assertThat(fx.platform.gateway().roomSubscriptionsPerLoop()).as("the room is subscribed on each loop").allSatisfy(n -> assertThat(n).isPositive());

    sending.ask("chat.send", PlatformEndToEndTest.send(room, "once-1", "first"));
    sending.ask("chat.send", PlatformEndToEndTest.send(room, "once-2", "second"));
    for (SocketClient member : listening) {
      // Events reach a socket in order: everything up to the second message is what the first brought.
      List<String> heard = new ArrayList<>();
      do {
        heard.add(member.awaitEvent("message").getJsonObject("message").getString("text"));
      } while (!heard.get(heard.size() - 1).equals("second"));
      assertThat(heard).as("the messages one member's socket received").containsExactly("first", "second");
    }
  }

  @Test
  @DisplayName("MAX_SOCKETS_PER_USER counts a user's sockets on every loop: the one over the cap is refused with 4409")
  void socketCapOverBothLoops() {
    Api.User hoarder = fx.newUser("hoarder");
    for (int i = 0; i < MAX_SOCKETS_PER_USER; i++) {
      ready(hoarder);
    }
    onEveryLoop(MAX_SOCKETS_PER_USER + " sockets of one user");
    for (int i = 0; i < LOOPS; i++) {
      // One attempt per loop: connections are spread over the loops, so at least one lands on each.
      try (SocketClient extra = SocketClient.connect(fx.clientVertx, fx.port(), "access_token=" + hoarder.token())) {
        assertThat(extra.awaitClose()).as("a socket over the cap").isEqualTo(TOO_MANY_SOCKETS);
        assertThat(extra.closeReason()).startsWith("rate_limited: too many sockets");
      }
    }
    assertThat(fx.platform.gateway().openSessions()).isEqualTo(MAX_SOCKETS_PER_USER);
  }

  @Test
  @DisplayName("a per-user rate limit holds over sockets on both loops: they get together one user's burst")
  void rateLimitOverBothLoops() {
    Api.User reader = fx.newUser("reader");
    List<SocketClient> sockets = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      // Opened by token, not as ready sockets: their sync would take from the bucket measured here.
      SocketClient socket = fx.socket(reader);
      opened.add(socket);
      sockets.add(socket);
    }
    Await.until("4 sockets set up", Await.TIMEOUT, () -> fx.platform.gateway().openSessions() == 4);
    onEveryLoop("4 sockets of one user");
    int syncs = PerUserLimitsAttackTest.admitted(sockets, 3 * SYNC_BURST, "chat.sync", new JsonObject().put("rooms", new JsonObject()));
    assertThat(syncs).as("chat.sync admitted over 4 sockets on 2 loops: one user's burst").isEqualTo(SYNC_BURST);
  }

  @Test
  @DisplayName("the open-sockets gauge and the node's counts sum over the loops")
  void gaugesSum() {
    Api.User user = fx.newUser("gauged");
    for (int i = 0; i < 6; i++) {
      ready(user);
    }
    List<Integer> perLoop = onEveryLoop("6 sockets");
    double gauge = fx.platform.node().operations().registry()
        .get(GatewayMetrics.SOCKETS_OPEN).tag("transport", GatewayMetrics.WEBSOCKET).gauge().value();
    LOG.info("sockets.open gauge {}, per loop {}", gauge, perLoop);
    assertThat(gauge).as(GatewayMetrics.SOCKETS_OPEN + " on the node").isEqualTo(6.0);
    assertThat(fx.platform.gateway().openSessions()).isEqualTo(6);
    assertThat(fx.platform.gateway().roomSubscriptions())
        .isEqualTo(fx.platform.gateway().roomSubscriptionsPerLoop().stream().mapToInt(Integer::intValue).sum());
  }

  /** A request on a connection of its own, so that consecutive ones land on the loops in turn; its status and body. */
  static String exchange(HttpClient http, String uri, String body) {
    return Await.result(http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(uri))
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(b -> (response.statusCode() + " " + b).trim())));
  }

  @Test
  @DisplayName("a SockJS HTTP session's requests are checked against its binding on either loop: its owner's sends pass, a stranger's polls do not")
  void sockJsSessionOverBothLoops() {
    Api.User owner = fx.newUser("xhr");
    Api.User stranger = fx.newUser("stranger");
    HttpClient http = fx.clientVertx.createHttpClient(
        new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(fx.port()).setKeepAlive(false));
    String session = "/eventbus/123/" + UUID.randomUUID().toString().replace("-", "");
    String own = "?access_token=" + owner.token();
    try {
      assertThat(exchange(http, session + "/xhr" + own, null)).as("the session opened").isEqualTo("200 o");
      Await.until("the session set up", Await.TIMEOUT, () -> fx.platform.gateway().openSessions() == 1);
      assertThat(fx.platform.gateway().sockJsSessionBindings()).as("bindings on the node").isEqualTo(1);
      String ping = new JsonArray().add(new JsonObject().put("type", "ping").encode()).encode();
      // Two of each, one connection each: the loops take connections in turn, so each loop sees one.
      for (int i = 0; i < LOOPS; i++) {
        assertThat(exchange(http, session + "/xhr?access_token=" + stranger.token(), null))
            .as("a stranger's poll of the session").isEqualTo("404");
        assertThat(exchange(http, session + "/xhr_send" + own, ping)).as("the owner's send").isEqualTo("204");
      }
    } finally {
      Await.result(http.close());
    }
    // The session ends by its timeout (SockJS's disconnect delay); the socket count is awaited after each test.
  }

  @Test
  @DisplayName("disabling an account closes its sockets on every loop")
  void disabledAccountClosedOnBothLoops() {
    Api.User admin = fx.api.register(ADMIN);
    Api.User user = fx.newUser("disabled");
    List<SocketClient> sockets = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sockets.add(ready(user));
    }
    onEveryLoop("4 sockets of the user to disable");
    Api.Response disabled = fx.api.call(io.vertx.core.http.HttpMethod.PUT, "/api/v1/admin/users/" + user.userId() + "/disabled",
        admin.token(), new JsonObject().put("disabled", true));
    assertThat(disabled.status()).as("PUT disabled").isEqualTo(200);
    assertThat(sockets).allSatisfy(s -> assertThat(s.awaitClose()).as("a socket of the disabled user").isEqualTo(EXPIRED));
  }
}

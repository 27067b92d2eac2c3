package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpConnectOptions;
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
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway node's drain barrier with {@code GATEWAY_EVENT_LOOPS=2}: no loop closes its public
 * server before every loop has drained, so a SockJS session of the HTTP transports, whose requests
 * come on whichever connection its client uses, hears {@code reconnect} and its close frame even
 * when its poll waits on a connection of a loop that had nothing to drain. Production limits.
 */
@DisplayName("Drain barrier: with 2 event loops, no loop's server closes before every loop has drained")
class GatewayDrainBarrierTest {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayDrainBarrierTest.class);

  @TempDir Path dataDir;
  PlatformFixture fx;

  @AfterEach
  void close() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  @DisplayName("an xhr-polling session on one loop, polling through the other loop's connection: its client gets 'reconnect' and the close frame, and REST is answered on both loops meanwhile")
  void xhrPollingSessionHearsTheDrainThroughTheOtherLoop() throws Exception {
    Map<String, String> settings = new HashMap<>(PlatformFixture.PRODUCTION_BURSTS);
    settings.put("GATEWAY_EVENT_LOOPS", "2");
    fx = new PlatformFixture(dataDir, settings);
    Api.User user = fx.newUser("xhr-drain");
    String session = "/eventbus/123/" + UUID.randomUUID().toString().replace("-", "");
    String credential = "?access_token=" + user.token();
    LoopConnections loops = new LoopConnections(fx.clientVertx.createHttpClient(), fx.port());
    // The session is opened on a connection of the first loop, which owns it; its polls come on
    // connections of the other loop, which has no socket of its own to drain.
    int owning = 0;
    int other = 1;
    assertThat(Await.result(loops.post(owning, session + "/xhr" + credential, null))).as("the session opened").isEqualTo("200 o");
    // A request answered proves the socket is set up (authenticated, its frames read).
    String sync = new JsonArray().add(new JsonObject().put("type", "send").put("address", "chat.sync")
        .put("replyAddress", "sync-1").put("body", new JsonObject().put("rooms", new JsonObject())).encode()).encode();
    assertThat(Await.result(loops.post(owning, session + "/xhr_send" + credential, sync))).as("the sync sent").isEqualTo("204");
    List<String> received = new ArrayList<>();
    do {
      received.add(Await.result(loops.post(other, session + "/xhr" + credential, null)));
    } while (received.stream().noneMatch(r -> r.contains("sync-1")));
    assertThat(fx.platform.gateway().openSessionsPerLoop()).as("sockets per loop").containsExactlyInAnyOrder(0, 1);

    Future<String> waiting = loops.post(other, session + "/xhr" + credential, null);
    CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
      try {
        fx.platform.stop(PlatformFixture.SHUTDOWN_TIMEOUT_MS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // As SockJS's client does: poll again after each answer until the close frame, and give up when a poll fails.
    while (true) {
      String answer;
      try {
        answer = Await.result(waiting);
      } catch (RuntimeException cut) {
        received.add("poll failed: " + cut);
        break;
      }
      received.add(answer);
      if (answer.contains("c[")) {
        break;
      }
      if (answer.contains("reconnect")) {
        // The session's close frame waits for the next poll, so the node is still draining: REST
        // is answered on both loops, the owning one and the one with nothing left to drain.
        for (int loop : new int[] {owning, other}) {
          assertThat(Await.result(loops.request(HttpMethod.GET, loop, "/api/v1/rooms", user.token(), null)))
              .as("GET /api/v1/rooms on loop " + loop + " while the node drains").startsWith("200 ");
        }
      }
      waiting = loops.post(other, session + "/xhr" + credential, null);
    }
    LOG.info("the polls received {}", received);
    assertThat(received).as("what the client's polls received")
        .anySatisfy(r -> assertThat(r).contains("\\\"reconnect\\\"").contains("draining"));
    assertThat(received.get(received.size() - 1)).as("the last poll's answer: the close frame").isEqualTo("200 c[3000,\"Go away!\"]");
    Await.result(Future.fromCompletionStage(stopped));
  }

  @Test
  @DisplayName("a session whose client never comes back for 'reconnect' nor the close frame holds the stop only for DRAIN_TIMEOUT_MS")
  void silentClientHoldsTheStopOnlyUntilTheTimeout() throws Exception {
    Map<String, String> settings = new HashMap<>(PlatformFixture.PRODUCTION_BURSTS);
    settings.put("GATEWAY_EVENT_LOOPS", "2");
    // Lowered from 10 s so the test does not wait for it: this drain ends by its timeouts only
    // (the reconnect is never fetched, nor the close frame): twice DRAIN_TIMEOUT_MS at most.
    settings.put("DRAIN_TIMEOUT_MS", "500");
    fx = new PlatformFixture(dataDir, settings);
    Api.User user = fx.newUser("xhr-silent");
    String session = "/eventbus/123/" + UUID.randomUUID().toString().replace("-", "");
    String credential = "?access_token=" + user.token();
    LoopConnections loops = new LoopConnections(fx.clientVertx.createHttpClient(), fx.port());
    assertThat(Await.result(loops.post(0, session + "/xhr" + credential, null))).as("the session opened").isEqualTo("200 o");
    Await.until("the session set up", Await.TIMEOUT, () -> fx.platform.gateway().openSessions() == 1);

    long began = System.nanoTime();
    fx.platform.stop(PlatformFixture.SHUTDOWN_TIMEOUT_MS);
    LOG.info("the stop took {} ms with DRAIN_TIMEOUT_MS=500 and a client that never polled again", (System.nanoTime() - began) / 1_000_000);
  }

  /**
   * Each request on a connection of its own, on the loop asked for: Vert.x hands the connections it
   * accepts on a shared port to the servers' loops in turn, so this client's n-th connection is on
   * loop n mod 2, counted from its first (nothing else connects to the public port meanwhile). A
   * connection opened and closed at once moves the turn on.
   */
  static final class LoopConnections {
    private final HttpClientAgent http;
    private final HttpConnectOptions to;
    private int opened;

    LoopConnections(HttpClientAgent http, int port) {
      this.http = http;
      this.to = new HttpConnectOptions().setHost("127.0.0.1").setPort(port);
    }

    /** A POST; its status and body, trimmed (SockJS ends each frame with a newline). */
    Future<String> post(int loop, String uri, String body) {
      return request(HttpMethod.POST, loop, uri, null, body);
    }

    /** A request, with a bearer token unless it is null; its status and body, trimmed. */
    Future<String> request(HttpMethod method, int loop, String uri, String token, String body) {
      while (opened % 2 != loop) {
        Await.result(connect().compose(HttpClientConnection::close));
      }
      RequestOptions options = new RequestOptions().setMethod(method).setURI(uri);
      if (token != null) {
        options.putHeader("Authorization", "Bearer " + token);
      }
      return connect().compose(connection -> connection.request(options)
          .compose(request -> body == null ? request.send() : request.send(body))
          .compose(response -> response.body().map(b -> (response.statusCode() + " " + b).trim()))
          .eventually(connection::close));
    }

    private Future<HttpClientConnection> connect() {
      opened++;
      return http.connect(to);
    }
  }
}

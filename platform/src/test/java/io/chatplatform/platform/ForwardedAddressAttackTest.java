package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client address behind a proxy (TRUSTED_PROXIES, X-Forwarded-For), seen through the
 * per-address sign-in limit ({@code AUTH_IP}, burst 30): two platforms, one trusting no proxy (the
 * default) and one trusting 127.0.0.1, where every test request comes from. Each request is a
 * {@code POST /auth/logout} without a token: it touches no password, and counts against AUTH_IP.
 */
@DisplayName("Client addresses behind a proxy: X-Forwarded-For from trusted proxies only, read right to left")
class ForwardedAddressAttackTest {
  static final int BURST = 30;

  @TempDir static Path untrustedDir;
  @TempDir static Path trustedDir;
  static PlatformFixture untrusted;
  static PlatformFixture trusted;
  /** The trusted platform's client without keep-alive, for the SockJS test's requests. */
  static WebClient oneShot;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> production = new HashMap<>();
    production.put("RATE_LIMIT_AUTH_IP_BURST", String.valueOf(BURST));
    // Lowered from 1 a second to one token per 1,000 s, which no test here lives to see: an
    // address's sign-ins are then exactly the burst, however slowly the test runs.
    production.put("RATE_LIMIT_AUTH_IP_PER_SECOND", "0.001");
    untrusted = new PlatformFixture(untrustedDir, production);
    Map<String, String> behindProxy = new HashMap<>(production);
    behindProxy.put("TRUSTED_PROXIES", "127.0.0.1/32");
    trusted = new PlatformFixture(trustedDir, behindProxy);
    oneShot = WebClient.create(trusted.clientVertx,
        new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(trusted.api.port).setKeepAlive(false));
  }

  @AfterAll
  static void stop() {
    if (untrusted != null) {
      untrusted.close();
    }
    if (trusted != null) {
      trusted.close();
    }
  }

  /** A sign-in-limited request from 127.0.0.1 with {@code forwardedFor} (none when null); its status. */
  static int signIn(PlatformFixture fx, String forwardedFor) {
    HttpRequest<Buffer> request = fx.api.client.post("/api/v1/auth/logout");
    if (forwardedFor != null) {
      request.putHeader("X-Forwarded-For", forwardedFor);
    }
    return Await.result(request.send()).statusCode();
  }

  /** Spends {@code address}'s whole budget: the burst passes (204), the one after is refused (429). */
  static void spend(PlatformFixture fx, String forwardedFor, String what) {
    for (int i = 0; i < BURST; i++) {
      assertThat(signIn(fx, forwardedFor)).as(what + ": sign-in " + (i + 1) + " of the burst").isEqualTo(204);
    }
    assertThat(signIn(fx, forwardedFor)).as(what + ": one over the burst").isEqualTo(429);
  }

  @Test
  @DisplayName("from an untrusted peer a spoofed X-Forwarded-For is ignored: every spoofed address shares 127.0.0.1's budget")
  void spoofedFromUntrustedPeer() {
    for (int i = 0; i < BURST; i++) {
      assertThat(signIn(untrusted, "198.51.100." + (i + 1))).as("spoofed sign-in " + (i + 1)).isEqualTo(204);
    }
    assertThat(signIn(untrusted, "198.51.100.200")).as("yet another spoofed address").isEqualTo(429);
    assertThat(signIn(untrusted, null)).as("the peer itself, without the header").isEqualTo(429);
  }

  @Test
  @DisplayName("behind a trusted proxy, clients with distinct X-Forwarded-For addresses have their own sign-in budgets")
  void distinctClientsBehindTrustedProxy() {
    spend(trusted, "203.0.113.1", "first client");
    assertThat(signIn(trusted, "203.0.113.2")).as("a second client behind the same proxy").isEqualTo(204);
    assertThat(signIn(trusted, "2001:db8::2")).as("an IPv6 client behind the same proxy").isEqualTo(204);
  }

  @Test
  @DisplayName("a chain with a spoofed left-most entry counts against the right-most untrusted one")
  void spoofedLeftmostEntry() {
    spend(trusted, "203.0.113.10", "the client");
    assertThat(signIn(trusted, "203.0.113.11, 203.0.113.10"))
        .as("the client writes a fresh address in front of the one the proxy appended").isEqualTo(429);
    assertThat(signIn(trusted, "203.0.113.12, 203.0.113.10, 127.0.0.1"))
        .as("and behind a second trusted hop").isEqualTo(429);
    assertThat(signIn(trusted, "203.0.113.10, 203.0.113.13"))
        .as("the same spent address on the left does not count: the right-most untrusted entry is another client").isEqualTo(204);
  }

  @Test
  @DisplayName("malformed headers fall back to the peer: once 127.0.0.1's own budget is spent, they are refused with it")
  void malformedFallsBackToPeer() {
    spend(trusted, null, "the proxy itself, no header");
    for (String malformed : new String[] {"garbage", "unknown", "203.0.113.20, not-an-address", "999.1.1.1", "203.0.113.21:99999", ""}) {
      assertThat(signIn(trusted, malformed)).as("X-Forwarded-For: '" + malformed + "'").isEqualTo(429);
    }
    assertThat(signIn(trusted, "203.0.113.22")).as("a well-formed one is its own client").isEqualTo(204);
  }

  /** A POST from 127.0.0.1 forwarded for {@code forwardedFor}; its status and body. */
  /**
   * A request on a connection of its own: the shared client's pool may hand out a connection an
   * earlier test's refusals left for the server to close (a clean clone's build once failed here
   * with "Connection was closed" 12 ms into the test, before any request of its own was answered).
   */
  static io.vertx.ext.web.client.HttpResponse<Buffer> post(String uri, String forwardedFor, String body) {
    return Await.result(oneShot.post(uri).putHeader("X-Forwarded-For", forwardedFor)
        .putHeader("Content-Type", uri.startsWith("/api/") ? "application/json" : "text/plain").sendBuffer(Buffer.buffer(body)));
  }

  @Test
  @DisplayName("behind a trusted proxy a SockJS session is bound to its forwarded client address: another client's request with its credential is refused")
  void sockJsSessionBoundToForwardedAddress() {
    String client = "198.51.100.50";
    String name = "fwd-sockjs-" + ProcessHandle.current().pid();
    JsonObject credentials = new JsonObject().put("username", name).put("password", "correct-horse");
    assertThat(post("/api/v1/auth/register", client, credentials.encode()).statusCode()).isEqualTo(201);
    String token = post("/api/v1/auth/login", client, credentials.encode()).bodyAsJsonObject().getString("accessToken");
    String session = "/eventbus/123/" + java.util.UUID.randomUUID().toString().replace("-", "");
    String query = "?access_token=" + token;
    io.vertx.ext.web.client.HttpResponse<Buffer> opened = post(session + "/xhr" + query, client, "");
    assertThat(opened.statusCode()).isEqualTo(200);
    assertThat(opened.bodyAsString()).startsWith("o");
    String ping = new io.vertx.core.json.JsonArray().add(new JsonObject().put("type", "ping").encode()).encode();
    assertThat(post(session + "/xhr_send" + query, "198.51.100.51", ping).statusCode())
        .as("the same credential from another client behind the proxy").isEqualTo(404);
    assertThat(post(session + "/xhr_send" + query, "6.6.6.6, " + client, ping).statusCode())
        .as("the session's own client, a spoofed entry in front").isEqualTo(204);
  }
}

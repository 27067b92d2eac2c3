package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refresh tokens and socket renewal over real HTTP and sockets, with the production rate limits,
 * the per-address sign-in limit ({@code AUTH_IP}) included: each test's refreshes come from an
 * address of its own (127.0.0.x), so the tests do not spend one another's bucket.
 */
@DisplayName("Refresh tokens: rotation, reuse, logout, disabling, and sockets that outlive their first token")
class RefreshTokenEndToEndTest {
  private static final Logger LOG = LoggerFactory.getLogger(RefreshTokenEndToEndTest.class);
  static final String ADMIN = "refresh-admin";
  static final String COOKIE = "chat_refresh";
  private static final AtomicInteger ADDRESSES = new AtomicInteger(10);

  @TempDir static Path dataDir;
  @TempDir static Path shortDataDir;
  /** Access tokens of the default lifetime (an hour). */
  static PlatformFixture fx;
  /**
   * Access tokens of 3 s: a socket's first token then expires within the test. Not 1 s: login,
   * refresh and renew must all happen before it does, on a slow machine too.
   */
  static PlatformFixture shortLived;

  static Map<String, String> productionLimits() {
    Map<String, String> production = new HashMap<>(PlatformFixture.PRODUCTION_BURSTS);
    production.put("RATE_LIMIT_AUTH_IP_BURST", "30");
    production.put("ADMIN_USERNAMES", ADMIN);
    return production;
  }

  @BeforeAll
  static void start() throws Exception {
    fx = new PlatformFixture(dataDir, productionLimits());
    Map<String, String> shortTokens = productionLimits();
    shortTokens.put("ACCESS_TOKEN_TTL_SECONDS", "3");
    shortLived = new PlatformFixture(shortDataDir, shortTokens);
  }

  @AfterAll
  static void stop() {
    fx.close();
    shortLived.close();
  }

  /** A client of the platform from an address no other test uses. */
  static Api clientOfItsOwn(PlatformFixture platform) {
    return new Api(platform.clientVertx, platform.port(), "127.0.0." + ADDRESSES.incrementAndGet());
  }

  static Api.Response post(Api from, String path, String cookie, JsonObject body) {
    HttpRequest<Buffer> request = from.client.request(HttpMethod.POST, path);
    if (cookie != null) {
      request.putHeader("Cookie", COOKIE + "=" + cookie);
    }
    HttpResponse<Buffer> response = Await.result(body == null ? request.send() : request.sendJson(body));
    return new Api.Response(response.statusCode(), response.body(), response);
  }

  static Api.Response login(Api from, String username) {
    return post(from, "/api/v1/auth/login", null, new JsonObject().put("username", username).put("password", "correct-horse"));
  }

  static Api.Response refreshWithBody(Api from, String refreshToken) {
    return post(from, "/api/v1/auth/refresh", null, new JsonObject().put("refreshToken", refreshToken));
  }

  static Api.Response refreshWithCookie(Api from, String cookie) {
    return post(from, "/api/v1/auth/refresh", cookie, null);
  }

  /** The {@code chat_refresh} Set-Cookie header of a response, or null. */
  static String setCookie(Api.Response response) {
    List<String> cookies = response.raw().cookies();
    return cookies.stream().filter(c -> c.startsWith(COOKIE + "=")).findFirst().orElse(null);
  }

  /** The value a Set-Cookie header sets. */
  static String cookieValue(String setCookie) {
    return setCookie.substring(COOKIE.length() + 1, setCookie.indexOf(';'));
  }

  static void assertCleared(Api.Response response) {
    String cleared = setCookie(response);
    assertThat(cleared).as("the cookie is cleared").isNotNull();
    assertThat(cookieValue(cleared)).isEmpty();
    assertThat(cleared).contains("Max-Age=0").contains("Path=/api/v1/auth");
  }

  /** A successful login or refresh answer: its fields, and the cookie carrying the same refresh token. */
  static String assertSession(Api.Response response, Api.User user) {
    assertThat(response.status()).as(response.body() == null ? "" : response.body().toString()).isEqualTo(200);
    JsonObject body = response.json();
    assertThat(body.getString("tokenType")).isEqualTo("Bearer");
    assertThat(body.getString("userId")).isEqualTo(user.userId());
    assertThat(body.getInteger("expiresIn")).isPositive();
    assertThat(body.getLong("refreshExpiresIn")).isEqualTo(2_592_000L);
    String refreshToken = body.getString("refreshToken");
    assertThat(refreshToken).matches("[A-Za-z0-9_-]{43}");
    String cookie = setCookie(response);
    LOG.info("Set-Cookie as written: {}", cookie.replace(refreshToken, "<refreshToken>"));
    assertThat(cookieValue(cookie)).isEqualTo(refreshToken);
    // Attribute names are case-insensitive (RFC 6265); Netty writes "HTTPOnly".
    assertThat(cookie.toLowerCase(java.util.Locale.ROOT).split(";\\s*"))
        .contains("path=/api/v1/auth", "httponly", "secure", "samesite=strict", "max-age=2592000");
    return refreshToken;
  }

  @Test
  @DisplayName("login answers an access token and a refresh token, in the body and in an HttpOnly, Secure, SameSite=Strict cookie scoped to /api/v1/auth")
  void loginGivesRefreshToken() {
    Api.User user = fx.newUser("login");
    try (Api client = clientOfItsOwn(fx)) {
      Api.Response response = login(client, user.username());
      assertSession(response, user);
      assertThat(client.get("/api/v1/me", response.json().getString("accessToken")).status()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("refresh by the body and by the cookie each rotate: a new access token and a new refresh token, the cookie replaced")
  void refreshRotates() {
    Api.User user = fx.newUser("rotate");
    try (Api client = clientOfItsOwn(fx)) {
      String first = assertSession(login(client, user.username()), user);

      Api.Response byBody = refreshWithBody(client, first);
      String second = assertSession(byBody, user);
      assertThat(second).isNotEqualTo(first);
      assertThat(client.get("/api/v1/me", byBody.json().getString("accessToken")).status()).isEqualTo(200);

      Api.Response byCookie = refreshWithCookie(client, cookieValue(setCookie(byBody)));
      String third = assertSession(byCookie, user);
      assertThat(third).isNotEqualTo(second);
      assertThat(client.get("/api/v1/me", byCookie.json().getString("accessToken")).status()).isEqualTo(200);

      // The body's token is the one used when both come: the cookie's is left alone.
      Api.Response both = post(client, "/api/v1/auth/refresh", "not-a-token", new JsonObject().put("refreshToken", third));
      assertSession(both, user);
    }
  }

  @Test
  @DisplayName("reusing a used refresh token is refused (401, cookie cleared) and revokes the family: the token it was exchanged for fails too")
  void reuseRevokesFamily() {
    Api.User user = fx.newUser("reuse");
    try (Api client = clientOfItsOwn(fx)) {
      String first = assertSession(login(client, user.username()), user);
      String second = assertSession(refreshWithBody(client, first), user);

      Api.Response replay = refreshWithBody(client, first);
      assertThat(replay.status()).isEqualTo(401);
      assertThat(replay.errorCode()).isEqualTo("unauthorized");
      assertCleared(replay);

      Api.Response legitimate = refreshWithCookie(client, second);
      assertThat(legitimate.status()).as("the newest token of the family is revoked too").isEqualTo(401);
      assertCleared(legitimate);

      assertThat(refreshWithBody(client, "A".repeat(43)).status()).as("unknown").isEqualTo(401);
      assertThat(refreshWithBody(client, "not a token").status()).as("malformed").isEqualTo(401);
      Api.Response none = post(client, "/api/v1/auth/refresh", null, null);
      assertThat(none.status()).as("none at all").isEqualTo(401);
      assertCleared(none);
    }
  }

  @Test
  @DisplayName("logout revokes the family and clears the cookie; it answers 204 again, and without a token")
  void logout() {
    Api.User user = fx.newUser("logout");
    try (Api client = clientOfItsOwn(fx)) {
      String first = assertSession(login(client, user.username()), user);
      String second = assertSession(refreshWithBody(client, first), user);
      String otherDevice = assertSession(login(client, user.username()), user);

      Api.Response out = post(client, "/api/v1/auth/logout", second, null);
      assertThat(out.status()).isEqualTo(204);
      assertCleared(out);
      assertThat(refreshWithBody(client, second).status()).isEqualTo(401);

      assertThat(post(client, "/api/v1/auth/logout", null, new JsonObject().put("refreshToken", second)).status()).isEqualTo(204);
      assertThat(post(client, "/api/v1/auth/logout", null, null).status()).isEqualTo(204);
      assertSession(refreshWithBody(client, otherDevice), user);
    }
  }

  @Test
  @DisplayName("an admin disabling the account revokes its refresh tokens: refresh answers 403 and clears the cookie, also once re-enabled (401)")
  void disablingRevokes() {
    Api.User admin = fx.api.register(ADMIN);
    Api.User victim = fx.newUser("disabled");
    try (Api client = clientOfItsOwn(fx)) {
      String token = assertSession(login(client, victim.username()), victim);
      Api.Response disabled = fx.api.call(HttpMethod.PUT, "/api/v1/admin/users/" + victim.userId() + "/disabled",
          admin.token(), new JsonObject().put("disabled", true));
      assertThat(disabled.status()).isEqualTo(200);

      Api.Response refused = refreshWithCookie(client, token);
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.errorCode()).isEqualTo("forbidden");
      assertCleared(refused);

      fx.api.call(HttpMethod.PUT, "/api/v1/admin/users/" + victim.userId() + "/disabled", admin.token(), new JsonObject().put("disabled", false));
      assertThat(refreshWithBody(client, token).status()).as("revoked for good").isEqualTo(401);
    }
  }

  @Test
  @DisplayName("refresh and logout count against the per-address sign-in limit (AUTH_IP, burst 30): past it, 429 with Retry-After")
  void underTheAuthLimit() {
    Api.User user = fx.newUser("limited");
    try (Api client = clientOfItsOwn(fx)) {
      String token = assertSession(login(client, user.username()), user);
      int answered = 1;
      Api.Response response;
      while (true) {
        response = refreshWithBody(client, token);
        if (response.status() != 200) {
          break;
        }
        token = response.json().getString("refreshToken");
        answered++;
      }
      LOG.info("sign-in requests answered from one address before the limit: {}", answered);
      assertThat(response.status()).isEqualTo(429);
      assertThat(response.raw().getHeader("Retry-After")).isNotBlank();
      assertThat(answered).isGreaterThanOrEqualTo(30);
      assertThat(post(client, "/api/v1/auth/logout", null, new JsonObject().put("refreshToken", token)).status()).isEqualTo(429);
    }
  }

  /** The {@code exp} claim of a JWT, in epoch seconds. */
  static long exp(String jwt) {
    String claims = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
    return new JsonObject(claims).getLong("exp");
  }

  @Test
  @DisplayName("a socket renewed with auth.renew and a refreshed token outlives its first token, and closes at the new one's expiry")
  void renewedSocketOutlivesFirstToken() {
    Api.User user = shortLived.newUser("renew");
    try (Api client = clientOfItsOwn(shortLived)) {
      Api.Response login = login(client, user.username());
      String refreshToken = assertSession(login, user);
      Api.User first = new Api.User(user.userId(), user.username(), login.json().getString("accessToken"));
      long firstExp = exp(first.token());
      try (SocketClient renewed = shortLived.readySocket(first);
          SocketClient control = shortLived.readySocket(first)) {
        // exp is in whole seconds: a token refreshed within the login's second would expire with the first one.
        Await.until("the clock to pass into the second after the login's", Duration.ofSeconds(5),
            () -> System.currentTimeMillis() / 1000 > firstExp - 3);
        Api.Response refreshed = refreshWithBody(client, refreshToken);
        assertSession(refreshed, user);
        String second = refreshed.json().getString("accessToken");
        assertThat(exp(second)).isGreaterThan(firstExp);

        JsonObject reply = renewed.ask("auth.renew", new JsonObject().put("accessToken", second));
        assertThat(reply.getLong("expiresAt")).isEqualTo(exp(second) * 1000);

        // The control socket kept the first token: its close is the first token's expiry.
        assertThat(control.awaitClose()).isEqualTo((short) 4403);
        assertThat(renewed.isClosed()).isFalse();
        JsonObject afterFirstExpiry = renewed.ask("chat.sync", new JsonObject().put("rooms", new JsonObject()));
        assertThat(afterFirstExpiry).isNotNull();
        LOG.info("renewed socket answered {} ms after the first token's expiry", System.currentTimeMillis() - firstExp * 1000);

        assertThat(renewed.awaitClose()).as("it still expires, with the new token").isEqualTo((short) 4403);
        assertThat(renewed.closeReason()).contains("expired");
        LOG.info("renewed socket closed {} ms after the second token's expiry", System.currentTimeMillis() - exp(second) * 1000);
      }
    }
  }

  @Test
  @DisplayName("auth.renew with another user's token is forbidden, with an invalid one unauthorized; the socket still closes at its old expiry")
  void renewRefusals() {
    Api.User owner = shortLived.newUser("owner");
    Api.User other = shortLived.newUser("other");
    try (Api client = clientOfItsOwn(shortLived); SocketClient socket = shortLived.readySocket(owner)) {
      Api.Response othersLogin = login(client, other.username());
      String othersToken = othersLogin.json().getString("accessToken");
      assertThat(exp(othersToken)).isGreaterThanOrEqualTo(exp(owner.token()));

      JsonObject forbidden = socket.request("auth.renew", new JsonObject().put("accessToken", othersToken));
      assertThat(forbidden.getString("type")).isEqualTo("err");
      assertThat(forbidden.getString("body")).isEqualTo("forbidden");

      String[] parts = othersToken.split("\\.");
      JsonObject tampered = socket.request("auth.renew", new JsonObject().put("accessToken", parts[0] + "." + parts[1] + ".AAAA"));
      assertThat(tampered.getString("type")).isEqualTo("err");
      assertThat(tampered.getString("body")).isEqualTo("unauthorized");

      JsonObject malformed = socket.request("auth.renew", new JsonObject().put("accessToken", 42));
      assertThat(malformed.getString("body")).isEqualTo("bad_request");

      assertThat(socket.awaitClose()).isEqualTo((short) 4403);
      assertThat(socket.closeReason()).contains("expired");
      LOG.info("refused renewals: socket closed {} ms after its own token's expiry", System.currentTimeMillis() - exp(owner.token()) * 1000);
    }
  }
}

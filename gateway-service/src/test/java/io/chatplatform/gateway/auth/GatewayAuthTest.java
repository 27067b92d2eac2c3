package io.chatplatform.gateway.auth;

import static io.chatplatform.gateway.auth.Jwts.AUDIENCE;
import static io.chatplatform.gateway.auth.Jwts.EXTERNAL_ISSUER;
import static io.chatplatform.gateway.auth.Jwts.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.gateway.GatewayConfig;
import io.chatplatform.gateway.GatewayVerticle;
import io.chatplatform.gateway.socket.CloseCodes;
import io.chatplatform.runtime.Operations;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.chatplatform.testsupport.LogCapture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway over HTTP with an external issuer configured, and no services behind it: a token
 * that passes authentication reaches the router (404 for an unknown path), one that does not is
 * answered 401 on REST and closed with 4401 on the socket. Everything logged meanwhile, down to
 * DEBUG, is checked for tokens, tickets, passwords and query strings.
 */
@DisplayName("The gateway's authentication over HTTP")
class GatewayAuthTest {
  static Vertx vertx;
  static WebClient http;
  static WebSocketClient sockets;
  static int port;
  static KeyPair rsa;
  static KeyPair ec;
  static LogCapture logs;
  /** Every secret a request carried: none may appear in a log. */
  static final List<String> secrets = new ArrayList<>();
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    logs = new LogCapture();
    rsa = Jwts.rsa(2048);
    ec = Jwts.ec("secp256r1");
    Path rsaPem = Jwts.writePem(dir, "rsa.pem", Jwts.pem(rsa.getPublic()));
    Path ecPem = Jwts.writePem(dir, "ec.pem", Jwts.pem(ec.getPublic()));
    GatewayConfig config =
        GatewayConfig.from(Settings.of(Map.of(
            "JWT_SECRET", SECRET,
            "HTTP_PORT", "0",
            "HTTP_HOST", "127.0.0.1",
            "SERVICE_TIMEOUT_MS", "500",
            "JWT_EXTERNAL_ISSUER", EXTERNAL_ISSUER,
            "JWT_EXTERNAL_AUDIENCE", AUDIENCE,
            "JWT_EXTERNAL_PUBLIC_KEY_FILES", rsaPem + "," + ecPem)));
    vertx = Vertx.vertx();
    GatewayVerticle gateway = new GatewayVerticle(config, new Operations());
    Await.result(vertx.deployVerticle(gateway));
    port = gateway.port();
    http = WebClient.create(vertx);
    sockets = vertx.createWebSocketClient();
  }

  @AfterAll
  static void stop() {
    logs.close();
    Await.result(vertx.close());
  }

  static Map<String, String> validTokens() {
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("own HS256", Jwts.hs256(Jwts.own(), SECRET.getBytes(StandardCharsets.UTF_8)));
    tokens.put("external RS256", Jwts.rs256(Jwts.external(), rsa.getPrivate()));
    tokens.put("external ES256", Jwts.es256(Jwts.external(), ec.getPrivate()));
    return tokens;
  }

  static Map<String, String> attacks() {
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("alg none", Jwts.unsigned(Jwts.external()));
    tokens.put("HS256 with the RSA public key", Jwts.hs256(Jwts.external(), Jwts.pem(rsa.getPublic()).getBytes(StandardCharsets.US_ASCII)));
    tokens.put("RS256 claiming the own issuer", Jwts.rs256(Jwts.own(), rsa.getPrivate()));
    tokens.put("wrong iss", Jwts.rs256(Jwts.external().put("iss", "https://evil.example.com/"), rsa.getPrivate()));
    tokens.put("wrong aud", Jwts.rs256(Jwts.external().put("aud", "another-api"), rsa.getPrivate()));
    tokens.put("expired", Jwts.es256(Jwts.external().put("exp", Jwts.now() - 3600), ec.getPrivate()));
    tokens.put("tampered signature", Jwts.tamperSignature(Jwts.rs256(Jwts.external(), rsa.getPrivate())));
    tokens.put("tampered claims", Jwts.tamperClaims(Jwts.es256(Jwts.external(), ec.getPrivate()), Jwts.external().put("sub", "u_ffffffffffffffffffffffffffffffff")));
    return tokens;
  }

  static HttpResponse<Buffer> get(String path, String token) {
    secrets.add(token);
    return Await.result(http.get(port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + token).send());
  }

  /** Opens the raw WebSocket with {@code query} and waits for the server to close it; the close code. */
  static short socketClosedWith(String query) {
    Future<Short> closed =
        sockets
            .connect(port, "127.0.0.1", "/eventbus/websocket?" + query)
            .compose(
                socket -> {
                  // Installed as the connection completes, on its event loop; if the server's
                  // close was already read by then, the socket knows its code.
                  Promise<Short> code = Promise.promise();
                  if (socket.isClosed()) {
                    code.tryComplete(socket.closeStatusCode());
                  } else {
                    socket.closeHandler(v -> code.tryComplete(socket.closeStatusCode()));
                  }
                  return code.future();
                });
    return Await.result(closed);
  }

  @Test
  @DisplayName("a malformed URL is answered 400 and logged by its path only: no token or query string reaches the log")
  void malformedUrlsLogNoSecret() {
    String token = Jwts.hs256(Jwts.own(), SECRET.getBytes(StandardCharsets.UTF_8));
    int before = logs.lines().size();
    // A token in the query (as SockJS's HTTP transports carry it) beside an undecodable parameter.
    HttpResponse<Buffer> sockjs = Await.result(
        http.post(port, "127.0.0.1", "/eventbus/123/abc/xhr?access_token=" + token + "&x=%ZZ").send());
    HttpResponse<Buffer> rest = Await.result(
        http.get(port, "127.0.0.1", "/api/v1/users?query=%ZZ&secret=" + token).putHeader("Authorization", "Bearer " + token).send());
    assertThat(sockjs.statusCode()).isEqualTo(400);
    assertThat(rest.statusCode()).isEqualTo(400);
    List<String> written = logs.lines().subList(before, logs.lines().size());
    assertThat(written).noneMatch(line -> line.contains(token) || line.contains("%ZZ"));
  }

  @Test
  @DisplayName("lets every accepted kind of token through (an unknown path then answers 404)")
  void accepted() {
    validTokens().forEach((kind, token) -> {
      HttpResponse<Buffer> response = get("/api/v1/no-such-endpoint", token);
      assertThat(response.statusCode()).as(kind).isEqualTo(404);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).as(kind).isEqualTo("not_found");
    });
  }

  @Test
  @DisplayName("answers 401 with WWW-Authenticate: Bearer to each attack on REST")
  void refusedOnRest() {
    attacks().forEach((kind, token) -> {
      HttpResponse<Buffer> response = get("/api/v1/me", token);
      assertThat(response.statusCode()).as(kind).isEqualTo(401);
      assertThat(response.getHeader("WWW-Authenticate")).as(kind).isEqualTo("Bearer");
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).as(kind).isEqualTo("unauthorized");
    });
  }

  @Test
  @DisplayName("closes the socket with 4401 for each attack given as access_token")
  void refusedOnSocket() {
    attacks().forEach((kind, token) -> {
      secrets.add(token);
      String query = "access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
      assertThat(socketClosedWith(query)).as(kind).isEqualTo((short) CloseCodes.UNAUTHORIZED);
    });
  }

  @Test
  @DisplayName("logs no token, refresh token, ticket, password, Authorization header or socket query string, even at DEBUG")
  void nothingSecretLogged() {
    // A login (its password), a ticket and its use, and every token above, accepted or refused.
    String password = "correct-horse-battery-staple";
    secrets.add(password);
    HttpResponse<Buffer> login =
        Await.result(http.post(port, "127.0.0.1", "/api/v1/auth/login")
            .sendJsonObject(new JsonObject().put("username", "alice").put("password", password)));
    assertThat(login.statusCode()).as("no chat-service: unavailable").isEqualTo(503);

    String token = validTokens().get("external RS256");
    secrets.add(token);
    HttpResponse<Buffer> ticket =
        Await.result(http.post(port, "127.0.0.1", "/api/v1/auth/ticket").putHeader("Authorization", "Bearer " + token).send());
    assertThat(ticket.statusCode()).isEqualTo(200);
    String value = ticket.bodyAsJsonObject().getString("ticket");
    secrets.add(value);
    assertThat(socketClosedWith("ticket=" + value)).as("authenticated, but no chat-service").isEqualTo((short) CloseCodes.SERVER_ERROR);
    assertThat(socketClosedWith("ticket=" + value)).as("a used ticket").isEqualTo((short) CloseCodes.UNAUTHORIZED);

    // A refresh token, in the body and in the cookie, to refresh and to log out.
    String refreshToken = new RefreshSecrets().mint().token();
    secrets.add(refreshToken);
    for (String path : new String[] {"/api/v1/auth/refresh", "/api/v1/auth/logout"}) {
      HttpResponse<Buffer> byBody = Await.result(http.post(port, "127.0.0.1", path)
          .sendJsonObject(new JsonObject().put("refreshToken", refreshToken)));
      assertThat(byBody.statusCode()).as(path + ": no chat-service").isEqualTo(503);
      HttpResponse<Buffer> byCookie = Await.result(http.post(port, "127.0.0.1", path).putHeader("Cookie", "chat_refresh=" + refreshToken).send());
      assertThat(byCookie.statusCode()).as(path + ": no chat-service").isEqualTo(503);
    }

    refusedOnRest();
    refusedOnSocket();
    accepted();

    List<String> lines = logs.lines();
    assertThat(lines).as("DEBUG lines were captured").anyMatch(line -> line.contains("access token refused"));
    String all = String.join("\n", lines);
    for (String secret : secrets) {
      assertThat(all).doesNotContain(secret);
      // A JWT's parts are secrets too: its signature, and its claims, which identify the user.
      for (String part : secret.split("\\.")) {
        if (part.length() >= 16) {
          assertThat(all).doesNotContain(part);
        }
      }
    }
    assertThat(all).doesNotContain("access_token=").doesNotContain("ticket=").doesNotContain("Bearer ey");
  }

}

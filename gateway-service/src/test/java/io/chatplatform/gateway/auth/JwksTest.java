package io.chatplatform.gateway.auth;

import static io.chatplatform.gateway.auth.Jwts.AUDIENCE;
import static io.chatplatform.gateway.auth.Jwts.EXTERNAL_ISSUER;
import static io.chatplatform.gateway.auth.Jwts.SECRET;
import static io.chatplatform.gateway.auth.Jwts.USER;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.ServiceException;
import io.chatplatform.gateway.GatewayConfig;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.chatplatform.testsupport.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The external issuer's keys from a JWKS served by a real HTTP server: fetched at start, pinned
 * per key by kty/alg, refreshed, and kept when a refresh fails.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Keys from a JWKS URL")
class JwksTest {
  static final String SECRET_QUERY = "client_secret=hunter2-do-not-log";
  static KeyPair rsa;
  static KeyPair ec;
  static KeyPair next;

  HttpServer server;
  final AtomicInteger fetches = new AtomicInteger();
  volatile int status = 200;
  volatile String body;
  /** When set, requests are never answered. */
  volatile boolean silent;
  final List<Tokens> opened = new ArrayList<>();

  @BeforeAll
  static void keys() {
    rsa = Jwts.rsa(2048);
    ec = Jwts.ec("secp256r1");
    next = Jwts.rsa(2048);
  }

  @BeforeEach
  void serve(Vertx vertx) {
    body = jwks(Jwts.jwk(rsa, "rsa-1", "RS256"), Jwts.jwk(ec, "ec-1", "ES256"));
    server =
        Await.result(
            vertx.createHttpServer()
                .requestHandler(
                    request -> {
                      fetches.incrementAndGet();
                      if (!silent) {
                        request.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
                      }
                    })
                .listen(0, "127.0.0.1"));
  }

  @AfterEach
  void close() {
    opened.forEach(Tokens::close);
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/realms/chat/certs?" + SECRET_QUERY;
  }

  Tokens tokens(Vertx vertx, Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>();
    settings.put("JWT_SECRET", SECRET);
    settings.put("JWT_EXTERNAL_ISSUER", EXTERNAL_ISSUER);
    settings.put("JWT_EXTERNAL_AUDIENCE", AUDIENCE);
    settings.put("JWT_EXTERNAL_JWKS_URL", url());
    settings.putAll(extra);
    Tokens tokens = new Tokens(vertx, GatewayConfig.from(Settings.of(settings)));
    opened.add(tokens);
    Await.result(tokens.start());
    return tokens;
  }

  Tokens tokens(Vertx vertx) {
    return tokens(vertx, Map.of());
  }

  static String jwks(JsonObject... keys) {
    return new JsonObject().put("keys", new JsonArray(List.of((Object[]) keys))).encode();
  }

  static String rs256(KeyPair pair, String kid) {
    return Jwts.signed(Jwts.header("RS256").put("kid", kid), Jwts.external(), "SHA256withRSA", pair.getPrivate());
  }

  static String es256(KeyPair pair, String kid) {
    return Jwts.signed(Jwts.header("ES256").put("kid", kid), Jwts.external(), "SHA256withECDSAinP1363Format", pair.getPrivate());
  }

  static void accepted(Tokens tokens, String token) {
    assertThat(Await.result(tokens.verify(token)).userId()).isEqualTo(USER);
  }

  static void refused(Tokens tokens, String token) {
    Throwable failure = Await.failure(tokens.verify(token));
    assertThat(failure).isInstanceOf(ServiceException.class);
    assertThat(((ServiceException) failure).code().status).isEqualTo(401);
  }

  @Test
  @DisplayName("accepts RS256 and ES256 tokens signed with keys fetched at start")
  void fetchedAtStart(Vertx vertx) {
    Tokens tokens = tokens(vertx);
    assertThat(fetches.get()).isEqualTo(1);
    accepted(tokens, rs256(rsa, "rsa-1"));
    accepted(tokens, es256(ec, "ec-1"));
    accepted(tokens, Jwts.rs256(Jwts.external(), rsa.getPrivate()));
  }

  @Test
  @DisplayName("never uses a symmetric (oct) key published in the JWKS: an HS256 token signed with it is refused")
  void octKeyIgnored(Vertx vertx) {
    byte[] shared = "a-symmetric-key-in-the-jwks-0123456789".getBytes(StandardCharsets.US_ASCII);
    JsonObject oct = new JsonObject().put("kty", "oct").put("kid", "hmac-1").put("alg", "HS256").put("k", Jwts.b64(shared));
    body = jwks(oct, Jwts.jwk(rsa, "rsa-1", "RS256"));
    Tokens tokens = tokens(vertx);
    accepted(tokens, rs256(rsa, "rsa-1"));
    refused(tokens, Jwts.hs256(Jwts.header("HS256").put("kid", "hmac-1"), Jwts.external(), shared));
  }

  @Test
  @DisplayName("refuses an HS256 token 'signed' with a JWKS RSA key's public key (key confusion)")
  void keyConfusion(Vertx vertx) {
    Tokens tokens = tokens(vertx);
    accepted(tokens, rs256(rsa, "rsa-1"));
    refused(tokens, Jwts.hs256(Jwts.header("HS256").put("kid", "rsa-1"), Jwts.external(), Jwts.pem(rsa.getPublic()).getBytes(StandardCharsets.US_ASCII)));
    refused(tokens, Jwts.hs256(Jwts.header("HS256").put("kid", "rsa-1"), Jwts.external(), rsa.getPublic().getEncoded()));
  }

  @Test
  @DisplayName("skips a JWK whose alg disagrees with its kty: an EC key marked RS256 verifies nothing")
  void mismatchedAlgSkipped(Vertx vertx) {
    body = jwks(Jwts.jwk(ec, "ec-1", "RS256"), Jwts.jwk(rsa, "rsa-1", "RS256"));
    Tokens tokens = tokens(vertx);
    accepted(tokens, rs256(rsa, "rsa-1"));
    refused(tokens, es256(ec, "ec-1"));
  }

  @Test
  @DisplayName("verifies with an RS256 JWK only tokens that say RS256 (not RS384, not PS256)")
  void algPinnedByJwk(Vertx vertx) {
    Tokens tokens = tokens(vertx);
    accepted(tokens, rs256(rsa, "rsa-1"));
    refused(tokens, Jwts.signed(Jwts.header("RS384").put("kid", "rsa-1"), Jwts.external(), "SHA384withRSA", rsa.getPrivate()));
    refused(tokens, Jwts.signed(Jwts.header("PS256").put("kid", "rsa-1"), Jwts.external(), "SHA256withRSA", rsa.getPrivate()));
  }

  @Test
  @DisplayName("takes a JWK's algorithm from its kty when it has no alg (RSA: RS256, EC P-256: ES256)")
  void algFromKty(Vertx vertx) {
    body = jwks(Jwts.jwk(rsa, "rsa-1", null), Jwts.jwk(ec, "ec-1", null));
    Tokens tokens = tokens(vertx);
    accepted(tokens, rs256(rsa, "rsa-1"));
    accepted(tokens, es256(ec, "ec-1"));
    refused(tokens, Jwts.signed(Jwts.header("ES256").put("kid", "rsa-1"), Jwts.external(), "SHA256withRSA", rsa.getPrivate()));
  }

  @Test
  @DisplayName("a successful refresh replaces the keys: a rotated-in key is accepted, a removed one refused")
  void refreshRotates(Vertx vertx) {
    Tokens tokens = tokens(vertx);
    accepted(tokens, rs256(rsa, "rsa-1"));
    refused(tokens, rs256(next, "rsa-2"));

    body = jwks(Jwts.jwk(next, "rsa-2", "RS256"));
    assertThat(Await.result(tokens.refreshExternalKeys())).isEqualTo(1);
    accepted(tokens, rs256(next, "rsa-2"));
    refused(tokens, rs256(rsa, "rsa-1"));
  }

  @Test
  @DisplayName("a failed refresh (error status, not JSON, no usable key, too large, unreachable) keeps the last good keys")
  void failedRefreshKeepsKeys(Vertx vertx) {
    Tokens tokens = tokens(vertx, Map.of("JWT_EXTERNAL_JWKS_MAX_BYTES", "4096"));
    String token = rs256(rsa, "rsa-1");
    accepted(tokens, token);

    status = 500;
    assertThat(Await.failure(tokens.refreshExternalKeys())).hasMessageContaining("HTTP status 500");
    accepted(tokens, token);

    status = 200;
    body = "<html>login</html>";
    assertThat(Await.failure(tokens.refreshExternalKeys())).hasMessageContaining("not a JWKS");
    accepted(tokens, token);

    body = jwks(new JsonObject().put("kty", "oct").put("k", "c2VjcmV0"));
    assertThat(Await.failure(tokens.refreshExternalKeys())).hasMessageContaining("no usable RS256 or ES256 key");
    accepted(tokens, token);

    body = new JsonObject().put("keys", new JsonArray()).put("padding", "x".repeat(10_000)).encode();
    assertThat(Await.failure(tokens.refreshExternalKeys())).hasMessageContaining("JWT_EXTERNAL_JWKS_MAX_BYTES");
    accepted(tokens, token);

    Await.result(server.close());
    assertThat(Await.failure(tokens.refreshExternalKeys())).isNotNull();
    accepted(tokens, token);
  }

  @Test
  @DisplayName("a JWKS that does not answer in JWT_EXTERNAL_JWKS_TIMEOUT_MS fails the refresh and keeps the keys")
  void timeoutKeepsKeys(Vertx vertx) {
    Tokens tokens = tokens(vertx, Map.of("JWT_EXTERNAL_JWKS_TIMEOUT_MS", "300"));
    silent = true;
    assertThat(Await.failure(tokens.refreshExternalKeys())).hasMessageContaining("JWT_EXTERNAL_JWKS_TIMEOUT_MS");
    accepted(tokens, rs256(rsa, "rsa-1"));
  }

  @Test
  @DisplayName("a JWKS unavailable at start: the gateway starts, serves its own tokens, and accepts external ones once a fetch succeeds")
  void unavailableAtStart(Vertx vertx) {
    status = 503;
    Tokens tokens = tokens(vertx);
    String external = rs256(rsa, "rsa-1");
    refused(tokens, external);
    assertThat(Await.result(tokens.verify(Jwts.hs256(Jwts.own(), SECRET.getBytes(StandardCharsets.UTF_8)))).userId()).isEqualTo(USER);

    status = 200;
    assertThat(Await.result(tokens.refreshExternalKeys())).isEqualTo(2);
    accepted(tokens, external);
  }

  @Test
  @DisplayName("logs a failed fetch with the URL's path but never its query string")
  void failureLogHidesQuery(Vertx vertx) {
    Tokens tokens = tokens(vertx);
    int port = server.actualPort();
    try (LogCapture logs = new LogCapture()) {
      status = 500;
      Await.failure(tokens.refreshExternalKeys());
      silent = true;
      Tokens slow = tokens(vertx, Map.of("JWT_EXTERNAL_JWKS_TIMEOUT_MS", "300"));
      Await.failure(slow.refreshExternalKeys());
      Await.result(server.close());
      Await.failure(tokens.refreshExternalKeys());

      List<String> lines = logs.lines();
      assertThat(lines).anyMatch(line -> line.contains("JWKS fetch from http://127.0.0.1:" + port + "/realms/chat/certs failed"));
      assertThat(String.join("\n", lines)).doesNotContain("hunter2").doesNotContain("client_secret");
    }
  }
}

package io.chatplatform.gateway.auth;

import static io.chatplatform.gateway.auth.Jwts.AUDIENCE;
import static io.chatplatform.gateway.auth.Jwts.EXTERNAL_ISSUER;
import static io.chatplatform.gateway.auth.Jwts.OWN_ISSUER;
import static io.chatplatform.gateway.auth.Jwts.SECRET;
import static io.chatplatform.gateway.auth.Jwts.USER;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.ServiceException;
import io.chatplatform.gateway.GatewayConfig;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token verification with the external issuer's keys in PEM files: each accepted kind of token,
 * and each attack refused with 401. Every refusal has a matching acceptance (same keys, same
 * claims, one thing changed), so a refusal test cannot pass because nothing is ever accepted.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Access token verification")
class TokensTest {
  static KeyPair rsa;
  static KeyPair ec;
  static KeyPair attacker;
  static Path rsaPem;
  static Path ecPem;
  @TempDir static Path dir;

  final List<Tokens> opened = new ArrayList<>();

  @BeforeAll
  static void keys() {
    rsa = Jwts.rsa(2048);
    ec = Jwts.ec("secp256r1");
    attacker = Jwts.rsa(2048);
    rsaPem = Jwts.writePem(dir, "idp-rsa.pem", Jwts.pem(rsa.getPublic()));
    ecPem = Jwts.writePem(dir, "idp-ec.pem", Jwts.pem(ec.getPublic()));
  }

  @AfterEach
  void close() {
    opened.forEach(Tokens::close);
  }

  /** The gateway's tokens with the external issuer's RSA key declared RS256 and its EC key detected. */
  Tokens tokens(Vertx vertx) {
    return tokens(vertx, Map.of());
  }

  Tokens tokens(Vertx vertx, Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>();
    settings.put("JWT_SECRET", SECRET);
    settings.put("JWT_EXTERNAL_ISSUER", EXTERNAL_ISSUER);
    settings.put("JWT_EXTERNAL_AUDIENCE", AUDIENCE);
    settings.put("JWT_EXTERNAL_PUBLIC_KEY_FILES", "RS256:" + rsaPem + ", " + ecPem);
    settings.putAll(extra);
    Tokens tokens = new Tokens(vertx, GatewayConfig.from(Settings.of(settings)));
    opened.add(tokens);
    Await.result(tokens.start());
    return tokens;
  }

  static Caller accepted(Tokens tokens, String token) {
    return Await.result(tokens.verify(token));
  }

  static void refused(Tokens tokens, String token) {
    Throwable failure = Await.failure(tokens.verify(token));
    assertThat(failure).isInstanceOf(ServiceException.class);
    assertThat(((ServiceException) failure).code().status).isEqualTo(401);
  }

  @Nested
  @DisplayName("accepts")
  class Accepts {
    @Test
    @DisplayName("the platform's own HS256 token, as issued at login")
    void ownToken(Vertx vertx) {
      Tokens tokens = tokens(vertx);
      String token = tokens.issue(new JsonObject().put("userId", USER).put("username", "alice").put("roles", new JsonArray().add("user")));
      Caller caller = accepted(tokens, token);
      assertThat(caller.userId()).isEqualTo(USER);
      assertThat(caller.username()).isEqualTo("alice");
      assertThat(caller.roles()).containsExactly("user");
      assertThat(caller.expiresAt()).isGreaterThan(System.currentTimeMillis());
      JsonObject user = new JsonObject().put("userId", USER).put("username", "alice");
      assertThat(tokens.issue(user)).as("two tokens issued in one second differ (jti)").isNotEqualTo(tokens.issue(user));
    }

    @Test
    @DisplayName("an RS256 token of the external issuer, with the user id from sub and the expiry from exp")
    void rs256(Vertx vertx) {
      JsonObject claims = Jwts.external();
      Caller caller = accepted(tokens(vertx), Jwts.rs256(claims, rsa.getPrivate()));
      assertThat(caller.userId()).isEqualTo(USER);
      assertThat(caller.expiresAt()).isEqualTo(claims.getLong("exp") * 1000);
      assertThat(caller.roles()).as("roles are never taken from outside").isEmpty();
    }

    @Test
    @DisplayName("an ES256 token of the external issuer, its key's algorithm detected from the PEM file")
    void es256(Vertx vertx) {
      assertThat(accepted(tokens(vertx), Jwts.es256(Jwts.external(), ec.getPrivate())).userId()).isEqualTo(USER);
    }

    @Test
    @DisplayName("an external token whose aud is a list naming the audience")
    void audienceList(Vertx vertx) {
      JsonObject claims = Jwts.external().put("aud", new JsonArray().add("another-api").add(AUDIENCE));
      assertThat(accepted(tokens(vertx), Jwts.rs256(claims, rsa.getPrivate())).userId()).isEqualTo(USER);
    }

    @Test
    @DisplayName("the user id from the claim JWT_EXTERNAL_USER_CLAIM names")
    void userClaim(Vertx vertx) {
      Tokens tokens = tokens(vertx, Map.of("JWT_EXTERNAL_USER_CLAIM", "platform_user"));
      String other = "u_9f8e7d6c5b4a39281706f5e4d3c2b1a0";
      JsonObject claims = Jwts.external().put("sub", "idp-subject-42").put("platform_user", other);
      assertThat(accepted(tokens, Jwts.rs256(claims, rsa.getPrivate())).userId()).isEqualTo(other);
    }

    @Test
    @DisplayName("an external token that expired less than JWT_EXTERNAL_LEEWAY_SECONDS ago (clock skew)")
    void leeway(Vertx vertx) {
      JsonObject claims = Jwts.external().put("exp", Jwts.now() - 5);
      assertThat(accepted(tokens(vertx), Jwts.rs256(claims, rsa.getPrivate())).userId()).isEqualTo(USER);
    }
  }

  @Nested
  @DisplayName("refuses with 401")
  class Refuses {
    @Test
    @DisplayName("alg none claiming the external issuer")
    void noneExternal(Vertx vertx) {
      refused(tokens(vertx), Jwts.unsigned(Jwts.external()));
    }

    @Test
    @DisplayName("alg none claiming the platform's own issuer")
    void noneOwn(Vertx vertx) {
      refused(tokens(vertx), Jwts.unsigned(Jwts.own()));
    }

    @Test
    @DisplayName("alg none with a signature part copied from a valid token")
    void noneWithSignature(Vertx vertx) {
      String valid = Jwts.rs256(Jwts.external(), rsa.getPrivate());
      String forged = Jwts.input(Jwts.header("none"), Jwts.external()) + "." + valid.split("\\.")[2];
      refused(tokens(vertx), forged);
    }

    @Test
    @DisplayName("HS256 'signed' with the external RSA public key (key confusion), claiming the external issuer")
    void keyConfusionExternal(Vertx vertx) {
      Tokens tokens = tokens(vertx);
      refused(tokens, Jwts.hs256(Jwts.external(), Jwts.pem(rsa.getPublic()).getBytes(StandardCharsets.US_ASCII)));
      refused(tokens, Jwts.hs256(Jwts.external(), rsa.getPublic().getEncoded()));
    }

    @Test
    @DisplayName("HS256 'signed' with the external RSA public key (key confusion), claiming the platform's issuer")
    void keyConfusionOwn(Vertx vertx) {
      Tokens tokens = tokens(vertx);
      refused(tokens, Jwts.hs256(Jwts.own(), Jwts.pem(rsa.getPublic()).getBytes(StandardCharsets.US_ASCII)));
      refused(tokens, Jwts.hs256(Jwts.own(), rsa.getPublic().getEncoded()));
    }

    @Test
    @DisplayName("an RS256 token claiming the platform's own issuer, whose tokens are HS256 only")
    void rs256ForOwnIssuer(Vertx vertx) {
      refused(tokens(vertx), Jwts.rs256(Jwts.own(), rsa.getPrivate()));
    }

    @Test
    @DisplayName("an HS256 token with JWT_SECRET claiming the external issuer, whose tokens are RS256/ES256 only")
    void hs256ForExternalIssuer(Vertx vertx) {
      refused(tokens(vertx), Jwts.hs256(Jwts.external(), SECRET.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    @DisplayName("a wrong iss, signed with the external issuer's key")
    void wrongIssuer(Vertx vertx) {
      refused(tokens(vertx), Jwts.rs256(Jwts.external().put("iss", "https://evil.example.com/"), rsa.getPrivate()));
    }

    @Test
    @DisplayName("no iss, signed with the external issuer's key")
    void noIssuer(Vertx vertx) {
      JsonObject claims = Jwts.external();
      claims.remove("iss");
      refused(tokens(vertx), Jwts.rs256(claims, rsa.getPrivate()));
    }

    @Test
    @DisplayName("a wrong aud")
    void wrongAudience(Vertx vertx) {
      refused(tokens(vertx), Jwts.rs256(Jwts.external().put("aud", "another-api"), rsa.getPrivate()));
    }

    @Test
    @DisplayName("no aud")
    void noAudience(Vertx vertx) {
      JsonObject claims = Jwts.external();
      claims.remove("aud");
      refused(tokens(vertx), Jwts.rs256(claims, rsa.getPrivate()));
    }

    @Test
    @DisplayName("an expired external token (beyond the leeway)")
    void expiredExternal(Vertx vertx) {
      refused(tokens(vertx), Jwts.es256(Jwts.external().put("iat", Jwts.now() - 3600).put("exp", Jwts.now() - 120), ec.getPrivate()));
    }

    @Test
    @DisplayName("an external token without exp")
    void noExpiry(Vertx vertx) {
      JsonObject claims = Jwts.external();
      claims.remove("exp");
      refused(tokens(vertx), Jwts.rs256(claims, rsa.getPrivate()));
    }

    @Test
    @DisplayName("an expired platform token, correctly signed with JWT_SECRET")
    void expiredOwn(Vertx vertx) {
      Tokens tokens = tokens(vertx);
      byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
      assertThat(accepted(tokens, Jwts.hs256(Jwts.own(), secret)).userId()).as("the same token unexpired").isEqualTo(USER);
      refused(tokens, Jwts.hs256(Jwts.own().put("iat", Jwts.now() - 7200).put("exp", Jwts.now() - 10), secret));
    }

    @Test
    @DisplayName("a platform token signed with another secret")
    void ownWrongSecret(Vertx vertx) {
      refused(tokens(vertx), Jwts.hs256(Jwts.own(), "another-secret-another-secret-another-secret".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    @DisplayName("a tampered RS256 signature")
    void tamperedRs256Signature(Vertx vertx) {
      refused(tokens(vertx), Jwts.tamperSignature(Jwts.rs256(Jwts.external(), rsa.getPrivate())));
    }

    @Test
    @DisplayName("a tampered ES256 signature")
    void tamperedEs256Signature(Vertx vertx) {
      refused(tokens(vertx), Jwts.tamperSignature(Jwts.es256(Jwts.external(), ec.getPrivate())));
    }

    @Test
    @DisplayName("an ES256 signature of zeros (CVE-2022-21449)")
    void zeroEs256Signature(Vertx vertx) {
      String token = Jwts.input(Jwts.header("ES256"), Jwts.external()) + "." + Jwts.b64(new byte[64]);
      refused(tokens(vertx), token);
    }

    @Test
    @DisplayName("tampered claims under a valid external signature (another user)")
    void tamperedExternalClaims(Vertx vertx) {
      String token = Jwts.es256(Jwts.external(), ec.getPrivate());
      refused(tokens(vertx), Jwts.tamperClaims(token, Jwts.external().put("sub", "u_ffffffffffffffffffffffffffffffff")));
    }

    @Test
    @DisplayName("tampered claims under a valid platform signature (another user)")
    void tamperedOwnClaims(Vertx vertx) {
      Tokens tokens = tokens(vertx);
      String token = tokens.issue(new JsonObject().put("userId", USER).put("username", "alice").put("roles", new JsonArray()));
      refused(tokens, Jwts.tamperClaims(token, Jwts.own().put("sub", "u_ffffffffffffffffffffffffffffffff")));
    }

    @Test
    @DisplayName("a token signed by a key the external issuer does not have")
    void unknownKey(Vertx vertx) {
      refused(tokens(vertx), Jwts.rs256(Jwts.external(), attacker.getPrivate()));
    }

    @Test
    @DisplayName("an ES256 signature presented as RS256: a token is checked only with keys of its algorithm")
    void algorithmSwapped(Vertx vertx) {
      refused(tokens(vertx), Jwts.signed(Jwts.header("RS256"), Jwts.external(), "SHA256withECDSAinP1363Format", ec.getPrivate()));
    }

    @Test
    @DisplayName("an RSA signature under an algorithm no key is pinned to (RS512, PS256)")
    void unpinnedAlgorithm(Vertx vertx) {
      Tokens tokens = tokens(vertx);
      refused(tokens, Jwts.signed(Jwts.header("RS512"), Jwts.external(), "SHA512withRSA", rsa.getPrivate()));
      refused(tokens, Jwts.signed(Jwts.header("PS256"), Jwts.external(), "SHA256withRSA", rsa.getPrivate()));
    }

    @Test
    @DisplayName("a user claim that is not a platform user id")
    void userClaimNotAUserId(Vertx vertx) {
      refused(tokens(vertx), Jwts.rs256(Jwts.external().put("sub", "auth0|5f7c8ec7c33c6c004bbafe82"), rsa.getPrivate()));
    }

    @Test
    @DisplayName("a token without the configured user claim")
    void missingUserClaim(Vertx vertx) {
      refused(tokens(vertx, Map.of("JWT_EXTERNAL_USER_CLAIM", "platform_user")), Jwts.rs256(Jwts.external(), rsa.getPrivate()));
    }

    @Test
    @DisplayName("a crit header (no JWS extension is understood)")
    void critical(Vertx vertx) {
      JsonObject header = Jwts.header("RS256").put("crit", new JsonArray().add("exp"));
      refused(tokens(vertx), Jwts.signed(header, Jwts.external(), "SHA256withRSA", rsa.getPrivate()));
    }

    @Test
    @DisplayName("an external token when no external issuer is configured")
    void noExternalIssuer(Vertx vertx) {
      Tokens tokens = new Tokens(vertx, GatewayConfig.from(Settings.of(Map.of("JWT_SECRET", SECRET))));
      refused(tokens, Jwts.rs256(Jwts.external(), rsa.getPrivate()));
      assertThat(accepted(tokens, Jwts.hs256(Jwts.own(), SECRET.getBytes(StandardCharsets.UTF_8))).userId()).isEqualTo(USER);
    }

    @Test
    @DisplayName("anything that is not a signed JWT")
    void garbage(Vertx vertx) {
      Tokens tokens = tokens(vertx);
      for (String token : List.of("", "abc", "a.b", "a.b.c", "e30.e30.", "e30.e30.e30", "W10.W10.AAAA", "....",
          Jwts.rs256(Jwts.external(), rsa.getPrivate()) + ".extra")) {
        refused(tokens, token);
      }
      refused(tokens, null);
    }
  }

  /**
   * Without JWT_EXTERNAL_ISSUER the claims are not read before the JWT check, and a token with the
   * header this gateway writes is not parsed for its alg: each refusal here must still come from
   * that check (issuer, algorithm, signature, lifetime), and each has its accepted twin.
   */
  @Nested
  @DisplayName("with the platform's own issuer only")
  class OwnIssuerOnly {
    Tokens own(Vertx vertx) {
      Tokens tokens = new Tokens(vertx, GatewayConfig.from(Settings.of(Map.of("JWT_SECRET", SECRET))));
      opened.add(tokens);
      return tokens;
    }

    final byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);

    @Test
    @DisplayName("accepts its own tokens, as issued and as signed elsewhere with JWT_SECRET (another header spelling)")
    void accepts(Vertx vertx) {
      Tokens tokens = own(vertx);
      String issued = tokens.issue(new JsonObject().put("userId", USER).put("username", "alice").put("roles", new JsonArray().add("user")));
      assertThat(accepted(tokens, issued).roles()).containsExactly("user");
      assertThat(accepted(tokens, Jwts.hs256(Jwts.own(), secret)).username()).isEqualTo("alice");
    }

    @Test
    @DisplayName("refuses another issuer's, or no issuer's, token signed with JWT_SECRET under the gateway's own header")
    void otherIssuer(Vertx vertx) {
      Tokens tokens = own(vertx);
      String header = tokens.issue(new JsonObject().put("userId", USER).put("username", "alice")).split("\\.")[0];
      JsonObject noIssuer = Jwts.own();
      noIssuer.remove("iss");
      for (JsonObject claims : List.of(Jwts.own().put("iss", "https://evil.example.com/"), noIssuer)) {
        String token = Jwts.hs256(new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(header), StandardCharsets.UTF_8)),
            claims, secret);
        assertThat(token).startsWith(header + ".");
        refused(tokens, token);
      }
      assertThat(accepted(tokens, Jwts.hs256(Jwts.own(), secret)).userId()).as("the same with the own issuer").isEqualTo(USER);
    }

    @Test
    @DisplayName("refuses claims changed under a valid signature, an expired token, alg none, RS256, a crit header, garbage claims")
    void refuses(Vertx vertx) {
      Tokens tokens = own(vertx);
      String issued = tokens.issue(new JsonObject().put("userId", USER).put("username", "alice"));
      refused(tokens, Jwts.tamperClaims(issued, Jwts.own().put("sub", "u_00000000000000000000000000000000")));
      refused(tokens, Jwts.tamperSignature(issued));
      refused(tokens, Jwts.hs256(Jwts.own().put("iat", Jwts.now() - 7200).put("exp", Jwts.now() - 10), secret));
      refused(tokens, Jwts.unsigned(Jwts.own()));
      refused(tokens, Jwts.rs256(Jwts.own(), rsa.getPrivate()));
      refused(tokens, Jwts.hs256(Jwts.header("HS256").put("crit", new JsonArray().add("exp")), Jwts.own(), secret));
      refused(tokens, issued.split("\\.")[0] + ".bm90LWpzb24." + issued.split("\\.")[2]);
      refused(tokens, issued.split("\\.")[0] + "." + issued.split("\\.")[1] + ".not*base64");
    }

    @Test
    @DisplayName("refuses a token not valid yet (nbf) or issued in the future (iat), and one whose nbf is not a number")
    void notYetValid(Vertx vertx) {
      Tokens tokens = own(vertx);
      refused(tokens, Jwts.hs256(Jwts.own().put("nbf", Jwts.now() + 300), secret));
      refused(tokens, Jwts.hs256(Jwts.own().put("iat", Jwts.now() + 300), secret));
      refused(tokens, Jwts.hs256(Jwts.own().put("nbf", "yesterday"), secret));
      assertThat(accepted(tokens, Jwts.hs256(Jwts.own().put("nbf", Jwts.now() - 5), secret)).userId())
          .as("the same with nbf passed").isEqualTo(USER);
    }
  }

  @Test
  @DisplayName("the platform's own issuer is never taken for the external one (they must differ)")
  void issuersDiffer() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> GatewayConfig.from(Settings.of(Map.of(
                "JWT_SECRET", SECRET,
                "JWT_EXTERNAL_ISSUER", OWN_ISSUER,
                "JWT_EXTERNAL_AUDIENCE", AUDIENCE,
                "JWT_EXTERNAL_PUBLIC_KEY_FILES", rsaPem.toString()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JWT_EXTERNAL_ISSUER must differ from JWT_ISSUER");
  }
}

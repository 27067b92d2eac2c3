package io.chatplatform.gateway.auth;

import static io.chatplatform.gateway.auth.Jwts.AUDIENCE;
import static io.chatplatform.gateway.auth.Jwts.EXTERNAL_ISSUER;
import static io.chatplatform.gateway.auth.Jwts.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.gateway.GatewayConfig;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Settings of the external issuer and its PEM files: bad input fails the start with a clear message. */
@ExtendWith(VertxExtension.class)
@DisplayName("External issuer settings")
class ExternalIssuerSettingsTest {
  static KeyPair rsa;
  static Path rsaPem;
  @TempDir static Path dir;

  @BeforeAll
  static void keys() {
    rsa = Jwts.rsa(2048);
    rsaPem = Jwts.writePem(dir, "rsa.pem", Jwts.pem(rsa.getPublic()));
  }

  static Map<String, String> external(String... pairs) {
    Map<String, String> settings = new HashMap<>();
    settings.put("JWT_SECRET", SECRET);
    settings.put("JWT_EXTERNAL_ISSUER", EXTERNAL_ISSUER);
    settings.put("JWT_EXTERNAL_AUDIENCE", AUDIENCE);
    settings.put("JWT_EXTERNAL_PUBLIC_KEY_FILES", rsaPem.toString());
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] == null) {
        settings.remove(pairs[i]);
      } else {
        settings.put(pairs[i], pairs[i + 1]);
      }
    }
    return settings;
  }

  static GatewayConfig config(Map<String, String> settings) {
    return GatewayConfig.from(Settings.of(settings));
  }

  static void invalid(Map<String, String> settings, String message) {
    assertThatThrownBy(() -> config(settings)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  /** Why the start of a gateway with these settings fails. */
  static String startFailure(Vertx vertx, Map<String, String> settings) {
    Tokens tokens = new Tokens(vertx, config(settings));
    try {
      return Await.failure(tokens.start()).getMessage();
    } finally {
      tokens.close();
    }
  }

  @Test
  @DisplayName("no external issuer unless JWT_EXTERNAL_ISSUER is set")
  void off() {
    assertThat(config(Map.of("JWT_SECRET", SECRET)).externalTokens()).isNull();
  }

  @Test
  @DisplayName("defaults: user claim sub, refresh 300 s, retry 30 s, timeout 5000 ms, 1 MiB, leeway 30 s, RSA 2048 bits")
  void defaults() {
    ExternalTokenConfig external = config(external()).externalTokens();
    assertThat(external.userClaim()).isEqualTo("sub");
    assertThat(external.jwksRefreshSeconds()).isEqualTo(300);
    assertThat(external.jwksRetrySeconds()).isEqualTo(30);
    assertThat(external.jwksTimeoutMs()).isEqualTo(5000);
    assertThat(external.jwksMaxBytes()).isEqualTo(1024 * 1024);
    assertThat(external.leewaySeconds()).isEqualTo(30);
    assertThat(external.rsaMinBits()).isEqualTo(2048);
  }

  @Test
  @DisplayName("refuses external settings without JWT_EXTERNAL_ISSUER")
  void issuerRequired() {
    invalid(external("JWT_EXTERNAL_ISSUER", null), "JWT_EXTERNAL_ISSUER must be set");
  }

  @Test
  @DisplayName("refuses an external issuer without JWT_EXTERNAL_AUDIENCE")
  void audienceRequired() {
    invalid(external("JWT_EXTERNAL_AUDIENCE", null), "JWT_EXTERNAL_AUDIENCE must be set");
  }

  @Test
  @DisplayName("refuses an external issuer without keys (no PEM file, no JWKS URL)")
  void keysRequired() {
    invalid(external("JWT_EXTERNAL_PUBLIC_KEY_FILES", " , "), "JWT_EXTERNAL_PUBLIC_KEY_FILES or JWT_EXTERNAL_JWKS_URL must be set");
  }

  @Test
  @DisplayName("refuses a JWKS URL that is not absolute http(s), without repeating it")
  void jwksUrl() {
    invalid(external("JWT_EXTERNAL_JWKS_URL", "file:///etc/jwks.json"), "must be an absolute http or https URL");
    assertThatThrownBy(() -> config(external("JWT_EXTERNAL_JWKS_URL", "https://idp example/?secret=s3cr3t")))
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  @DisplayName("refuses limits out of range, naming the setting")
  void limits() {
    invalid(external("JWT_EXTERNAL_JWKS_REFRESH_SECONDS", "5"), "JWT_EXTERNAL_JWKS_REFRESH_SECONDS must be 10-86400");
    invalid(external("JWT_EXTERNAL_JWKS_RETRY_SECONDS", "600"), "JWT_EXTERNAL_JWKS_RETRY_SECONDS must be 1-300");
    invalid(external("JWT_EXTERNAL_JWKS_TIMEOUT_MS", "0"), "JWT_EXTERNAL_JWKS_TIMEOUT_MS must be 100-60000");
    invalid(external("JWT_EXTERNAL_JWKS_MAX_BYTES", "10"), "JWT_EXTERNAL_JWKS_MAX_BYTES must be 1024-16777216");
    invalid(external("JWT_EXTERNAL_LEEWAY_SECONDS", "3600"), "JWT_EXTERNAL_LEEWAY_SECONDS must be 0-300");
    invalid(external("JWT_EXTERNAL_RSA_MIN_BITS", "1024"), "JWT_EXTERNAL_RSA_MIN_BITS must be 2048-16384");
  }

  @Test
  @DisplayName("shows neither the JWT secret nor the JWKS URL's query string when printed")
  void printable() {
    String printed = config(external("JWT_EXTERNAL_JWKS_URL", "https://idp.example.com/certs?api_key=s3cr3t")).toString();
    assertThat(printed).doesNotContain(SECRET).doesNotContain("s3cr3t").contains("jwksUrl=https://idp.example.com/certs,");
    String withUser = config(external("JWT_EXTERNAL_JWKS_URL", "https://svc:pa55word@idp.example.com:8443/realms/a%20b/certs?k=s3cr3t")).toString();
    assertThat(withUser).doesNotContain("pa55word").doesNotContain("s3cr3t").contains("jwksUrl=https://idp.example.com:8443/realms/a%20b/certs,");
  }

  @Test
  @DisplayName("fails the start on a PEM file that does not exist, naming it")
  void missingFile(Vertx vertx) {
    String path = dir.resolve("missing.pem").toString();
    assertThat(startFailure(vertx, external("JWT_EXTERNAL_PUBLIC_KEY_FILES", path))).contains("cannot read JWT_EXTERNAL_PUBLIC_KEY_FILES entry " + path);
  }

  @Test
  @DisplayName("fails the start on a PEM file declared ES256 that holds an RSA key")
  void declaredAlgorithmMismatch(Vertx vertx) {
    assertThat(startFailure(vertx, external("JWT_EXTERNAL_PUBLIC_KEY_FILES", "ES256:" + rsaPem)))
        .contains("is declared ES256 but holds a key for RS256");
  }

  @Test
  @DisplayName("fails the start on an EC key not on P-256")
  void otherCurve(Vertx vertx) {
    Path pem = Jwts.writePem(dir, "p384.pem", Jwts.pem(Jwts.ec("secp384r1").getPublic()));
    assertThat(startFailure(vertx, external("JWT_EXTERNAL_PUBLIC_KEY_FILES", pem.toString()))).contains("not on P-256");
  }

  @Test
  @DisplayName("fails the start on an RSA key shorter than JWT_EXTERNAL_RSA_MIN_BITS")
  void shortRsa(Vertx vertx) {
    Path pem = Jwts.writePem(dir, "rsa1024.pem", Jwts.pem(Jwts.rsa(1024).getPublic()));
    assertThat(startFailure(vertx, external("JWT_EXTERNAL_PUBLIC_KEY_FILES", pem.toString()))).contains("RSA key of 1024 bits; at least 2048");
  }

  @Test
  @DisplayName("fails the start on a private key, without quoting it")
  void privateKey(Vertx vertx) {
    String encoded = Base64.getMimeEncoder().encodeToString(rsa.getPrivate().getEncoded());
    Path pem = Jwts.writePem(dir, "private.pem", "-----BEGIN PRIVATE KEY-----\n" + encoded + "\n-----END PRIVATE KEY-----\n");
    String failure = startFailure(vertx, external("JWT_EXTERNAL_PUBLIC_KEY_FILES", pem.toString()));
    assertThat(failure).contains("holds a private key").doesNotContain(encoded.substring(0, 40));
  }

  @Test
  @DisplayName("fails the start on a file with no PEM block")
  void notPem(Vertx vertx) {
    Path pem = Jwts.writePem(dir, "empty.pem", "not a key\n");
    assertThat(startFailure(vertx, external("JWT_EXTERNAL_PUBLIC_KEY_FILES", pem.toString()))).contains("holds no PEM block");
  }

  @Test
  @DisplayName("takes the public key of a CERTIFICATE PEM and pins it by its type (EC P-256: ES256)")
  void certificate() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/keys/idp-ec-certificate.pem")) {
      String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(PinnedKeys.fromPem(pem, null, 2048, "idp-ec-certificate.pem").algorithm()).isEqualTo("ES256");
      assertThatThrownBy(() -> PinnedKeys.fromPem(pem, "RS256", 2048, "idp-ec-certificate.pem"))
          .hasMessageContaining("is declared RS256 but holds a key for ES256");
    }
  }
}

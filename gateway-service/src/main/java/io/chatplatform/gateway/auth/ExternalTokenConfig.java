package io.chatplatform.gateway.auth;

import io.chatplatform.runtime.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;

/**
 * Settings of the external identity provider whose RS256/ES256 tokens the gateway accepts besides
 * its own HS256 ones; each is named after its environment variable. Absent (null in
 * {@link io.chatplatform.gateway.GatewayConfig}) unless {@code JWT_EXTERNAL_ISSUER} is set.
 *
 * @param issuer required {@code iss} of external tokens ({@code JWT_EXTERNAL_ISSUER})
 * @param audience value {@code aud} must hold ({@code JWT_EXTERNAL_AUDIENCE})
 * @param publicKeyFiles PEM files, each {@code [RS256:|ES256:]path} ({@code JWT_EXTERNAL_PUBLIC_KEY_FILES})
 * @param jwksUrl where the JSON Web Key Set is fetched, or null ({@code JWT_EXTERNAL_JWKS_URL})
 * @param jwksRefreshSeconds interval between JWKS fetches ({@code JWT_EXTERNAL_JWKS_REFRESH_SECONDS})
 * @param jwksRetrySeconds interval after a failed fetch ({@code JWT_EXTERNAL_JWKS_RETRY_SECONDS})
 * @param jwksTimeoutMs longest a JWKS fetch may take ({@code JWT_EXTERNAL_JWKS_TIMEOUT_MS})
 * @param jwksMaxBytes largest JWKS document accepted ({@code JWT_EXTERNAL_JWKS_MAX_BYTES})
 * @param userClaim claim holding the platform user id ({@code JWT_EXTERNAL_USER_CLAIM})
 * @param leewaySeconds clock skew allowed on {@code exp}, {@code nbf}, {@code iat} ({@code JWT_EXTERNAL_LEEWAY_SECONDS})
 * @param rsaMinBits smallest RSA modulus accepted ({@code JWT_EXTERNAL_RSA_MIN_BITS})
 */
public record ExternalTokenConfig(
    String issuer,
    String audience,
    List<String> publicKeyFiles,
    String jwksUrl,
    int jwksRefreshSeconds,
    int jwksRetrySeconds,
    long jwksTimeoutMs,
    int jwksMaxBytes,
    String userClaim,
    int leewaySeconds,
    int rsaMinBits) {

  static final String ISSUER = "JWT_EXTERNAL_ISSUER";
  static final String AUDIENCE = "JWT_EXTERNAL_AUDIENCE";
  static final String PUBLIC_KEY_FILES = "JWT_EXTERNAL_PUBLIC_KEY_FILES";
  static final String JWKS_URL = "JWT_EXTERNAL_JWKS_URL";

  public ExternalTokenConfig {
    publicKeyFiles = List.copyOf(publicKeyFiles);
  }

  /** The external issuer's settings, or null when {@code JWT_EXTERNAL_ISSUER} is unset. */
  public static ExternalTokenConfig from(Settings settings, String ownIssuer) {
    String issuer = settings.optional(ISSUER);
    String audience = settings.optional(AUDIENCE);
    String files = settings.optional(PUBLIC_KEY_FILES);
    String jwksUrl = settings.optional(JWKS_URL);
    if (issuer == null) {
      if (audience != null || files != null || jwksUrl != null) {
        throw new IllegalArgumentException(
            ISSUER + " must be set when " + AUDIENCE + ", " + PUBLIC_KEY_FILES + " or " + JWKS_URL + " is");
      }
      return null;
    }
    if (issuer.equals(ownIssuer)) {
      throw new IllegalArgumentException(ISSUER + " must differ from JWT_ISSUER: each issuer has its own keys");
    }
    if (audience == null) {
      throw new IllegalArgumentException(AUDIENCE + " must be set when " + ISSUER + " is");
    }
    List<String> keyFiles =
        files == null ? List.of() : Arrays.stream(files.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (keyFiles.isEmpty() && jwksUrl == null) {
      throw new IllegalArgumentException(PUBLIC_KEY_FILES + " or " + JWKS_URL + " must be set when " + ISSUER + " is");
    }
    if (jwksUrl != null) {
      checkUrl(jwksUrl);
    }
    int refresh = bounded(settings, "JWT_EXTERNAL_JWKS_REFRESH_SECONDS", 300, 10, 86_400);
    int retry = bounded(settings, "JWT_EXTERNAL_JWKS_RETRY_SECONDS", 30, 1, refresh);
    int timeout = bounded(settings, "JWT_EXTERNAL_JWKS_TIMEOUT_MS", 5_000, 100, 60_000);
    int maxBytes = bounded(settings, "JWT_EXTERNAL_JWKS_MAX_BYTES", 1024 * 1024, 1024, 16 * 1024 * 1024);
    int leeway = bounded(settings, "JWT_EXTERNAL_LEEWAY_SECONDS", 30, 0, 300);
    int rsaMinBits = bounded(settings, "JWT_EXTERNAL_RSA_MIN_BITS", 2048, 2048, 16_384);
    return new ExternalTokenConfig(
        issuer,
        audience,
        keyFiles,
        jwksUrl,
        refresh,
        retry,
        timeout,
        maxBytes,
        settings.string("JWT_EXTERNAL_USER_CLAIM", "sub"),
        leeway,
        rsaMinBits);
  }

  /** Shows the JWKS URL without user info or query string, which may carry credentials. */
  @Override
  public String toString() {
    return "ExternalTokenConfig[issuer=" + issuer + ", audience=" + audience + ", publicKeyFiles=" + publicKeyFiles
        + ", jwksUrl=" + (jwksUrl == null ? null : jwksUrlForLogs()) + ", jwksRefreshSeconds=" + jwksRefreshSeconds
        + ", jwksRetrySeconds=" + jwksRetrySeconds + ", jwksTimeoutMs=" + jwksTimeoutMs + ", jwksMaxBytes=" + jwksMaxBytes
        + ", userClaim=" + userClaim + ", leewaySeconds=" + leewaySeconds + ", rsaMinBits=" + rsaMinBits + "]";
  }

  /** The JWKS URL without user info and query string: the only form of it that may be logged. */
  String jwksUrlForLogs() {
    return redact(jwksUrl);
  }

  static String redact(String url) {
    try {
      URI uri = new URI(url);
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + path;
    } catch (URISyntaxException | RuntimeException e) {
      return "(unparsable URL)";
    }
  }

  private static void checkUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(JWKS_URL + " is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
      throw new IllegalArgumentException(JWKS_URL + " must be an absolute http or https URL");
    }
  }

  private static int bounded(Settings settings, String name, int defaultValue, int min, int max) {
    int value = settings.integer(name, defaultValue);
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be " + min + "-" + max);
    }
    return value;
  }
}

package io.chatplatform.gateway.auth;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The check of the platform's own access tokens (HS256 with {@code JWT_SECRET}): the signature
 * over the first two parts, then {@code iss}, {@code exp}, {@code nbf} and {@code iat}, as
 * vertx-auth-jwt checks them with no leeway. Done here rather than by vertx-auth-jwt because that
 * reads both header and claims into JSON through Jackson's data binding on every call, and a
 * connect storm (every client back at once after a restart) verifies thousands of tokens a
 * second: the JSON reading was most of the token check's cost (docs/benchmarks.md, "Connect
 * storm"). Here the claims are read once, with the streaming parser, after the signature matched.
 *
 * <p>Usable from any thread: its one {@link Mac} is used under its lock (a microsecond, uncontended
 * on one event loop), should a {@link Tokens} ever be shared between event loops.
 */
final class OwnTokenCheck {
  private static final String HMAC = "HmacSHA256";
  /**
   * Jackson's streaming parser, as Vert.x uses it without jackson-databind: {@code new
   * JsonObject(buffer)} goes through data binding when databind is on the class path (it is, for
   * other libraries), and that was three quarters of the cost of reading a token's claims.
   */
  private static final JacksonCodec STREAMING = new JacksonCodec();

  private final String issuer;
  private final Mac mac;

  OwnTokenCheck(String secret, String issuer) {
    this.issuer = issuer;
    try {
      mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  /**
   * The claims of {@code header.claims.signature} when the signature is JWT_SECRET's and the
   * claims are this issuer's and current at {@code nowSeconds}; else why not. The header is the
   * caller's to have checked (HS256, no {@code crit}).
   */
  Result check(String header, String claims, String signature, long nowSeconds) {
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      return Result.refused("the signature is not base64url");
    }
    byte[] expected;
    synchronized (mac) {
      expected = mac.doFinal((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
    }
    if (!MessageDigest.isEqual(expected, given)) {
      return Result.refused("own token: signature check failed");
    }
    Object parsed;
    try {
      parsed = STREAMING.fromBuffer(Buffer.buffer(Base64.getUrlDecoder().decode(claims)), Object.class);
    } catch (RuntimeException e) {
      parsed = null;
    }
    if (!(parsed instanceof JsonObject payload)) {
      return Result.refused("own token: the claims are not a base64url JSON object");
    }
    if (!issuer.equals(payload.getValue("iss"))) {
      return Result.refused("own token: another issuer");
    }
    if (!(payload.getValue("exp") instanceof Number exp) || nowSeconds >= exp.longValue()) {
      return Result.refused("own token: expired or without exp");
    }
    if (!reached(payload, "nbf", nowSeconds)) {
      return Result.refused("own token: not valid yet (nbf), or nbf not a number");
    }
    if (!reached(payload, "iat", nowSeconds)) {
      return Result.refused("own token: issued in the future (iat), or iat not a number");
    }
    return new Result(payload, null);
  }

  /** Whether the time claim, when present, is a number of seconds not after {@code nowSeconds}. */
  private static boolean reached(JsonObject payload, String claim, long nowSeconds) {
    Object value = payload.getValue(claim);
    return value == null || value instanceof Number seconds && seconds.longValue() <= nowSeconds;
  }

  /** The verified claims, or (claims null) the reason for a refusal, for the DEBUG log only. */
  record Result(JsonObject claims, String refusal) {
    static Result refused(String reason) {
      return new Result(null, reason);
    }
  }
}

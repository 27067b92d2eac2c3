package io.chatplatform.gateway.auth;

import io.chatplatform.contracts.ServiceException;
import io.chatplatform.gateway.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access tokens and socket tickets.
 *
 * <p>Two kinds of access token are accepted, told apart by {@code iss} and each checked only
 * against its own keys and algorithms:
 * <ul>
 *   <li>the platform's own ({@code iss} = {@code JWT_ISSUER}): HS256 with {@code JWT_SECRET}, and
 *       nothing else. This is the only kind the gateway issues.
 *   <li>an external identity provider's ({@code iss} = {@code JWT_EXTERNAL_ISSUER}, when set):
 *       RS256 or ES256, each with the keys pinned to that algorithm (see {@link ExternalIssuer}),
 *       with {@code aud} = {@code JWT_EXTERNAL_AUDIENCE}. The claim {@code JWT_EXTERNAL_USER_CLAIM}
 *       is the platform user id.
 * </ul>
 * Any other token is refused: another issuer, an algorithm the issuer is not pinned to ({@code
 * none}, HS256 for the external issuer, RS256 for our own), a bad signature, a wrong {@code aud},
 * an expired one. Refusals are logged at DEBUG with a reason, never with the token or its claims.
 *
 * <p>A ticket is a random single-use secret for opening a socket from a browser, where a URL is
 * all a WebSocket can carry. Tickets live in a cluster-wide map with a TTL, and are consumed with
 * an atomic remove, so each works once on whichever gateway node it reaches. The map holds
 * neither the ticket nor anything a cluster member could forge: the key is an HMAC of the
 * ticket and the value carries an HMAC of key and content, both keyed with {@code JWT_SECRET}.
 * Someone who reads cluster traffic cannot redeem what they see, and someone who can write to
 * the map cannot make a ticket the gateway accepts.
 */
public final class Tokens {
  private static final Logger LOG = LoggerFactory.getLogger(Tokens.class);
  private static final String ALGORITHM = "HS256";
  private static final String TICKETS = "gateway.tickets";
  private static final int TICKET_BYTES = 32;
  /** The form of a platform user id; an external token's user claim must have it. */
  static final Pattern USER_ID = Pattern.compile("u_[0-9a-f]{32}");
  private static final String REFUSED = "invalid or expired access token";

  private final Vertx vertx;
  private final GatewayConfig config;
  private final JWTAuth jwt;
  private final ExternalIssuer external;
  private final SecureRandom random = new SecureRandom();

  public Tokens(Vertx vertx, GatewayConfig config) {
    this.vertx = vertx;
    this.config = config;
    JWTOptions verify = new JWTOptions().setIssuer(config.jwtIssuer());
    this.jwt =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .setJWTOptions(verify)
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(config.jwtSecret())));
    this.external = config.externalTokens() == null ? null : new ExternalIssuer(vertx, config.externalTokens());
  }

  /**
   * Loads the external issuer's keys, if one is configured: fails on an unusable PEM file, not on
   * an unreachable JWKS (see {@link ExternalIssuer#start()}).
   */
  public Future<Void> start() {
    return external == null ? Future.succeededFuture() : external.start();
  }

  /** Stops refreshing the external issuer's keys. */
  public void close() {
    if (external != null) {
      external.close();
    }
  }

  /** Fetches the external issuer's JWKS now (tests; the gateway refreshes it on its own). */
  Future<Integer> refreshExternalKeys() {
    return external == null ? Future.failedFuture("no external issuer") : external.refresh();
  }

  /**
   * A signed access token for {@code user} ({@code {userId, username, roles}}). Its {@code jti}
   * (16 random bytes) makes every token unique: two issued for one user in the same second
   * (a login and another tab's refresh) are still two tokens.
   */
  public String issue(JsonObject user) {
    byte[] id = new byte[16];
    random.nextBytes(id);
    JsonObject claims =
        new JsonObject()
            .put("jti", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(id))
            .put("sub", user.getString("userId"))
            .put("username", user.getString("username"))
            .put("roles", user.getJsonArray("roles", new JsonArray()));
    return jwt.generateToken(
        claims,
        new JWTOptions()
            .setAlgorithm(ALGORITHM)
            .setIssuer(config.jwtIssuer())
            .setExpiresInSeconds(config.accessTokenTtlSeconds()));
  }

  /** The caller of a valid, unexpired access token; {@code unauthorized} otherwise. */
  public Future<Caller> verify(String token) {
    if (token == null || token.isEmpty()) {
      return Future.failedFuture(ServiceException.unauthorized("an access token is required"));
    }
    JsonObject header;
    JsonObject claims;
    try {
      String[] parts = token.split("\\.", -1);
      if (parts.length != 3 || parts[2].isEmpty()) {
        return refused("not a signed JWT (three parts, the last a signature)");
      }
      header = json(parts[0]);
      claims = json(parts[1]);
    } catch (RuntimeException e) {
      return refused("header or claims are not base64url JSON objects");
    }
    if (!(header.getValue("alg") instanceof String alg)) {
      return refused("no alg");
    }
    if (header.containsKey("crit")) {
      return refused("crit header: no JWS extension is supported");
    }
    Object issuer = claims.getValue("iss");
    if (config.jwtIssuer().equals(issuer)) {
      if (!ALGORITHM.equals(alg)) {
        return refused("the platform's own tokens are HS256 only");
      }
      return authenticate(jwt, token)
          .transform(
              result ->
                  result.succeeded()
                      ? ownCaller(result.result().attributes().getJsonObject("accessToken", new JsonObject()))
                      : refused("own token: signature, issuer or lifetime check failed"));
    }
    if (external != null && external.issuer().equals(issuer)) {
      if (!PinnedKeys.ALGORITHMS.contains(alg)) {
        return refused("external tokens are RS256 or ES256 only");
      }
      return external.verify(token, alg)
          .transform(result -> result.succeeded() ? externalCaller(result.result()) : refused("external token: " + result.cause().getMessage()));
    }
    return refused("unknown issuer");
  }

  private static Future<Caller> ownCaller(JsonObject claims) {
    if (!(claims.getValue("sub") instanceof String userId) || !(claims.getValue("exp") instanceof Number exp)) {
      return refused("own token without sub or exp");
    }
    Object roles = claims.getValue("roles");
    return Future.succeededFuture(
        new Caller(
            userId,
            claims.getValue("username") instanceof String username ? username : null,
            roles instanceof JsonArray list ? list : new JsonArray(),
            exp.longValue() * 1000));
  }

  /**
   * The caller of an external token: its user claim is taken as the platform user id as it is (no
   * look-up, no mapping), so it must have the form of one. Roles are never taken from outside.
   */
  private Future<Caller> externalCaller(JsonObject claims) {
    if (!(claims.getValue(external.userClaim()) instanceof String userId) || !USER_ID.matcher(userId).matches()) {
      return refused("external token: the user claim is missing or not a platform user id");
    }
    if (!(claims.getValue("exp") instanceof Number exp)) {
      return refused("external token without exp");
    }
    return Future.succeededFuture(new Caller(userId, null, new JsonArray(), exp.longValue() * 1000));
  }

  private static <T> Future<T> refused(String reason) {
    LOG.debug("access token refused: {}", reason);
    return Future.failedFuture(ServiceException.unauthorized(REFUSED));
  }

  private static JsonObject json(String part) {
    return new JsonObject(Buffer.buffer(Base64.getUrlDecoder().decode(part)));
  }

  /** A new single-use ticket for {@code caller}. */
  public Future<String> issueTicket(Caller caller) {
    byte[] bytes = new byte[TICKET_BYTES];
    random.nextBytes(bytes);
    String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    JsonObject value =
        new JsonObject()
            .put("userId", caller.userId())
            .put("username", caller.username())
            .put("roles", caller.roles())
            .put("expiresAt", caller.expiresAt());
    // Stored as JSON text: a cluster map then never has to deserialize an object from the network.
    String key = ticketKey(ticket);
    String content = value.encode();
    String stored = content + "\n" + hmac(key + "\n" + content);
    return tickets().compose(map -> map.put(key, stored, config.ticketTtlSeconds() * 1000L)).map(x -> ticket);
  }

  /** The caller a ticket was issued to; the ticket is gone afterwards, whatever the outcome. */
  public Future<Caller> redeemTicket(String ticket) {
    if (ticket == null || ticket.isEmpty() || ticket.length() > 128) {
      return Future.failedFuture(ServiceException.unauthorized("invalid ticket"));
    }
    String key = ticketKey(ticket);
    return tickets()
        .compose(map -> map.remove(key))
        .compose(
            stored -> {
              JsonObject value = verifiedTicket(key, stored);
              if (value == null || value.getLong("expiresAt") <= System.currentTimeMillis()) {
                return Future.failedFuture(ServiceException.unauthorized("invalid, used or expired ticket"));
              }
              return Future.succeededFuture(
                  new Caller(value.getString("userId"), value.getString("username"), value.getJsonArray("roles"), value.getLong("expiresAt")));
            });
  }

  public int ticketTtlSeconds() {
    return config.ticketTtlSeconds();
  }

  public int accessTokenTtlSeconds() {
    return config.accessTokenTtlSeconds();
  }

  /** The map's key for a ticket: an HMAC of it, so the map never holds a redeemable ticket. */
  private String ticketKey(String ticket) {
    return hmac("ticket\n" + ticket);
  }

  /** The stored ticket's content, or null when it is missing or was not written by a gateway. */
  private JsonObject verifiedTicket(String key, String stored) {
    if (stored == null) {
      return null;
    }
    int cut = stored.lastIndexOf('\n');
    if (cut < 0) {
      return null;
    }
    String content = stored.substring(0, cut);
    byte[] expected = hmac(key + "\n" + content).getBytes(StandardCharsets.US_ASCII);
    byte[] actual = stored.substring(cut + 1).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, actual)) {
      LOG.warn("a ticket in the cluster map failed its integrity check: refused");
      return null;
    }
    try {
      return new JsonObject(content);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private String hmac(String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(config.jwtSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  private Future<AsyncMap<String, String>> tickets() {
    return vertx.sharedData().getAsyncMap(TICKETS);
  }

  /**
   * vertx-auth-jwt's check of a token, as a future that fails whatever goes wrong: it throws
   * (instead of failing) on some claims of a token whose signature is right, e.g. a string
   * {@code nbf} reaches a {@code ClassCastException} in {@code User.expired}.
   */
  static Future<User> authenticate(AuthenticationProvider verifier, String token) {
    try {
      return verifier.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}

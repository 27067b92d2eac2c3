package io.chatplatform.gateway;

import io.chatplatform.contracts.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Access tokens (JWT HS256, pinned: a token signed any other way is refused) and socket tickets.
 *
 * <p>A ticket is a random single-use secret for opening a socket from a browser, where a URL is
 * all a WebSocket can carry. Tickets live in a cluster-wide map with a TTL, and are consumed with
 * an atomic remove, so each works once on whichever gateway node it reaches.
 */
public final class Tokens {
  private static final String ALGORITHM = "HS256";
  private static final String TICKETS = "gateway.tickets";
  private static final int TICKET_BYTES = 32;

  private final Vertx vertx;
  private final GatewayConfig config;
  private final JWTAuth jwt;
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
  }

  /** A signed access token for {@code user} ({@code {userId, username, roles}}). */
  public String issue(JsonObject user) {
    JsonObject claims =
        new JsonObject()
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
    return jwt.authenticate(new TokenCredentials(token))
        .transform(
            result -> {
              if (result.failed()) {
                return Future.failedFuture(ServiceException.unauthorized("invalid or expired access token"));
              }
              JsonObject claims = result.result().attributes().getJsonObject("accessToken", new JsonObject());
              String userId = claims.getString("sub");
              Long exp = claims.getLong("exp");
              if (userId == null || exp == null) {
                return Future.failedFuture(ServiceException.unauthorized("invalid access token"));
              }
              return Future.succeededFuture(
                  new Caller(userId, claims.getString("username"), claims.getJsonArray("roles", new JsonArray()), exp * 1000));
            });
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
    return tickets().compose(map -> map.put(ticket, value.encode(), config.ticketTtlSeconds() * 1000L)).map(x -> ticket);
  }

  /** The caller a ticket was issued to; the ticket is gone afterwards, whatever the outcome. */
  public Future<Caller> redeemTicket(String ticket) {
    if (ticket == null || ticket.isEmpty() || ticket.length() > 128) {
      return Future.failedFuture(ServiceException.unauthorized("invalid ticket"));
    }
    return tickets()
        .compose(map -> map.remove(ticket))
        .compose(
            text -> {
              JsonObject value = text == null ? null : new JsonObject(text);
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

  private Future<AsyncMap<String, String>> tickets() {
    return vertx.sharedData().getAsyncMap(TICKETS);
  }
}

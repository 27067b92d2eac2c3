package io.chatplatform.gateway.rest;

import io.chatplatform.contracts.Ack;
import io.chatplatform.gateway.web.MalformedRequests;
import io.chatplatform.contracts.Endpoint;
import io.chatplatform.contracts.chat.ChatApi;
import io.chatplatform.contracts.notification.NotificationApi;
import io.chatplatform.contracts.presence.PresenceApi;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.gateway.GatewayConfig;
import io.chatplatform.gateway.GatewayMetrics;
import io.chatplatform.gateway.Guards;
import io.chatplatform.runtime.ServiceClient;
import io.chatplatform.gateway.auth.Caller;
import io.chatplatform.gateway.auth.DisabledAccounts;
import io.chatplatform.gateway.auth.RefreshSecrets;
import io.chatplatform.gateway.auth.Tokens;
import io.chatplatform.gateway.files.FileLinks;
import io.chatplatform.gateway.files.FileRoutes;
import io.chatplatform.gateway.ratelimit.RateLimited;
import io.chatplatform.gateway.ratelimit.RateLimiter;
import io.chatplatform.gateway.validation.RequestSchemas;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Locale;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * REST {@code /api/v1} (protocol v1, section 1). Each route turns the request into a service
 * request whose {@code callerId} is the token's user, never anything the client wrote; one error
 * handler turns every failure into {@code {"error":{"code","message"}}}.
 */
public final class RestApi {
  private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);
  private static final String CALLER = "caller";

  private final Vertx vertx;
  private final GatewayConfig config;
  private final Tokens tokens;
  private final ServiceClient services;
  private final RateLimiter limiter;
  private final RequestSchemas schemas;
  private final DisabledAccounts disabledAccounts;
  private final RefreshSecrets refreshSecrets = new RefreshSecrets();
  private final FileLinks fileLinks;
  private final FileRoutes files;
  private final GatewayMetrics metrics;

  public RestApi(Vertx vertx, GatewayConfig config, Tokens tokens, ServiceClient services, Guards guards, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.config = config;
    this.tokens = tokens;
    this.services = services;
    this.limiter = guards.limiter();
    this.schemas = guards.schemas();
    this.disabledAccounts = guards.disabledAccounts();
    this.fileLinks = new FileLinks(config.jwtSecret(), config.files().linkTtlSeconds(), System::currentTimeMillis);
    this.files = new FileRoutes(vertx, config.files(), services, fileLinks, RestApi::caller);
  }

  /** Closes the file routes' connections to history-service. */
  public Future<Void> close() {
    return files.close();
  }

  public Router router() {
    Router api = Router.router(vertx);
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
    api.route().handler(ctx -> {
      if (FileRoutes.isUpload(ctx.request())) {
        // Streamed by FileRoutes, never buffered: paused until it is read, so no byte is lost meanwhile.
        ctx.request().pause();
        ctx.next();
      } else {
        bodies.handle(ctx);
      }
    });

    api.post("/auth/*").handler(this::limitAuthPerIp);
    api.post("/auth/register").handler(ctx -> reply(ctx, 201, services.forward(ChatApi.USER_REGISTER, body(ctx, "auth.register"))));
    api.post("/auth/login").handler(this::login);
    // Refresh and logout need no access token (it may have expired): the refresh token is the credential.
    api.post("/auth/refresh").handler(this::refresh);
    api.post("/auth/logout").handler(this::logout);

    api.route().handler(this::authenticate);
    api.route().handler(this::limitWrites);
    api.post("/auth/ticket").handler(this::ticket);
    api.get("/me").handler(ctx -> reply(ctx, 200, services.request(ChatApi.USER_GET, new ChatApi.UserRef(caller(ctx).userId()))));
    api.get("/users").handler(ctx -> forward(ctx, ChatApi.USER_SEARCH, 200, c -> new JsonObject().put("query", c.request().getParam("query", ""))));
    api.post("/rooms/direct").handler(ctx -> forward(ctx, ChatApi.ROOM_DIRECT, 200, c -> body(c, "rooms.direct")));
    api.post("/rooms").handler(ctx -> forward(ctx, ChatApi.ROOM_CREATE, 201, c -> body(c, "rooms.create")));
    api.get("/rooms").handler(ctx -> forward(ctx, ChatApi.ROOM_LIST, 200, c -> queryParams(c, "limit", "after")));
    api.get("/rooms/:roomId").handler(ctx -> forward(ctx, ChatApi.ROOM_GET, 200, c -> new JsonObject()));
    api.patch("/rooms/:roomId").handler(ctx -> forward(ctx, ChatApi.ROOM_RENAME, 200, c -> body(c, "rooms.rename")));
    api.post("/rooms/:roomId/members").handler(ctx -> forward(ctx, ChatApi.ROOM_MEMBER_ADD, 204, c -> body(c, "rooms.members.add")));
    api.put("/rooms/:roomId/members/:userId/role").handler(ctx -> forward(ctx, ChatApi.ROOM_ROLE_SET, 200, c -> body(c, "rooms.members.role")));
    api.post("/rooms/:roomId/moderation").handler(ctx -> forward(ctx, ChatApi.ROOM_MODERATE, 200, c -> body(c, "rooms.moderation")));
    api.delete("/rooms/:roomId/members/:userId").handler(ctx -> forward(ctx, ChatApi.ROOM_MEMBER_REMOVE, 204, c -> new JsonObject()));
    api.get("/rooms/:roomId/messages").handler(ctx -> forward(ctx, ChatApi.MESSAGE_PAGE, 200, RestApi::pageQuery));
    api.post("/rooms/:roomId/messages")
        .handler(ctx -> limit(ctx, config.rateLimits().send(), caller(ctx).userId(), "messages"))
        .handler(ctx -> forward(ctx, ChatApi.MESSAGE_SEND, 201, c -> body(c, "messages.post")));
    api.patch("/rooms/:roomId/messages/:seq")
        .handler(ctx -> limit(ctx, config.rateLimits().send(), caller(ctx).userId(), "messages"))
        .handler(ctx -> forward(ctx, ChatApi.MESSAGE_EDIT, 200, c -> body(c, "messages.edit")));
    api.delete("/rooms/:roomId/messages/:seq")
        .handler(ctx -> limit(ctx, config.rateLimits().send(), caller(ctx).userId(), "messages"))
        .handler(ctx -> forward(ctx, ChatApi.MESSAGE_DELETE, 200, c -> new JsonObject()));
    api.put("/rooms/:roomId/messages/:seq/reactions")
        .handler(ctx -> limit(ctx, config.rateLimits().send(), caller(ctx).userId(), "messages"))
        .handler(ctx -> forward(ctx, ChatApi.MESSAGE_REACT, 200, c -> body(c, "messages.react")));
    api.get("/search")
        .handler(ctx -> limit(ctx, config.rateLimits().search(), caller(ctx).userId(), "searches"))
        .handler(ctx -> forward(ctx, ChatApi.MESSAGE_SEARCH, 200, c -> queryParams(c, "q", "roomId", "before", "limit")));
    api.get("/rooms/:roomId/receipts").handler(ctx -> forward(ctx, ChatApi.RECEIPT_LIST, 200, c -> new JsonObject()));
    api.put("/admin/users/:userId/disabled").handler(ctx -> forward(ctx, ChatApi.USER_SET_DISABLED, 200, c -> body(c, "admin.users.disabled")));
    api.put("/admin/users/:userId/admin").handler(ctx -> forward(ctx, ChatApi.USER_SET_ADMIN, 200, c -> body(c, "admin.users.admin")));
    api.get("/admin/users").handler(ctx -> forward(ctx, ChatApi.ADMIN_USERS_LIST, 200, c -> queryParams(c, "q", "after", "limit")));
    // The room's owners and admins, as members (docs/roles.md); the admin path below is the admin console's, any room.
    api.delete("/rooms/:roomId").handler(ctx -> forward(ctx, ChatApi.ROOM_DELETE, 204, c -> queryParams(c, "reason")));
    api.delete("/admin/rooms/:roomId").handler(ctx -> forward(ctx, ChatApi.ADMIN_ROOM_DELETE, 204, c -> queryParams(c, "reason")));
    // Read only: no route writes to the audit log, so any other method on it is not_found.
    api.get("/admin/audit").handler(ctx -> forward(ctx, ChatApi.ADMIN_AUDIT_LIST, 200,
        c -> queryParams(c, "actor", "target", "roomId", "action", "from", "to", "before", "limit")));
    api.get("/presence").handler(ctx -> forward(ctx, PresenceApi.QUERY, 200, RestApi::userIdsQuery));
    api.post("/devices").handler(ctx -> forward(ctx, NotificationApi.DEVICE_REGISTER, 201, c -> body(c, "devices.register")));
    api.get("/devices").handler(ctx -> forward(ctx, NotificationApi.DEVICE_LIST, 200, c -> new JsonObject()));
    api.delete("/devices/:deviceId").handler(ctx -> forward(ctx, NotificationApi.DEVICE_DELETE, 204, c -> new JsonObject()));
    api.put("/rooms/:roomId/notifications").handler(ctx -> forward(ctx, NotificationApi.ROOM_MODE_SET, 200, c -> body(c, "rooms.notifications")));
    api.get("/push/webpush-key").handler(ctx -> forward(ctx, NotificationApi.WEBPUSH_KEY, 200, c -> new JsonObject()));
    api.post("/rooms/:roomId/files").handler(files::upload);
    api.get("/files/links").handler(ctx -> reply(ctx, 200, Future.future(p -> p.complete(files.links(ctx)))));
    api.get("/files/:fileId").handler(ctx -> files.download(ctx, false));
    api.get("/files/:fileId/thumbnail").handler(ctx -> files.download(ctx, true));

    api.route().handler(ctx -> ctx.fail(ServiceException.notFound("no such endpoint")));
    api.route().failureHandler(this::failure);
    return api;
  }

  /**
   * Logs in. Failed logins are counted twice: per (username, address), whose bucket, once empty,
   * refuses that address every login of the username before the password is looked at; and per
   * username from anywhere, whose bucket, once empty, only slows every login of the username
   * down. So one address guessing a password locks out only itself, and guesses spread over many
   * addresses are slowed, while the owner's right password from their own address still works.
   * A logged-in user gets a refresh token too, the first of a new family ({@link #session}).
   */
  private void login(RoutingContext ctx) {
    JsonObject credentials = body(ctx, "auth.login");
    String username = credentials.getString("username").trim().toLowerCase(Locale.ROOT);
    String fromAddress = username + "|" + clientAddress(ctx);
    RateLimiter.Limit perAddress = config.rateLimits().loginFailures();
    RateLimiter.Limit perUser = config.rateLimits().loginUserFailures();
    Future<JsonObject> result =
        limiter
            .take(perAddress, fromAddress, 0)
            .compose(open -> open.allowed()
                ? limiter.take(perUser, username, 0)
                : Future.failedFuture(new RateLimited(perAddress.name(), "failed logins for this user from this address", open)))
            .compose(open -> open.allowed()
                ? Future.<Void>succeededFuture()
                : vertx.timer(config.rateLimits().loginSlowdownMs()).<Void>mapEmpty())
            .compose(x -> services.forward(ChatApi.USER_AUTHENTICATE, credentials))
            .onFailure(e -> {
              if (e instanceof ServiceException se && se.code() == ErrorCode.UNAUTHORIZED) {
                Future.all(limiter.take(perAddress, fromAddress, 1), limiter.take(perUser, username, 1))
                    .onFailure(err -> LOG.warn("could not count a failed login: {}", err.getMessage()));
              }
            })
            .compose(user -> {
              RefreshSecrets.Minted first = refreshSecrets.mint();
              return services
                  .request(ChatApi.REFRESH_ISSUE, new ChatApi.RefreshIssue(user.getString("userId"), first.hash()))
                  .map(grant -> session(ctx, grant, first.token()));
            });
    reply(ctx, 200, result);
  }

  /**
   * Exchanges a refresh token (the body's {@code refreshToken}, else the {@code chat_refresh}
   * cookie's) for a new access token and a new refresh token, which replaces the cookie. A
   * refusal (401; 403 for a disabled account) clears the cookie, whose token will never work
   * again; a failure to reach chat-service leaves it, as the same token may be tried again.
   */
  private void refresh(RoutingContext ctx) {
    String presented = presentedRefreshToken(ctx, "auth.refresh");
    Future<JsonObject> result;
    if (RefreshSecrets.wellFormed(presented)) {
      RefreshSecrets.Minted next = refreshSecrets.mint();
      result = services
          .request(ChatApi.REFRESH_ROTATE, new ChatApi.RefreshRotate(RefreshSecrets.hash(presented), next.hash()))
          .map(grant -> session(ctx, grant, next.token()));
    } else {
      result = Future.failedFuture(ServiceException.unauthorized(presented == null ? "a refresh token is required" : "invalid or expired refresh token"));
    }
    reply(ctx, 200, result.onFailure(e -> {
      ErrorCode code = ServiceException.from(e).code();
      if (code == ErrorCode.UNAUTHORIZED || code == ErrorCode.FORBIDDEN) {
        RefreshCookie.clear(ctx.response());
      }
    }));
  }

  /**
   * Revokes the family of the refresh token (body or cookie) and clears the cookie; 204 also with
   * no token or an unknown one. The access tokens already issued stay valid until they expire.
   */
  private void logout(RoutingContext ctx) {
    String presented = presentedRefreshToken(ctx, "auth.logout");
    Future<Ack> revoked = RefreshSecrets.wellFormed(presented)
        ? services.request(ChatApi.REFRESH_REVOKE, new ChatApi.RefreshRevoke(RefreshSecrets.hash(presented)))
        : Future.succeededFuture(Ack.DONE);
    reply(ctx, 204, revoked.map(x -> {
      RefreshCookie.clear(ctx.response());
      return new JsonObject();
    }));
  }

  /** The refresh token of the body or, when the body has none, of the cookie; null when neither has one. */
  private String presentedRefreshToken(RoutingContext ctx, String operation) {
    String fromBody = body(ctx, operation).getString("refreshToken");
    return fromBody != null ? fromBody : RefreshCookie.read(ctx.request());
  }

  /**
   * The answer of a login or a refresh: an access token for the granted account, and the new
   * refresh token, in the body (for clients that are not browsers) and in the cookie.
   */
  private JsonObject session(RoutingContext ctx, ChatApi.RefreshGrant grant, String refreshToken) {
    JsonObject user = new JsonObject()
        .put("userId", grant.userId())
        .put("username", grant.username())
        .put("roles", new JsonArray(grant.roles()));
    RefreshCookie.set(ctx.response(), refreshToken, grant.expiresIn());
    return new JsonObject()
        .put("accessToken", tokens.issue(user))
        .put("tokenType", "Bearer")
        .put("expiresIn", tokens.accessTokenTtlSeconds())
        .put("userId", grant.userId())
        .put("refreshToken", refreshToken)
        .put("refreshExpiresIn", grant.expiresIn());
  }

  private void ticket(RoutingContext ctx) {
    reply(ctx, 200, tokens.issueTicket(caller(ctx)).map(t -> new JsonObject().put("ticket", t).put("expiresIn", tokens.ticketTtlSeconds())));
  }

  /**
   * Every {@code POST /auth/*} per client address (registrations, logins, refreshes, logouts,
   * tickets), against password guessing and sign-up floods.
   */
  private void limitAuthPerIp(RoutingContext ctx) {
    limit(ctx, config.rateLimits().authPerIp(), clientAddress(ctx), "sign-ins from this address");
  }

  /** The client's address: the peer's, or behind a trusted proxy the one it forwarded. */
  private String clientAddress(RoutingContext ctx) {
    return config.edge().clientAddresses().of(ctx.request());
  }

  /** Writes (POST, PUT, PATCH, DELETE) per user. */
  private void limitWrites(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS) {
      ctx.next();
      return;
    }
    limit(ctx, config.rateLimits().restWrites(), caller(ctx).userId(), "writes");
  }

  /** Goes on to the next handler when {@code key}'s bucket has a token; fails with 429 otherwise. */
  private void limit(RoutingContext ctx, RateLimiter.Limit limit, String key, String what) {
    RateLimited.admit(limiter, limit, key, what).onSuccess(x -> ctx.next()).onFailure(ctx::fail);
  }

  /**
   * The access token of the {@code Authorization} header; or, without that header, a signed file
   * link, which stands for its user on its file's paths only ({@link FileLinks}).
   */
  private void authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    Future<Caller> verified;
    if (header == null && ctx.request().getParam("s") != null) {
      HttpServerRequest request = ctx.request();
      String userId = fileLinks.verify(request.path(), request.getParam("u"), request.getParam("e"), request.getParam("s"));
      verified = userId == null
          ? Future.failedFuture(ServiceException.unauthorized("invalid or expired file link"))
          : Future.succeededFuture(new Caller(userId, null, new JsonArray(), Long.parseLong(request.getParam("e")) * 1000));
    } else {
      verified = tokens.verify(token);
    }
    verified
        .compose(disabledAccounts::admit)
        .onSuccess(
            caller -> {
              ctx.put(CALLER, caller);
              ctx.next();
            })
        .onFailure(ctx::fail);
  }

  /** Sends the request built by {@code body}, with path parameters and the caller added. */
  private void forward(RoutingContext ctx, Endpoint<?, ?> endpoint, int status, Function<RoutingContext, JsonObject> body) {
    JsonObject request;
    try {
      request = body.apply(ctx).copy();
    } catch (ServiceException e) {
      ctx.fail(e);
      return;
    }
    ctx.pathParams().forEach(request::put);
    request.put("callerId", caller(ctx).userId());
    reply(ctx, status, services.forward(endpoint, request));
  }

  private static void reply(RoutingContext ctx, int status, Future<JsonObject> result) {
    result.onComplete(
        done -> {
          if (done.failed()) {
            ctx.fail(done.cause());
          } else if (status == 204) {
            ctx.response().setStatusCode(204).end();
          } else {
            ctx.response().setStatusCode(status);
            ctx.json(done.result());
          }
        });
  }

  private static JsonObject pageQuery(RoutingContext ctx) {
    return queryParams(ctx, "before", "after", "limit", "changesAfter", "around");
  }

  /** The named query parameters that are present, as strings (the service checks their types). */
  private static JsonObject queryParams(RoutingContext ctx, String... names) {
    JsonObject query = new JsonObject();
    for (String name : names) {
      String value = ctx.request().getParam(name);
      if (value != null) {
        query.put(name, value);
      }
    }
    return query;
  }

  /** {@code ?userIds=a,b} → {@code {userIds:[a, b]}}. */
  private static JsonObject userIdsQuery(RoutingContext ctx) {
    String list = ctx.request().getParam("userIds", "");
    JsonArray ids = new JsonArray();
    for (String id : list.split(",")) {
      if (!id.isBlank()) {
        ids.add(id.trim());
      }
    }
    if (ids.isEmpty()) {
      throw ServiceException.badRequest("userIds must list user ids, comma-separated");
    }
    return new JsonObject().put("userIds", ids);
  }

  /** The request body, checked against the operation's schema (400 when it does not fit). */
  private JsonObject body(RoutingContext ctx, String operation) {
    JsonObject body = jsonBody(ctx);
    schemas.check(operation, body);
    return body;
  }

  /** The request body as a JSON object: 415 when it is not JSON, 400 when it does not parse. */
  private static JsonObject jsonBody(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    // -1: no body at all (a POST without one, as a cookie-only refresh or logout sends it).
    if (ctx.body().length() <= 0) {
      return new JsonObject();
    }
    if (type == null || !type.toLowerCase().startsWith("application/json")) {
      throw new ServiceException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send application/json");
    }
    try {
      JsonObject json = ctx.body().asJsonObject();
      if (json == null) {
        throw ServiceException.badRequest("the body must be a JSON object");
      }
      return json;
    } catch (DecodeException | ClassCastException e) {
      throw ServiceException.badRequest("the body must be a JSON object");
    }
  }

  private static Caller caller(RoutingContext ctx) {
    return ctx.get(CALLER);
  }

  /** The one place REST failures become status codes and error bodies. */
  private void failure(RoutingContext ctx) {
    if (MalformedRequests.clientGone(ctx)) {
      LOG.debug("{} {}: the client went away", ctx.request().method(), ctx.request().path());
      return;
    }
    ServiceException error;
    Throwable cause = ctx.failure();
    if (cause instanceof ServiceException se) {
      error = se;
    } else if (ctx.statusCode() == 413) {
      error = new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE, "the body is larger than allowed");
    } else if (cause == null && ctx.statusCode() > 0) {
      error = new ServiceException(ErrorCode.of("", ctx.statusCode()), "request failed");
    } else {
      // path(), never uri() or headers: a query string or the Authorization header may carry a secret.
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), cause);
      error = new ServiceException(ErrorCode.INTERNAL, "internal error");
    }
    if (error.code() == ErrorCode.UNAUTHORIZED) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    if (error instanceof RateLimited limited) {
      metrics.rateLimited(limited.limit());
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(limited.retryAfterSeconds()));
    }
    ctx.response().setStatusCode(error.code().status);
    ctx.json(new JsonObject().put("error", new JsonObject().put("code", error.code().word).put("message", error.getMessage())));
  }
}

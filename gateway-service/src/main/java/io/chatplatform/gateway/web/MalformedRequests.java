package io.chatplatform.gateway.web;

import io.chatplatform.contracts.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's first and last word on a request: a URL whose query string cannot be decoded is
 * refused with 400 before any handler reads it, and any failure no handler answered is logged by
 * method and path only. The query string and headers never reach the log: a SockJS transport
 * carries its {@code access_token} or {@code ticket} in the query, REST its bearer token in a header.
 */
public final class MalformedRequests {
  private static final Logger LOG = LoggerFactory.getLogger(MalformedRequests.class);
  /**
   * Set by an earlier failure handler when the request's path holds a secret itself (a SockJS
   * session's id): the path to log instead.
   */
  public static final String LOGGED_PATH = "malformedRequests.loggedPath";

  private MalformedRequests() {}

  /** Mounts the query check first on {@code router} and the failure handler for every route. */
  public static void mount(Router router) {
    router.route().order(-1).handler(MalformedRequests::checkQuery);
    // Last, so that a sub-router's own failure handler (REST's) answers its failures first.
    router.route().order(Integer.MAX_VALUE).failureHandler(MalformedRequests::failure);
  }

  private static void checkQuery(RoutingContext ctx) {
    try {
      ctx.request().params();
    } catch (RuntimeException undecodable) {
      answer(ctx, 400, ErrorCode.BAD_REQUEST, "the URL's query string is malformed");
      return;
    }
    ctx.next();
  }

  /**
   * Whether the request failed because its client went away (a reset mid-body, say): nobody is
   * left to answer, and it is not an error to log ({@link ClientDrops}).
   */
  public static boolean clientGone(RoutingContext ctx) {
    return ClientDrops.isClientDrop(ctx.failure()) || ctx.response().closed();
  }

  private static void failure(RoutingContext ctx) {
    if (clientGone(ctx)) {
      LOG.debug("{} {}: the client went away", ctx.request().method(), ctx.request().path());
      return;
    }
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (status >= 500) {
      // path(), never uri(): the query string may carry a credential.
      LOG.error("{} {} failed", ctx.request().method(), ctx.get(LOGGED_PATH, ctx.request().path()), ctx.failure());
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ErrorCode code = ErrorCode.of("", status);
    answer(ctx, status, code, status >= 500 ? "internal error" : "request failed");
  }

  private static void answer(RoutingContext ctx, int status, ErrorCode code, String message) {
    ctx.response().setStatusCode(status);
    ctx.json(new JsonObject().put("error", new JsonObject().put("code", code.word).put("message", message)));
  }
}

package io.chatplatform.gateway.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.Set;

/**
 * The origin check in front of REST: a browser page of a foreign origin gets 403, and with an
 * explicit {@code ALLOWED_ORIGINS} list the listed origins get CORS answers.
 */
public final class ApiOrigins {
  private ApiOrigins() {}

  /** Mounts the check and, with a list, CORS on {@code route} (e.g. {@code /api/v1/*}). */
  public static void mount(Router router, String route, OriginPolicy origins, int corsMaxAgeSeconds) {
    router.route(route).handler(ctx -> refuseForeignOrigin(ctx, origins));
    if (origins.hasList()) {
      router.route(route).handler(
          CorsHandler.create()
              .addOrigins(origins.list())
              .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE))
              .allowedHeaders(Set.of(HttpHeaders.AUTHORIZATION.toString(), HttpHeaders.CONTENT_TYPE.toString()))
              // Not CORS-safelisted, so a page could not read when to retry a 429 or an overload's 503.
              .exposedHeaders(Set.of(HttpHeaders.RETRY_AFTER.toString()))
              // Bearer tokens, never cookies: browsers need not send credentials.
              .allowCredentials(false)
              .maxAgeSeconds(corsMaxAgeSeconds));
    }
  }

  /** 403 for a browser page of another origin; the answer carries no CORS header, so it reads nothing. */
  private static void refuseForeignOrigin(RoutingContext ctx, OriginPolicy origins) {
    if (origins.allows(ctx.request())) {
      ctx.next();
      return;
    }
    ctx.response().setStatusCode(403);
    ctx.json(new JsonObject().put("error", new JsonObject().put("code", "forbidden").put("message", "origin not allowed")));
  }
}

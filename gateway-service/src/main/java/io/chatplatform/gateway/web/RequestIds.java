package io.chatplatform.gateway.web;

import io.chatplatform.runtime.Correlation;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Gives each HTTP request its correlation id ({@link Correlation}): the client's (or a proxy's)
 * {@code X-Request-Id} when it is a safe one (letters, digits, {@code . _ -}, 8 to 64 of them),
 * else a fresh one. The request is handled, and its service requests made, under that id, and the
 * response names it, so a client can quote it when reporting a problem.
 */
public final class RequestIds implements Handler<RoutingContext> {
  @Override
  public void handle(RoutingContext ctx) {
    String id = Correlation.acceptOrFresh(ctx.request().getHeader(Correlation.HEADER));
    Correlation.enter(id);
    ctx.response().putHeader(Correlation.HEADER, id);
    ctx.next();
  }
}

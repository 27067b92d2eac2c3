package io.chatplatform.gateway.web;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/** The web client (resources {@code webroot}) at {@code /} and the sockjs-client webjar at {@code /webjars}. */
public final class StaticPages {
  private StaticPages() {}

  /** Mount last: {@code /*} answers every path no route before it took. */
  public static void mount(Router router) {
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    router.route("/*").handler(StaticHandler.create("webroot").setIndexPage("index.html"));
  }
}

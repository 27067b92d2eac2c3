package io.chatplatform.gateway.rest;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * The {@code chat_refresh} cookie that carries a browser's refresh token:
 * {@code Path=/api/v1/auth; HttpOnly; Secure; SameSite=Strict}. HttpOnly keeps it from the page's
 * scripts (an injected script cannot read it, only use it through refresh); the path keeps it off
 * every other request, the socket's included; SameSite=Strict keeps the browser from sending it
 * with a request another site starts. Secure is set on plain HTTP too: browsers accept a Secure
 * cookie from {@code http://localhost} and {@code 127.0.0.1}, and anywhere else the gateway is to
 * be reached over TLS.
 */
final class RefreshCookie {
  static final String NAME = "chat_refresh";
  static final String PATH = "/api/v1/auth";

  private RefreshCookie() {}

  /** The cookie's refresh token, or null. */
  static String read(HttpServerRequest request) {
    Cookie cookie = request.getCookie(NAME);
    return cookie == null || cookie.getValue().isEmpty() ? null : cookie.getValue();
  }

  /** Sets the cookie to {@code refreshToken} for {@code maxAgeSeconds}. */
  static void set(HttpServerResponse response, String refreshToken, long maxAgeSeconds) {
    response.addCookie(cookie(refreshToken).setMaxAge(maxAgeSeconds));
  }

  /** Tells the browser to drop the cookie (empty, {@code Max-Age=0}). */
  static void clear(HttpServerResponse response) {
    response.addCookie(cookie("").setMaxAge(0));
  }

  private static Cookie cookie(String value) {
    return Cookie.cookie(NAME, value).setPath(PATH).setHttpOnly(true).setSecure(true).setSameSite(CookieSameSite.STRICT);
  }
}

package io.chatplatform.gateway.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.util.regex.Pattern;

/**
 * The plain-HTTP server's only handler ({@code HTTP_REDIRECT_PORT}, with TLS only): a page
 * request is sent to the same path on https. Anything else (a POST, a WebSocket handshake) is
 * refused rather than redirected: its credentials already crossed the network in clear, and the
 * client should be fixed to use https.
 */
public final class HttpsRedirect implements Handler<HttpServerRequest> {
  /** A host name or IP literal that may go into a redirect's Location. */
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\]");

  private final int httpsPort;

  /** {@code httpsPort}: the port the gateway serves https on (left out of the Location when 443). */
  public HttpsRedirect(int httpsPort) {
    this.httpsPort = httpsPort;
  }

  @Override
  public void handle(HttpServerRequest request) {
    HostAndPort authority = request.authority();
    boolean read = request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD;
    String path = request.path();
    if (!read || authority == null || !HOST.matcher(authority.host()).matches() || path == null || !path.startsWith("/")) {
      request.response().setStatusCode(read ? 400 : 403).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .end("plain HTTP is not served: use https");
      return;
    }
    String location = "https://" + authority.host() + (httpsPort == 443 ? "" : ":" + httpsPort) + path
        + (request.query() == null ? "" : "?" + request.query());
    request.response().setStatusCode(301).putHeader(HttpHeaders.LOCATION, location).end();
  }
}

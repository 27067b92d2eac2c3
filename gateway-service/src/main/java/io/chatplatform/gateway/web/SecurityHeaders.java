package io.chatplatform.gateway.web;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * Security headers on every gateway response. The web page and its static files get a
 * Content-Security-Policy that allows only the gateway's own scripts, styles and connections
 * (the web client has no inline script, style or handler); everything else (REST, the socket's
 * HTTP transports, operations) gets one that allows nothing, since none of it is meant to be
 * rendered. Framing is refused everywhere (clickjacking), MIME sniffing is off, no referrer leaves
 * the page, and with TLS browsers are told to use https only (HSTS).
 */
public final class SecurityHeaders implements Handler<RoutingContext> {
  static final String CSP = "Content-Security-Policy";
  /** For responses that are data, never a document. */
  static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
  /** Paths that serve data, not the page. */
  private static final String[] DATA_PREFIXES = {"/api/", "/eventbus", "/health/", "/metrics"};
  /** A host[:port] safe to copy into a header (an IP literal or a DNS name, optional port). */
  private static final Pattern AUTHORITY = Pattern.compile("[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\]");

  private final boolean tls;
  private final long hstsMaxAgeSeconds;

  public SecurityHeaders(boolean tls, long hstsMaxAgeSeconds) {
    this.tls = tls;
    this.hstsMaxAgeSeconds = hstsMaxAgeSeconds;
  }

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("X-Frame-Options", "DENY");
    if (tls && hstsMaxAgeSeconds > 0) {
      headers.set("Strict-Transport-Security", "max-age=" + hstsMaxAgeSeconds);
    }
    String path = ctx.normalizedPath();
    if (isData(path)) {
      headers.set(CSP, API_POLICY);
      if (path.startsWith("/api/")) {
        // Answers carry tokens, tickets and messages: no cache keeps them.
        headers.set("Cache-Control", "no-store");
      }
    } else {
      headers.set(CSP, pagePolicy(ctx.request().authority()));
    }
    ctx.next();
  }

  /**
   * The page's policy. {@code connect-src 'self'} covers {@code fetch}; the socket's ws/wss URL is
   * named explicitly because older browsers do not count {@code ws:} as {@code 'self'}. Without
   * TLS both schemes are listed: behind a TLS-terminating proxy the page is https and its socket
   * wss, though the gateway itself sees plain HTTP.
   */
  String pagePolicy(HostAndPort authority) {
    String sockets = "";
    if (authority != null && AUTHORITY.matcher(authority.host()).matches()) {
      String hostPort = authority.host() + (authority.port() >= 0 ? ":" + authority.port() : "");
      sockets = tls ? " wss://" + hostPort : " ws://" + hostPort + " wss://" + hostPort;
    }
    return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'"
        + "; connect-src 'self'" + sockets
        + "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  }

  private static boolean isData(String path) {
    if (path == null) {
      return false;
    }
    for (String prefix : DATA_PREFIXES) {
      if (path.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}

package io.chatplatform.gateway.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which web origins may use the gateway from a browser: REST (CORS) and the socket handshake
 * (against cross-site WebSocket hijacking).
 *
 * <p>A request without an {@code Origin} header is allowed: browsers always send one on WebSocket
 * handshakes and on cross-origin requests, so a missing header means a same-origin page load or a
 * non-browser client (app, bot, curl), which could send any {@code Origin} it likes anyway; the
 * check protects browser users, whose browser cannot forge it. {@code Origin: null} (sandboxed
 * frames, {@code file:} pages) is never allowed.
 *
 * <p>With {@code ALLOWED_ORIGINS} unset, only the gateway's own origin is allowed: the origin's
 * host and port must be those of the request's {@code Host}. Its scheme must be {@code https}
 * when the gateway serves TLS itself; without TLS, {@code http} and {@code https} are both
 * accepted, because the documented deployment puts a TLS-terminating proxy in front of a plain
 * gateway, which then cannot see the scheme the browser used. With {@code ALLOWED_ORIGINS} set,
 * exactly the listed origins are allowed and the {@code Host} header plays no part (list the
 * gateway's own public origin too when its page is used).
 */
public final class OriginPolicy {
  private final Set<String> allowed;
  private final boolean tls;

  public OriginPolicy(List<String> allowedOrigins, boolean tls) {
    this.allowed = new LinkedHashSet<>(allowedOrigins);
    this.tls = tls;
  }

  /** True when an explicit list is configured (CORS is then served for those origins). */
  public boolean hasList() {
    return !allowed.isEmpty();
  }

  public List<String> list() {
    return List.copyOf(allowed);
  }

  public boolean allows(HttpServerRequest request) {
    return allows(request.getHeader(HttpHeaders.ORIGIN), request.authority());
  }

  /** {@code origin}: the header's value or null; {@code authority}: the request's host and port. */
  boolean allows(String origin, HostAndPort authority) {
    if (origin == null) {
      return true;
    }
    Parsed parsed = parse(origin);
    if (parsed == null) {
      return false;
    }
    if (!allowed.isEmpty()) {
      return allowed.contains(parsed.normalized());
    }
    if (authority == null || !(parsed.scheme.equals("https") || (!tls && parsed.scheme.equals("http")))) {
      return false;
    }
    int requestPort = authority.port() >= 0 ? authority.port() : defaultPort(parsed.scheme);
    return unbracket(authority.host()).equalsIgnoreCase(parsed.host) && requestPort == parsed.port;
  }

  /**
   * A configured origin in canonical form ({@code scheme://host[:port]}, lower case, default port
   * left out). Anything else (a path, a wildcard, another scheme) is refused at start-up.
   */
  public static String normalize(String origin) {
    String value = origin.trim();
    // A trailing slash is a common slip when copying an address; browsers never send one.
    Parsed parsed = parse(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
    if (parsed == null) {
      throw new IllegalArgumentException(
          "ALLOWED_ORIGINS: '" + origin + "' is not an origin like https://chat.example.com (scheme, host, optional port; no path, no wildcard)");
    }
    return parsed.normalized();
  }

  private record Parsed(String scheme, String host, int port) {
    String normalized() {
      String h = host.contains(":") ? "[" + host + "]" : host;
      return scheme + "://" + h + (port == defaultPort(scheme) ? "" : ":" + port);
    }
  }

  /** An origin as browsers send it, or null when it is not one. */
  private static Parsed parse(String origin) {
    URI uri;
    try {
      uri = new URI(origin);
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      return null;
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())) {
      return null;
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : defaultPort(scheme);
    return new Parsed(scheme, unbracket(uri.getHost()).toLowerCase(Locale.ROOT), port);
  }

  private static int defaultPort(String scheme) {
    return "https".equals(scheme) ? 443 : 80;
  }

  private static String unbracket(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}

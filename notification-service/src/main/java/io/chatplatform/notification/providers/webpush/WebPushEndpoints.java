package io.chatplatform.notification.providers.webpush;

import io.chatplatform.notification.domain.EndpointPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which Web Push endpoints the server will call. An endpoint comes from the client, so without
 * this list a subscription could make the server POST to any address it can reach (SSRF).
 *
 * <p>Each entry is a URL prefix: scheme, host, port and the start of the path must match
 * exactly, compared part by part on the parsed endpoint rather than as strings (so
 * {@code https://fcm.googleapis.com.evil.example/} or {@code https://fcm.googleapis.com@evil.example/}
 * never match {@code https://fcm.googleapis.com/}). A host written {@code *.example.com} matches
 * any host below example.com (not example.com itself): Windows (WNS) endpoints live on many hosts
 * like {@code wns2-par02p.notify.windows.com}. An endpoint with user information, a fragment, a
 * path that is not normalized ({@code .}, {@code ..}, {@code //}, an encoded dot), or a non-https
 * scheme (unless an entry names that scheme) is refused whatever the list says.
 */
public final class WebPushEndpoints implements EndpointPolicy {
  /** Chrome (FCM), Firefox (Mozilla autopush), Safari (Apple) and Edge (WNS). */
  public static final String DEFAULT =
      "https://fcm.googleapis.com/,https://updates.push.services.mozilla.com/,https://web.push.apple.com/,"
          + "https://*.notify.windows.com/";

  private final List<Prefix> prefixes;

  private WebPushEndpoints(List<Prefix> prefixes) {
    this.prefixes = prefixes;
  }

  /** The comma-separated prefixes of {@code WEBPUSH_ALLOWED_ENDPOINTS}; a malformed entry fails start-up. */
  public static WebPushEndpoints parse(String commaSeparated) {
    List<Prefix> prefixes = new ArrayList<>();
    for (String entry : commaSeparated.split(",")) {
      if (!entry.isBlank()) {
        prefixes.add(Prefix.parse(entry.trim()));
      }
    }
    return new WebPushEndpoints(List.copyOf(prefixes));
  }

  /** Whether the server may call {@code endpoint}: at registration, and again before every push. */
  @Override
  public boolean allowed(String endpoint) {
    Parts parts = Parts.of(endpoint);
    return parts != null && prefixes.stream().anyMatch(prefix -> prefix.matches(parts));
  }

  /** The origin of an allowed endpoint (scheme://host[:port]): the audience of its VAPID token. */
  static String origin(String endpoint) {
    URI uri = URI.create(endpoint);
    return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority().toLowerCase(Locale.ROOT);
  }

  /** The parts of a URL that are compared; null when the URL is not one we would ever call. */
  private record Parts(String scheme, String host, int port, String path) {
    static Parts of(String url) {
      if (url == null) {
        return null;
      }
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        return null;
      }
      String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
      String host = uri.getHost();
      String path = uri.getRawPath();
      if (!"https".equals(scheme) && !"http".equals(scheme)
          || host == null
          || uri.getRawUserInfo() != null
          || uri.getRawFragment() != null
          || path == null
          || !path.startsWith("/")
          || !normalized(path)) {
        return null;
      }
      int port = uri.getPort() == -1 ? ("https".equals(scheme) ? 443 : 80) : uri.getPort();
      return new Parts(scheme, host.toLowerCase(Locale.ROOT), port, path);
    }

    private static boolean normalized(String path) {
      String lower = path.toLowerCase(Locale.ROOT);
      return !lower.contains("%2e") && !lower.contains("%2f") && !lower.contains("//")
          && !lower.contains("/./") && !lower.contains("/../") && !lower.endsWith("/.") && !lower.endsWith("/..");
    }
  }

  private record Prefix(String scheme, String host, boolean subdomains, int port, String path) {
    static Prefix parse(String entry) {
      boolean subdomains = entry.matches("(?i)^[a-z]+://\\*\\..*");
      Parts parts = Parts.of(subdomains ? entry.replaceFirst("://\\*\\.", "://") : entry);
      if (parts == null) {
        throw new IllegalArgumentException("WEBPUSH_ALLOWED_ENDPOINTS: not a URL prefix: " + entry);
      }
      return new Prefix(parts.scheme(), parts.host(), subdomains, parts.port(), parts.path());
    }

    boolean matches(Parts url) {
      boolean hostMatches = subdomains ? url.host().endsWith("." + host) : url.host().equals(host);
      return hostMatches && url.scheme().equals(scheme) && url.port() == port && url.path().startsWith(path);
    }
  }
}

package io.chatplatform.gateway.web;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * The address of the client behind a request: what every per-address limit counts and the logs
 * name. It is the connection's peer, unless the peer is one of {@code TRUSTED_PROXIES}: then it
 * is read from the header those proxies write ({@code FORWARDED_HEADER}: {@code X-Forwarded-For}
 * or RFC 7239 {@code Forwarded}).
 *
 * <p>A client may send that header itself, and a proxy appends to it, so only its right end is
 * believed: the entries are walked right to left, each trusted proxy skipped, and the first
 * untrusted one is the client. An address the client wrote further left is never reached. A
 * malformed entry on the way (not an IP address, {@code unknown}, an obfuscated {@code Forwarded}
 * node) ends the walk at the peer: such a request counts against its proxy, as it did before
 * proxies were trusted. Only the last {@code FORWARDED_HEADER_MAX_CHARS} characters are read; a
 * walk that runs out of them without an untrusted entry falls back to the peer too.
 *
 * <p>vertx-web's own forward support ({@code Router.allowForward}) is not used: it believes the
 * header from any peer, and takes its left-most entry, which the client chose.
 */
public final class ClientAddresses {
  /** The header the trusted proxies write. */
  public enum Header {
    X_FORWARDED_FOR("X-Forwarded-For"),
    FORWARDED("Forwarded");

    private final String headerName;

    Header(String headerName) {
      this.headerName = headerName;
    }

    public String headerName() {
      return headerName;
    }

    /** {@code FORWARDED_HEADER}'s value: the header's name, in any case. */
    public static Header named(String name) {
      for (Header header : values()) {
        if (header.headerName.equalsIgnoreCase(name.trim())) {
          return header;
        }
      }
      throw new IllegalArgumentException("FORWARDED_HEADER must be X-Forwarded-For or Forwarded, not '" + name + "'");
    }
  }

  /** Where a request comes from when the connection cannot say (never seen on TCP). */
  public static final String UNKNOWN = "unknown";

  private final TrustedProxies proxies;
  private final Header header;
  private final int maxChars;

  public ClientAddresses(TrustedProxies proxies, Header header, int maxChars) {
    this.proxies = proxies;
    this.header = header;
    this.maxChars = maxChars;
  }

  /** The client address of {@code request}, one spelling per address. */
  public String of(HttpServerRequest request) {
    // Router.allowForward is off: a routed request's remoteAddress is the connection's peer.
    SocketAddress peer = request.remoteAddress();
    if (peer == null) {
      return UNKNOWN;
    }
    String address = peer.hostAddress() != null ? peer.hostAddress() : peer.host();
    if (!proxies.contains(address)) {
      return normalized(address);
    }
    return resolve(address, request.headers().getAll(header.headerName()));
  }

  /** The client address of a request from {@code peer} carrying {@code values} of the header (in order). */
  public String resolve(String peer, List<String> values) {
    String fromPeer = normalized(peer);
    if (!proxies.contains(peer) || values.isEmpty()) {
      return fromPeer;
    }
    // Several header lines are one list, in order (RFC 9110 5.3).
    String chain = String.join(",", values);
    boolean cut = chain.length() > maxChars;
    if (cut) {
      chain = chain.substring(chain.length() - maxChars);
      // The cut-off entry could read as another address (11.2.3.4 cut to 1.2.3.4): dropped.
      int comma = chain.indexOf(',');
      chain = comma < 0 ? "" : chain.substring(comma + 1);
    }
    String farthestTrusted = fromPeer;
    int end = chain.length();
    while (true) {
      int comma = chain.lastIndexOf(',', end - 1);
      String entry = chain.substring(comma + 1, end).trim();
      String address = header == Header.FORWARDED ? forwardedFor(entry) : hostOf(entry);
      if (address == null) {
        return fromPeer;
      }
      if (!proxies.contains(address)) {
        return address;
      }
      farthestTrusted = address;
      if (comma < 0) {
        break;
      }
      end = comma;
    }
    // Every entry is a trusted proxy: the farthest one is where the request entered.
    return cut ? fromPeer : farthestTrusted;
  }

  /** The {@code for=} node of one {@code Forwarded} element, or null when it has no IP address. */
  static String forwardedFor(String element) {
    for (String pair : element.split(";")) {
      int equals = pair.indexOf('=');
      if (equals > 0 && pair.substring(0, equals).trim().toLowerCase(Locale.ROOT).equals("for")) {
        String value = pair.substring(equals + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        return hostOf(value);
      }
    }
    return null;
  }

  /**
   * The address of one entry: {@code 192.0.2.1}, {@code 192.0.2.1:4711}, {@code 2001:db8::1},
   * {@code [2001:db8::1]} or {@code [2001:db8::1]:4711}; null for anything else.
   */
  static String hostOf(String entry) {
    String host = entry;
    if (entry.startsWith("[")) {
      int close = entry.indexOf(']');
      if (close < 0 || !port(entry.substring(close + 1))) {
        return null;
      }
      host = entry.substring(1, close);
    } else {
      int colon = entry.indexOf(':');
      // One colon: an IPv4 address and its port; more: an IPv6 address without brackets.
      if (colon >= 0 && colon == entry.lastIndexOf(':')) {
        if (!port(entry.substring(colon))) {
          return null;
        }
        host = entry.substring(0, colon);
        if (host.indexOf('.') < 0) {
          return null;
        }
      }
    }
    return IpLiterals.normalize(host);
  }

  /** Nothing, or {@code :} and a port number. */
  private static boolean port(String rest) {
    return rest.isEmpty() || rest.matches(":\\d{1,5}") && Integer.parseInt(rest.substring(1)) <= 65_535;
  }

  private static String normalized(String address) {
    String normal = IpLiterals.normalize(address);
    return normal != null ? normal : address;
  }

  @Override
  public String toString() {
    return header.headerName() + " from " + proxies + " (last " + maxChars + " characters)";
  }
}

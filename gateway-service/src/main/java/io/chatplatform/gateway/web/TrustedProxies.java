package io.chatplatform.gateway.web;

import java.util.ArrayList;
import java.util.List;

/**
 * The proxies in front of the gateway ({@code TRUSTED_PROXIES}): IP addresses and CIDR ranges,
 * IPv4 or IPv6, comma-separated. Every client of a proxy arrives from the proxy's address, so a
 * per-address limit must not count it as one client: a trusted proxy is exempt from the
 * per-address connection cap, and only its forwarded header is believed ({@link ClientAddresses}).
 */
public final class TrustedProxies {
  private record Range(byte[] network, int prefixBits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int whole = prefixBits / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixBits % 8;
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return rest == 0 || (address[whole] & mask) == (network[whole] & mask);
    }
  }

  private final List<Range> ranges;
  private final String text;

  private TrustedProxies(List<Range> ranges, String text) {
    this.ranges = ranges;
    this.text = text;
  }

  /** {@code spec}: comma-separated addresses and CIDRs, e.g. {@code 10.0.0.5, 192.168.0.0/16, fd00::/8}; blank for none. */
  public static TrustedProxies parse(String spec) {
    List<Range> ranges = new ArrayList<>();
    List<String> accepted = new ArrayList<>();
    for (String entry : spec.split(",")) {
      String item = entry.trim();
      if (item.isEmpty()) {
        continue;
      }
      int slash = item.indexOf('/');
      byte[] network = literal(slash < 0 ? item : item.substring(0, slash));
      int prefix = network.length * 8;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(item.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > network.length * 8) {
          throw new IllegalArgumentException("TRUSTED_PROXIES: bad prefix length in '" + item + "'");
        }
      }
      ranges.add(new Range(network, prefix));
      accepted.add(item);
    }
    return new TrustedProxies(List.copyOf(ranges), String.join(",", accepted));
  }

  /** Whether {@code address} (an IP literal, as a connection's remote address gives it) is a trusted proxy. */
  public boolean contains(String address) {
    if (ranges.isEmpty() || address == null) {
      return false;
    }
    byte[] bytes = IpLiterals.parse(address);
    if (bytes == null) {
      return false;
    }
    for (Range range : ranges) {
      if (range.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] literal(String address) {
    byte[] bytes = IpLiterals.parse(address);
    if (bytes == null) {
      throw new IllegalArgumentException("TRUSTED_PROXIES: '" + address + "' is not an IP address");
    }
    return bytes;
  }

  @Override
  public String toString() {
    return text.isEmpty() ? "none" : text;
  }
}

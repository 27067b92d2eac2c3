package io.chatplatform.gateway.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * IP address literals, read without ever asking DNS: {@link InetAddress#getByName} looks a string
 * up as a host name whenever it does not parse it as an address (a header's {@code 999.1.1.1}
 * would become a lookup), so only strings already shaped like an address reach it.
 */
final class IpLiterals {
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  /** Hex digits, colons and (for an embedded IPv4 tail) dots, with at least one colon and no zone. */
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");

  private IpLiterals() {}

  /** The address's bytes (4 for IPv4 and IPv4-mapped IPv6, else 16), or null when {@code text} is no IP literal. */
  static byte[] parse(String text) {
    if (text == null || text.isEmpty() || text.length() > 45) {
      return null;
    }
    java.util.regex.Matcher v4 = IPV4.matcher(text);
    if (v4.matches()) {
      byte[] bytes = new byte[4];
      for (int i = 0; i < 4; i++) {
        int octet = Integer.parseInt(v4.group(i + 1));
        if (octet > 255) {
          return null;
        }
        bytes[i] = (byte) octet;
      }
      return bytes;
    }
    if (text.indexOf(':') < 0 || !IPV6.matcher(text).matches()) {
      return null;
    }
    try {
      // With a colon in it, the JDK parses it as IPv6 or throws: no lookup.
      return InetAddress.getByName(text).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** One spelling per address ({@code ::1} and {@code 0:0:0:0:0:0:0:1} are one client), or null. */
  static String normalize(String text) {
    byte[] bytes = parse(text);
    if (bytes == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }
}

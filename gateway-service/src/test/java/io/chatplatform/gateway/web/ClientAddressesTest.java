package io.chatplatform.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.gateway.web.ClientAddresses.Header;
import io.chatplatform.runtime.Settings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The client address: the peer, or behind a trusted proxy the right-most untrusted forwarded entry")
class ClientAddressesTest {
  static final TrustedProxies PROXIES = TrustedProxies.parse("10.0.0.0/8, 192.168.1.1, fd00::/8");
  final ClientAddresses xff = new ClientAddresses(PROXIES, Header.X_FORWARDED_FOR, 1024);
  final ClientAddresses forwarded = new ClientAddresses(PROXIES, Header.FORWARDED, 1024);

  @Test
  @DisplayName("an untrusted peer is the client, whatever it forwards")
  void untrustedPeer() {
    assertThat(xff.resolve("203.0.113.9", List.of("198.51.100.1"))).isEqualTo("203.0.113.9");
    assertThat(xff.resolve("0:0:0:0:0:0:0:1", List.of("198.51.100.1"))).as("one spelling per address").isEqualTo("0:0:0:0:0:0:0:1");
    assertThat(new ClientAddresses(TrustedProxies.parse(""), Header.X_FORWARDED_FOR, 1024).resolve("10.0.0.1", List.of("198.51.100.1")))
        .as("no proxy is trusted by default").isEqualTo("10.0.0.1");
  }

  @Test
  @DisplayName("from a trusted peer: right to left, trusted hops skipped, the first untrusted entry; one the client wrote further left is never reached")
  void rightToLeft() {
    assertThat(xff.resolve("10.0.0.5", List.of("198.51.100.1"))).isEqualTo("198.51.100.1");
    assertThat(xff.resolve("10.0.0.5", List.of("6.6.6.6, 198.51.100.1"))).as("a spoofed left-most entry").isEqualTo("198.51.100.1");
    assertThat(xff.resolve("10.0.0.5", List.of("6.6.6.6, 198.51.100.1, 192.168.1.1 ,10.1.2.3"))).as("two trusted hops").isEqualTo("198.51.100.1");
    assertThat(xff.resolve("10.0.0.5", List.of("6.6.6.6", "198.51.100.1, 10.1.2.3"))).as("several header lines are one list").isEqualTo("198.51.100.1");
    assertThat(xff.resolve("10.0.0.5", List.of("10.9.9.9, 10.1.2.3"))).as("all trusted: the farthest").isEqualTo("10.9.9.9");
    assertThat(xff.resolve("10.0.0.5", List.of())).as("no header: the peer").isEqualTo("10.0.0.5");
    assertThat(xff.resolve("fd00::1", List.of("2001:db8::7"))).isEqualTo("2001:db8:0:0:0:0:0:7");
  }

  @Test
  @DisplayName("entries with ports, brackets, IPv6 and IPv4-mapped IPv6 are read as addresses")
  void entryForms() {
    assertThat(ClientAddresses.hostOf("198.51.100.1:4711")).isEqualTo("198.51.100.1");
    assertThat(ClientAddresses.hostOf("[2001:db8::1]:4711")).isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(ClientAddresses.hostOf("[2001:db8::1]")).isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(ClientAddresses.hostOf("2001:DB8::1")).isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(ClientAddresses.hostOf("::ffff:198.51.100.1")).isEqualTo("198.51.100.1");
    for (String bad : new String[] {"", "unknown", "_hidden", "example.com", "999.1.1.1", "1.2.3", "1.2.3.4:99999", "1.2.3.4:",
        "[2001:db8::1", "[2001:db8::1]x", "fe80::1%eth0", "1:2", ".:1", "1.2.3.4 5.6.7.8"}) {
      assertThat(ClientAddresses.hostOf(bad)).as(bad).isNull();
    }
  }

  @Test
  @DisplayName("a malformed entry reached on the walk falls back to the peer; one left of the client is never read")
  void malformed() {
    assertThat(xff.resolve("10.0.0.5", List.of("garbage"))).isEqualTo("10.0.0.5");
    assertThat(xff.resolve("10.0.0.5", List.of("198.51.100.1, unknown"))).isEqualTo("10.0.0.5");
    assertThat(xff.resolve("10.0.0.5", List.of(""))).isEqualTo("10.0.0.5");
    assertThat(xff.resolve("10.0.0.5", List.of("198.51.100.1,,10.1.1.1"))).isEqualTo("10.0.0.5");
    assertThat(xff.resolve("10.0.0.5", List.of("garbage, 198.51.100.1"))).isEqualTo("198.51.100.1");
  }

  @Test
  @DisplayName("only the last FORWARDED_HEADER_MAX_CHARS characters are read, the cut entry dropped")
  void cappedLength() {
    ClientAddresses short64 = new ClientAddresses(PROXIES, Header.X_FORWARDED_FOR, 20);
    String padding = "7.7.7.7, ".repeat(10_000);
    assertThat(short64.resolve("10.0.0.5", List.of(padding + "198.51.100.1"))).isEqualTo("198.51.100.1");
    // "11.2.3.4, 10.0.0.7" cut to its last 10 characters would read "1.2.3.4": dropped, and then
    // nothing untrusted is left: the peer.
    assertThat(new ClientAddresses(PROXIES, Header.X_FORWARDED_FOR, 10).resolve("10.0.0.5", List.of("11.2.3.4, 10.0.0.7")))
        .isEqualTo("10.0.0.5");
    assertThat(short64.resolve("10.0.0.5", List.of("10.1.1.1, 10.1.1.2, 10.1.1.3, 10.1.1.4")))
        .as("all trusted as far as it reads: the peer").isEqualTo("10.0.0.5");
  }

  @Test
  @DisplayName("Forwarded (RFC 7239): the for= node of each element, quoted, bracketed, with a port; obfuscated or missing falls back")
  void forwardedHeader() {
    assertThat(forwarded.resolve("10.0.0.5", List.of("for=6.6.6.6, for=198.51.100.1;proto=https;by=10.0.0.5"))).isEqualTo("198.51.100.1");
    assertThat(forwarded.resolve("10.0.0.5", List.of("For=\"[2001:db8:cafe::17]:4711\""))).isEqualTo("2001:db8:cafe:0:0:0:0:17");
    assertThat(forwarded.resolve("10.0.0.5", List.of("for=198.51.100.1, for=10.2.2.2"))).isEqualTo("198.51.100.1");
    assertThat(forwarded.resolve("10.0.0.5", List.of("for=_hidden"))).isEqualTo("10.0.0.5");
    assertThat(forwarded.resolve("10.0.0.5", List.of("proto=https"))).isEqualTo("10.0.0.5");
    assertThat(forwarded.resolve("10.0.0.5", List.of("198.51.100.1"))).as("an X-Forwarded-For value is no element").isEqualTo("10.0.0.5");
  }

  @Test
  @DisplayName("FORWARDED_HEADER is X-Forwarded-For by default, or Forwarded; anything else stops the start")
  void settings() {
    assertThat(HttpEdgeConfig.from(Settings.of(Map.of())).clientAddresses().toString()).startsWith("X-Forwarded-For");
    assertThat(HttpEdgeConfig.from(Settings.of(Map.of("FORWARDED_HEADER", "forwarded"))).clientAddresses().toString()).startsWith("Forwarded");
    assertThatThrownBy(() -> HttpEdgeConfig.from(Settings.of(Map.of("FORWARDED_HEADER", "X-Real-IP")))).hasMessageContaining("FORWARDED_HEADER");
    assertThatThrownBy(() -> HttpEdgeConfig.from(Settings.of(Map.of("FORWARDED_HEADER_MAX_CHARS", "0")))).hasMessageContaining("FORWARDED_HEADER_MAX_CHARS");
  }
}

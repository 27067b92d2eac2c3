package io.chatplatform.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.runtime.Settings;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TRUSTED_PROXIES and the edge settings")
class TrustedProxiesTest {
  @Test
  @DisplayName("addresses and CIDRs, IPv4 and IPv6, match only what they cover")
  void ranges() {
    TrustedProxies proxies = TrustedProxies.parse(" 10.0.0.5, 192.168.0.0/16,172.16.0.0/12, fd00::/8, ::1 ");
    assertThat(proxies.contains("10.0.0.5")).isTrue();
    assertThat(proxies.contains("10.0.0.6")).isFalse();
    assertThat(proxies.contains("192.168.255.1")).isTrue();
    assertThat(proxies.contains("192.169.0.1")).isFalse();
    assertThat(proxies.contains("172.31.255.255")).isTrue();
    assertThat(proxies.contains("172.32.0.0")).isFalse();
    assertThat(proxies.contains("fd12:3456::1")).isTrue();
    assertThat(proxies.contains("fe80::1")).isFalse();
    assertThat(proxies.contains("::1")).isTrue();
    assertThat(proxies.contains("::ffff:10.0.0.5")).as("an IPv4-mapped address is its IPv4 address").isTrue();
    assertThat(proxies.contains("not-an-address")).isFalse();
    assertThat(TrustedProxies.parse("").contains("10.0.0.5")).as("none by default").isFalse();
  }

  @Test
  @DisplayName("a name, a bad prefix or a bad address stops the start instead of trusting something else")
  void refused() {
    for (String bad : new String[] {"proxy.example.com", "10.0.0.0/33", "10.0.0.0/x", "10.0.0", "fd00::/129"}) {
      assertThatThrownBy(() -> TrustedProxies.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TRUSTED_PROXIES");
    }
  }

  @Test
  @DisplayName("the operations port is 9090 by default, and a free one when HTTP_PORT is 0")
  void opsPort() {
    assertThat(HttpEdgeConfig.from(Settings.of(Map.of())).opsPort()).isEqualTo(9090);
    assertThat(HttpEdgeConfig.from(Settings.of(Map.of("HTTP_PORT", "0"))).opsPort()).isZero();
    assertThat(HttpEdgeConfig.from(Settings.of(Map.of("HTTP_PORT", "0", "OPS_HTTP_PORT", "9191"))).opsPort()).isEqualTo(9191);
    assertThat(HttpEdgeConfig.from(Settings.of(Map.of())).opsHost()).isEqualTo("127.0.0.1");
    assertThatThrownBy(() -> HttpEdgeConfig.from(Settings.of(Map.of("MAX_CONNECTIONS_PER_ADDRESS", "0"))))
        .hasMessageContaining("MAX_CONNECTIONS_PER_ADDRESS");
  }
}

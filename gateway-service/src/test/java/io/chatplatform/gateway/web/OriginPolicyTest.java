package io.chatplatform.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.net.HostAndPort;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Which Origin headers the gateway accepts")
class OriginPolicyTest {
  static final HostAndPort GATEWAY = HostAndPort.authority("chat.example.com", 8080);
  static final HostAndPort BEHIND_PROXY = HostAndPort.authority("chat.example.com");

  @Test
  @DisplayName("by default only the gateway's own host and port pass; another site, another port and null do not")
  void sameOriginByDefault() {
    OriginPolicy policy = new OriginPolicy(List.of(), false);
    assertThat(policy.allows("http://chat.example.com:8080", GATEWAY)).isTrue();
    assertThat(policy.allows("http://CHAT.example.com:8080", GATEWAY)).isTrue();
    assertThat(policy.allows("https://evil.example", GATEWAY)).isFalse();
    assertThat(policy.allows("http://chat.example.com:8081", GATEWAY)).isFalse();
    assertThat(policy.allows("http://chat.example.com", GATEWAY)).isFalse();
    assertThat(policy.allows("http://chat.example.com.evil.example:8080", GATEWAY)).isFalse();
    assertThat(policy.allows("null", GATEWAY)).isFalse();
    assertThat(policy.allows("http://chat.example.com:8080/path", GATEWAY)).isFalse();
    assertThat(policy.allows("ws://chat.example.com:8080", GATEWAY)).isFalse();
  }

  @Test
  @DisplayName("no Origin header is allowed: it is a non-browser client, which could send any Origin anyway")
  void missingOriginIsNotABrowser() {
    assertThat(new OriginPolicy(List.of(), false).allows(null, GATEWAY)).isTrue();
    assertThat(new OriginPolicy(List.of("https://chat.example.com"), true).allows(null, GATEWAY)).isTrue();
  }

  @Test
  @DisplayName("behind a TLS proxy (gateway on plain HTTP) the https page of the same host passes; with its own TLS, only https does")
  void schemeBehindProxyAndWithTls() {
    assertThat(new OriginPolicy(List.of(), false).allows("https://chat.example.com", BEHIND_PROXY)).isTrue();
    assertThat(new OriginPolicy(List.of(), false).allows("http://chat.example.com", BEHIND_PROXY)).isTrue();
    assertThat(new OriginPolicy(List.of(), true).allows("https://chat.example.com", BEHIND_PROXY)).isTrue();
    assertThat(new OriginPolicy(List.of(), true).allows("http://chat.example.com", BEHIND_PROXY)).isFalse();
    assertThat(new OriginPolicy(List.of(), true).allows("https://chat.example.com:443", BEHIND_PROXY)).isTrue();
  }

  @Test
  @DisplayName("with ALLOWED_ORIGINS exactly the listed origins pass, and the Host header no longer counts")
  void explicitList() {
    OriginPolicy policy = new OriginPolicy(List.of("https://app.example.com", "http://localhost:3000"), false);
    assertThat(policy.allows("https://app.example.com", GATEWAY)).isTrue();
    assertThat(policy.allows("https://app.example.com:443", GATEWAY)).isTrue();
    assertThat(policy.allows("http://localhost:3000", GATEWAY)).isTrue();
    assertThat(policy.allows("http://app.example.com", GATEWAY)).isFalse();
    assertThat(policy.allows("http://chat.example.com:8080", GATEWAY)).isFalse();
  }

  @Test
  @DisplayName("configured origins are put in canonical form, and anything that is not an origin stops the start")
  void configuredOrigins() {
    assertThat(OriginPolicy.normalize(" HTTPS://App.Example.com:443/ ")).isEqualTo("https://app.example.com");
    assertThat(OriginPolicy.normalize("http://localhost:3000")).isEqualTo("http://localhost:3000");
    assertThat(OriginPolicy.normalize("http://[::1]:3000")).isEqualTo("http://[::1]:3000");
    for (String bad : new String[] {"*", "app.example.com", "https://app.example.com/chat", "https://*.example.com", "ftp://x.example", "null"}) {
      assertThatThrownBy(() -> OriginPolicy.normalize(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}

package io.chatplatform.gateway.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.gateway.socket.SockJsSessionBindings.Binding;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("What proves a request belongs to a SockJS session, and how its path is logged")
class SockJsSessionBindingsTest {
  static final String TOKEN = "access_token:eyJhbGciOiJIUzI1NiJ9.alice.signature";
  final Binding opened = new Binding(TOKEN, "203.0.113.7");

  @Test
  @DisplayName("the opening credential from the opening address proves it; another credential, none, or the same value as another kind does not")
  void credential() {
    assertThat(opened.provenBy(new Binding(TOKEN, "203.0.113.7"), true)).isTrue();
    assertThat(opened.provenBy(new Binding("access_token:eyJhbGciOiJIUzI1NiJ9.bob.signature", "203.0.113.7"), true)).isFalse();
    assertThat(opened.provenBy(new Binding(null, "203.0.113.7"), true)).isFalse();
    assertThat(opened.provenBy(new Binding("ticket:" + TOKEN.substring("access_token:".length()), "203.0.113.7"), true)).isFalse();
  }

  @Test
  @DisplayName("another address does not prove it, unless addresses are not bound (SOCKJS_SESSION_BIND_ADDRESS=false)")
  void address() {
    Binding elsewhere = new Binding(TOKEN, "198.51.100.9");
    assertThat(opened.provenBy(elsewhere, true)).isFalse();
    assertThat(opened.provenBy(elsewhere, false)).isTrue();
  }

  @Test
  @DisplayName("a session opened without a credential answers only requests without one: its client may read why it was refused")
  void noCredential() {
    Binding anonymous = new Binding(null, "203.0.113.7");
    assertThat(anonymous.provenBy(new Binding(null, "203.0.113.7"), true)).isTrue();
    assertThat(anonymous.provenBy(new Binding(TOKEN, "203.0.113.7"), true)).isFalse();
  }

  @Test
  @DisplayName("a session's path is logged without its id, and any other path under the socket as the prefix alone")
  void pathForLog() {
    SockJsSessionBindings bindings = new SockJsSessionBindings("/eventbus", true, null);
    assertThat(bindings.forLog("/eventbus/123/0a1b2c3d4e5f/xhr_send")).isEqualTo("/eventbus/123/<session>/xhr_send");
    assertThat(bindings.forLog("/eventbus/123/0a1b2c3d4e5f/xhr/more")).isEqualTo("/eventbus/…");
    assertThat(bindings.forLog("/eventbus/info")).isEqualTo("/eventbus/…");
  }
}

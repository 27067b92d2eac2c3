package io.chatplatform.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.gateway.web.NeededServices.Service;
import io.chatplatform.runtime.Settings;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GATEWAY_READINESS_SERVICES: the services the gateway's readiness pings")
class NeededServicesTest {
  @Test
  @DisplayName("chat, history and presence by default; notification only when listed; blank for none")
  void parse() {
    assertThat(HttpEdgeConfig.from(Settings.of(Map.of())).neededServices().services())
        .containsExactly(Service.CHAT, Service.HISTORY, Service.PRESENCE);
    assertThat(NeededServices.parse(" Chat, notification,chat ").services()).containsExactly(Service.CHAT, Service.NOTIFICATION);
    assertThat(NeededServices.parse("").services()).isEmpty();
    assertThat(Service.PRESENCE.checkName()).isEqualTo("presence-service");
    assertThat(Service.HISTORY.pingAddress()).isEqualTo("svc.history.ping");
  }

  @Test
  @DisplayName("an unknown service stops the start")
  void unknown() {
    assertThatThrownBy(() -> NeededServices.parse("chat,gateway")).hasMessageContaining("GATEWAY_READINESS_SERVICES").hasMessageContaining("gateway");
  }
}

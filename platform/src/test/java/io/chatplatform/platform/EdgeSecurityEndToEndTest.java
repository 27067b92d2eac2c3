package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.testsupport.Await;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-site WebSocket hijacking against the embedded platform: a page of another site holds a
 * valid credential (the worst case; with tickets in the URL and no cookies it normally has none)
 * and has the visitor's browser open the socket.
 */
@DisplayName("The embedded platform refuses sockets opened by pages of other sites")
class EdgeSecurityEndToEndTest {
  @TempDir static Path dataDir;
  static PlatformFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new PlatformFixture(dataDir);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @Test
  @DisplayName("a foreign Origin is refused with 403 before the ticket is read, so the same ticket still opens a socket from the platform's own page")
  void foreignOriginRefusedTicketKept() {
    Api.User u = fx.newUser("origin");
    String ticket = fx.api.ticket(u);
    assertThatThrownBy(() -> SocketClient.connect(fx.clientVertx, fx.port(), "ticket=" + ticket, Map.of("Origin", "https://evil.example")))
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(403));
    try (SocketClient own = SocketClient.connect(fx.clientVertx, fx.port(), "ticket=" + ticket, Map.of("Origin", "http://127.0.0.1:" + fx.port()))) {
      assertThat(own.ask("chat.sync", new JsonObject().put("rooms", new JsonObject())).getJsonObject("rooms")).isEmpty();
    }
  }

  @Test
  @DisplayName("a foreign Origin is refused even with a valid access token, and REST from it answers 403 without CORS headers")
  void foreignOriginWithToken() {
    Api.User u = fx.newUser("origin-token");
    assertThatThrownBy(() -> SocketClient.connect(fx.clientVertx, fx.port(), "access_token=" + u.token(), Map.of("Origin", "https://evil.example")))
        .isInstanceOf(UpgradeRejectedException.class);
    var response = Await.result(fx.api.client.get("/api/v1/me").bearerTokenAuthentication(u.token()).putHeader("Origin", "https://evil.example").send());
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.getHeader("Access-Control-Allow-Origin")).isNull();
    assertThat(fx.api.get("/api/v1/me", u.token()).status()).isEqualTo(200);
  }
}

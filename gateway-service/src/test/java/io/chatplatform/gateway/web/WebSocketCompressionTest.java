package io.chatplatform.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.gateway.GatewayServer;
import io.chatplatform.testsupport.Await;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A browser always offers permessage-deflate; the gateway accepts it only when told to. */
@DisplayName("WEBSOCKET_COMPRESSION: permessage-deflate only when enabled")
class WebSocketCompressionTest {
  static String negotiatedExtensions(Map<String, String> settings) {
    GatewayServer server = new GatewayServer(settings);
    try {
      WebSocketClient client = server.vertx.createWebSocketClient(new WebSocketClientOptions().setTryUsePerMessageCompression(true));
      WebSocket socket = Await.result(client.connect(new WebSocketConnectOptions()
          .setHost("127.0.0.1").setPort(server.port()).setURI("/eventbus/websocket").setAllowOriginHeader(false)));
      String extensions = socket.headers().get("Sec-WebSocket-Extensions");
      Await.result(socket.close());
      return extensions;
    } finally {
      server.close();
    }
  }

  @Test
  @DisplayName("by default the offer is declined: no socket holds a zlib context or deflates each event for itself")
  void offByDefault() {
    assertThat(negotiatedExtensions(Map.of())).isNull();
  }

  @Test
  @DisplayName("with WEBSOCKET_COMPRESSION=true the offer is accepted")
  void onWhenEnabled() {
    assertThat(negotiatedExtensions(Map.of("WEBSOCKET_COMPRESSION", "true"))).contains("permessage-deflate");
  }
}

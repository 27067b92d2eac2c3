package io.chatplatform.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.gateway.GatewayConfig;
import io.chatplatform.gateway.GatewayServer;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A page of another site tries to reach the gateway through its visitor's browser: the browser
 * names that page in {@code Origin}, which the page cannot change. Each endpoint a browser can
 * open is tried with a foreign origin (refused) and with an allowed one (served), so each check
 * is seen both ways.
 */
@DisplayName("Origins: a foreign page cannot open a socket or read REST answers")
class OriginsTest {
  static final String EVIL = "https://evil.example";

  static WebClient web(GatewayServer server) {
    return WebClient.create(server.vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.port()));
  }

  /** A WebSocket handshake to {@code path} with exactly the given Origin (none when null). */
  static WebSocket websocket(GatewayServer server, String path, String origin) {
    WebSocketClient client = server.vertx.createWebSocketClient();
    WebSocketConnectOptions options =
        new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port()).setURI(path)
            // Vert.x adds an Origin of its own unless told not to; told not to, it drops ours too.
            .setAllowOriginHeader(origin != null);
    if (origin != null) {
      options.addHeader("Origin", origin);
    }
    return Await.result(client.connect(options));
  }

  static int handshakeStatus(GatewayServer server, String path, String origin) {
    try {
      websocket(server, path, origin).close();
      return 101;
    } catch (UpgradeRejectedException e) {
      return e.getStatus();
    }
  }

  static HttpResponse<Buffer> send(WebClient client, HttpMethod method, String path, String origin, Map<String, String> headers) {
    HttpRequest<Buffer> request = client.request(method, path);
    if (origin != null) {
      request.putHeader("Origin", origin);
    }
    headers.forEach(request::putHeader);
    return Await.result(request.send());
  }

  static HttpResponse<Buffer> preflight(WebClient client, String path, String origin) {
    return send(client, HttpMethod.OPTIONS, path, origin, Map.of(
        "Access-Control-Request-Method", "POST",
        "Access-Control-Request-Headers", "authorization,content-type"));
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @DisplayName("ALLOWED_ORIGINS unset: the gateway's own origin only")
  class SameOriginOnly {
    GatewayServer server;
    WebClient client;

    @BeforeAll
    void start() {
      server = new GatewayServer(Map.of());
      client = web(server);
    }

    @AfterAll
    void stop() {
      client.close();
      server.close();
    }

    @Test
    @DisplayName("the raw WebSocket /eventbus/websocket refuses a foreign Origin with 403, before any upgrade")
    void rawWebSocket() {
      assertThat(handshakeStatus(server, "/eventbus/websocket", EVIL)).isEqualTo(403);
      assertThat(handshakeStatus(server, "/eventbus/websocket", "null")).isEqualTo(403);
      assertThat(handshakeStatus(server, "/eventbus/websocket", server.ownOrigin())).isEqualTo(101);
      assertThat(handshakeStatus(server, "/eventbus/websocket", null)).isEqualTo(101);
    }

    @Test
    @DisplayName("SockJS's WebSocket transport /eventbus/<server>/<session>/websocket refuses a foreign Origin with 403")
    void sockJsWebSocket() {
      assertThat(handshakeStatus(server, "/eventbus/000/evil0001/websocket", EVIL)).isEqualTo(403);
      assertThat(handshakeStatus(server, "/eventbus/000/good0001/websocket", server.ownOrigin())).isEqualTo(101);
    }

    @Test
    @DisplayName("SockJS's HTTP transports (info, XHR streaming and polling, sending, EventSource) refuse a foreign Origin with 403")
    void sockJsHttpTransports() {
      assertThat(send(client, HttpMethod.GET, "/eventbus/info", EVIL, Map.of()).statusCode()).isEqualTo(403);
      assertThat(send(client, HttpMethod.POST, "/eventbus/000/evil0002/xhr", EVIL, Map.of()).statusCode()).isEqualTo(403);
      assertThat(send(client, HttpMethod.POST, "/eventbus/000/evil0002/xhr_send", EVIL, Map.of()).statusCode()).isEqualTo(403);
      assertThat(send(client, HttpMethod.POST, "/eventbus/000/evil0003/xhr_streaming", EVIL, Map.of()).statusCode()).isEqualTo(403);
      assertThat(send(client, HttpMethod.GET, "/eventbus/000/evil0004/eventsource", EVIL, Map.of()).statusCode()).isEqualTo(403);

      HttpResponse<Buffer> info = send(client, HttpMethod.GET, "/eventbus/info", server.ownOrigin(), Map.of());
      assertThat(info.statusCode()).isEqualTo(200);
      assertThat(info.bodyAsJsonObject().getBoolean("websocket")).isTrue();
      assertThat(send(client, HttpMethod.GET, "/eventbus/info", null, Map.of()).statusCode()).isEqualTo(200);
      // SockJS closes the connection after an XHR poll: ask the client not to reuse it.
      HttpResponse<Buffer> open =
          send(client, HttpMethod.POST, "/eventbus/000/good0002/xhr", server.ownOrigin(), Map.of("Connection", "close"));
      assertThat(open.statusCode()).isEqualTo(200);
      assertThat(open.bodyAsString()).startsWith("o");
    }

    @Test
    @DisplayName("the SockJS transports a browser uses without an Origin header (JSONP, htmlfile, the iframe page) are not served")
    void uncheckableTransportsAreOff() {
      assertThat(send(client, HttpMethod.GET, "/eventbus/iframe.html", null, Map.of()).statusCode()).isEqualTo(404);
      assertThat(send(client, HttpMethod.GET, "/eventbus/iframe-1.6.1.html", null, Map.of()).statusCode()).isEqualTo(404);
      assertThat(send(client, HttpMethod.GET, "/eventbus/000/jsonp0001/jsonp?c=steal", null, Map.of()).statusCode()).isNotEqualTo(200);
      assertThat(send(client, HttpMethod.GET, "/eventbus/000/html0001/htmlfile?c=steal", null, Map.of()).statusCode()).isNotEqualTo(200);
    }

    @Test
    @DisplayName("a CORS preflight from a foreign origin gets 403 and no Access-Control-Allow-Origin")
    void foreignPreflight() {
      HttpResponse<Buffer> response = preflight(client, "/api/v1/auth/login", EVIL);
      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(response.getHeader("Access-Control-Allow-Origin")).isNull();
      HttpResponse<Buffer> read = send(client, HttpMethod.GET, "/api/v1/me", EVIL, Map.of("Authorization", "Bearer x"));
      assertThat(read.statusCode()).isEqualTo(403);
      assertThat(read.getHeader("Access-Control-Allow-Origin")).isNull();
      assertThat(read.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("forbidden");
    }

    @Test
    @DisplayName("the gateway's own page reaches REST; without a list no CORS header is needed or sent")
    void ownPageReachesRest() {
      HttpResponse<Buffer> me = send(client, HttpMethod.GET, "/api/v1/me", server.ownOrigin(), Map.of());
      assertThat(me.statusCode()).isEqualTo(401);
      assertThat(me.getHeader("Access-Control-Allow-Origin")).isNull();
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @DisplayName("ALLOWED_ORIGINS set: exactly the listed origins")
  class ExplicitList {
    static final String APP = "https://app.example.com";
    GatewayServer server;
    WebClient client;

    @BeforeAll
    void start() {
      server = new GatewayServer(Map.of("ALLOWED_ORIGINS", APP + ", http://localhost:3000", "CORS_MAX_AGE_SECONDS", "120"));
      client = web(server);
    }

    @AfterAll
    void stop() {
      client.close();
      server.close();
    }

    @Test
    @DisplayName("a listed origin gets a CORS preflight answer: its own origin, the methods, Authorization and Content-Type, no "
        + "credentials; and Retry-After exposed on answers")
    void listedPreflight() {
      HttpResponse<Buffer> response = preflight(client, "/api/v1/auth/login", APP);
      assertThat(response.statusCode()).isBetween(200, 204);
      assertThat(response.getHeader("Access-Control-Allow-Origin")).isEqualTo(APP);
      assertThat(response.getHeader("Access-Control-Allow-Methods")).contains("POST", "GET", "DELETE");
      assertThat(response.getHeader("Access-Control-Allow-Headers").toLowerCase()).contains("authorization", "content-type");
      assertThat(response.getHeader("Access-Control-Allow-Credentials")).isNull();
      assertThat(response.getHeader("Access-Control-Max-Age")).isEqualTo("120");

      HttpResponse<Buffer> me = send(client, HttpMethod.GET, "/api/v1/me", APP, Map.of());
      assertThat(me.statusCode()).isEqualTo(401);
      assertThat(me.getHeader("Access-Control-Allow-Origin")).isEqualTo(APP);
      // A 429's or an overload's Retry-After is readable by the page.
      assertThat(me.getHeader("Access-Control-Expose-Headers")).containsIgnoringCase("Retry-After");
    }

    @Test
    @DisplayName("an unlisted origin, the gateway's own included, gets 403 and no Access-Control-Allow-Origin")
    void unlistedPreflight() {
      for (String origin : new String[] {EVIL, server.ownOrigin(), "http://app.example.com"}) {
        HttpResponse<Buffer> response = preflight(client, "/api/v1/rooms", origin);
        assertThat(response.statusCode()).as(origin).isEqualTo(403);
        assertThat(response.getHeader("Access-Control-Allow-Origin")).as(origin).isNull();
      }
    }

    @Test
    @DisplayName("the socket opens for a listed origin and is refused for any other, on both endpoints")
    void socketFollowsTheList() {
      assertThat(handshakeStatus(server, "/eventbus/websocket", APP)).isEqualTo(101);
      assertThat(handshakeStatus(server, "/eventbus/websocket", EVIL)).isEqualTo(403);
      assertThat(handshakeStatus(server, "/eventbus/websocket", server.ownOrigin())).isEqualTo(403);
      assertThat(handshakeStatus(server, "/eventbus/000/list0001/websocket", APP)).isEqualTo(101);
      assertThat(handshakeStatus(server, "/eventbus/000/list0002/websocket", EVIL)).isEqualTo(403);
      assertThat(send(client, HttpMethod.POST, "/eventbus/000/list0003/xhr", EVIL, Map.of()).statusCode()).isEqualTo(403);
      assertThat(send(client, HttpMethod.POST, "/eventbus/000/list0004/xhr", APP, Map.of()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("a malformed ALLOWED_ORIGINS stops the gateway from starting")
  void badListStopsStart() {
    Settings settings = Settings.of(Map.of("JWT_SECRET", "gateway-test-secret-gateway-test-secret-0123", "ALLOWED_ORIGINS", "*"));
    assertThatThrownBy(() -> GatewayConfig.from(settings)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ALLOWED_ORIGINS");
  }
}

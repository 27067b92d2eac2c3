package io.chatplatform.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.gateway.GatewayConfig;
import io.chatplatform.gateway.GatewayServer;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway with TLS_CERT_FILE and TLS_KEY_FILE: a self-signed certificate made by openssl for 127.0.0.1. */
@DisplayName("TLS: HTTPS and WSS on HTTP_PORT, plain HTTP only as a redirect")
class TlsTest {
  @TempDir static Path dir;
  static Path cert;
  static Path key;
  static GatewayServer server;
  static WebClient https;
  static WebClient plain;

  @BeforeAll
  static void start() throws Exception {
    cert = dir.resolve("cert.pem");
    key = dir.resolve("key.pem");
    selfSigned(cert, key);
    server = new GatewayServer(Map.of(
        "TLS_CERT_FILE", cert.toString(), "TLS_KEY_FILE", key.toString(), "HTTP_REDIRECT_PORT", "0", "HSTS_MAX_AGE_SECONDS", "86400"));
    https = WebClient.create(server.vertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1").setDefaultPort(server.port())
        .setSsl(true).setTrustOptions(new PemTrustOptions().addCertPath(cert.toString())));
    plain = WebClient.create(server.vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setFollowRedirects(false));
  }

  /** A key and a certificate for 127.0.0.1, valid one day, from the system's openssl. */
  static void selfSigned(Path certFile, Path keyFile) throws Exception {
    Path openssl = Path.of("/usr/bin/openssl");
    assertThat(openssl).as("these tests make their certificate with openssl").isExecutable();
    Process p = new ProcessBuilder(List.of(openssl.toString(), "req", "-x509", "-newkey", "rsa:2048", "-nodes",
            "-keyout", keyFile.toString(), "-out", certFile.toString(), "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"))
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
  }

  @AfterAll
  static void stop() {
    https.close();
    plain.close();
    server.close();
  }

  @Test
  @DisplayName("HTTPS serves the page and REST with HSTS, to a client that trusts the certificate")
  void servesHttps() {
    HttpResponse<Buffer> page = Await.result(https.get("/").send());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("Strict-Transport-Security")).isEqualTo("max-age=86400");
    assertThat(page.getHeader("Content-Security-Policy")).contains("connect-src 'self' wss://127.0.0.1:" + server.port()).doesNotContain("ws://");
    assertThat(Await.result(https.get("/api/v1/me").send()).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("the socket is WSS: a TLS WebSocket handshake succeeds, and the server then speaks the bridge protocol")
  void servesWss() {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port())
        .setSsl(true).setURI("/eventbus/websocket?access_token=not-a-token");
    // Handlers go on before connecting: the server refuses the bad token at once, possibly
    // before connect() would have returned.
    io.vertx.core.http.ClientWebSocket ws = server.vertx.createWebSocketClient(new WebSocketClientOptions()
            .setSsl(true).setTrustOptions(new PemTrustOptions().addCertPath(cert.toString())))
        .webSocket();
    io.vertx.core.Promise<String> first = io.vertx.core.Promise.promise();
    ws.handler(b -> first.tryComplete(b.toString()));
    ws.closeHandler(v -> first.tryComplete("closed " + ws.closeStatusCode()));
    Await.result(ws.connect(options));
    assertThat(Await.result(first.future())).contains("unauthorized");
  }

  @Test
  @DisplayName("plain HTTP on HTTP_PORT gets no page: the port speaks TLS only")
  void noPlainHttpOnTheTlsPort() {
    assertThatThrownBy(() -> Await.result(plain.get(server.port(), "127.0.0.1", "/").send())).isNotNull();
  }

  @Test
  @DisplayName("a client that does not trust the certificate cannot connect (it is real TLS)")
  void untrustedClientRefused() {
    WebClient untrusting = WebClient.create(server.vertx, new WebClientOptions().setSsl(true));
    try {
      assertThatThrownBy(() -> Await.result(untrusting.get(server.port(), "127.0.0.1", "/").send())).hasStackTraceContaining("SSL");
    } finally {
      untrusting.close();
    }
  }

  @Test
  @DisplayName("HTTP_REDIRECT_PORT sends page requests to the same path on https, and refuses everything else")
  void redirect() {
    int port = server.gateway.redirectPort();
    assertThat(port).isPositive();
    HttpResponse<Buffer> get = Await.result(plain.get(port, "127.0.0.1", "/rooms?x=1").send());
    assertThat(get.statusCode()).isEqualTo(301);
    assertThat(get.getHeader("Location")).isEqualTo("https://127.0.0.1:" + server.port() + "/rooms?x=1");
    HttpResponse<Buffer> post = Await.result(plain.request(HttpMethod.POST, port, "127.0.0.1", "/api/v1/auth/login").send());
    assertThat(post.statusCode()).isEqualTo(403);
    assertThat(post.getHeader("Location")).isNull();
  }

  @Test
  @DisplayName("the TLS settings are checked at start: both files or neither, readable, and a redirect only with TLS")
  void settingsChecked() {
    String secret = "gateway-test-secret-gateway-test-secret-0123";
    assertThatThrownBy(() -> GatewayConfig.from(Settings.of(Map.of("JWT_SECRET", secret, "TLS_CERT_FILE", cert.toString()))))
        .hasMessageContaining("together");
    assertThatThrownBy(() -> GatewayConfig.from(Settings.of(Map.of("JWT_SECRET", secret,
            "TLS_CERT_FILE", cert.toString(), "TLS_KEY_FILE", dir.resolve("missing.pem").toString()))))
        .hasMessageContaining("cannot read");
    assertThatThrownBy(() -> GatewayConfig.from(Settings.of(Map.of("JWT_SECRET", secret, "HTTP_REDIRECT_PORT", "8081"))))
        .hasMessageContaining("needs TLS");
    assertThat(GatewayConfig.from(Settings.of(Map.of("JWT_SECRET", secret))).tls()).isFalse();
  }
}

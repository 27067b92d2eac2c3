package io.chatplatform.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.gateway.GatewayServer;
import io.chatplatform.testsupport.Await;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Security headers on the page, its files, REST and the socket's HTTP transports")
class SecurityHeadersTest {
  static GatewayServer server;
  static WebClient client;

  @BeforeAll
  static void start() {
    server = new GatewayServer(Map.of());
    client = WebClient.create(server.vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.port()));
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  static HttpResponse<Buffer> get(String path) {
    return Await.result(client.get(path).send());
  }

  @Test
  @DisplayName("the page and its scripts, styles and webjar carry a CSP of self only, no framing, no plugins, no base, plus nosniff, no-referrer and DENY")
  void pageHeaders() {
    for (String path : new String[] {"/", "/index.html", "/js/app.js", "/css/app.css", "/webjars/sockjs-client/1.6.1/dist/sockjs.min.js"}) {
      HttpResponse<Buffer> response = get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      String csp = response.getHeader("Content-Security-Policy");
      assertThat(csp).as(path)
          .contains("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "base-uri 'none'",
              "frame-ancestors 'none'", "connect-src 'self' ws://127.0.0.1:" + server.port() + " wss://127.0.0.1:" + server.port())
          .doesNotContain("unsafe-inline", "unsafe-eval", "*");
      assertThat(response.getHeader("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
      assertThat(response.getHeader("Referrer-Policy")).as(path).isEqualTo("no-referrer");
      assertThat(response.getHeader("X-Frame-Options")).as(path).isEqualTo("DENY");
      assertThat(response.getHeader("Strict-Transport-Security")).as(path + ": no HSTS over plain HTTP").isNull();
    }
  }

  /**
   * The page registers /sw.js with scope "/": browsers accept it only as JavaScript (nosniff is on)
   * and under the page's CSP, where a worker falls back from worker-src to script-src 'self'. A
   * script at the root needs no Service-Worker-Allowed header for that scope.
   */
  @Test
  @DisplayName("the service worker is served from the root as JavaScript, under a CSP that lets the page register it")
  void serviceWorkerHeaders() {
    HttpResponse<Buffer> worker = get("/sw.js");
    assertThat(worker.statusCode()).isEqualTo(200);
    assertThat(worker.getHeader("Content-Type")).matches("(text|application)/javascript(;.*)?");
    assertThat(worker.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    for (HttpResponse<Buffer> response : List.of(get("/"), worker)) {
      String csp = response.getHeader("Content-Security-Policy");
      assertThat(csp).contains("script-src 'self'");
      assertThat(csp).as("no worker-src narrower than script-src").doesNotContain("worker-src", "child-src");
    }
  }

  @Test
  @DisplayName("REST, the socket's HTTP transports and operations carry a CSP that allows nothing; REST answers are never cached")
  void dataHeaders() {
    for (String path : new String[] {"/api/v1/me", "/api/v1/no-such-thing", "/eventbus/info", "/health/live", "/metrics"}) {
      HttpResponse<Buffer> response = get(path);
      assertThat(response.getHeader("Content-Security-Policy")).as(path).isEqualTo(SecurityHeaders.API_POLICY);
      assertThat(response.getHeader("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
      assertThat(response.getHeader("X-Frame-Options")).as(path).isEqualTo("DENY");
    }
    assertThat(get("/api/v1/me").getHeader("Cache-Control")).isEqualTo("no-store");
  }

  /**
   * The CSP has no {@code 'unsafe-inline'}: the page works only while it has no inline script,
   * style element, style attribute or event handler attribute. This fails the day one is added.
   */
  @Test
  @DisplayName("the served page has nothing inline that the CSP would block: every script has a src, no style element or attribute, no on* handler")
  void pageHasNothingInline() {
    String html = get("/").bodyAsString();
    assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE).matcher(html).find())
        .as("inline <script>").isFalse();
    assertThat(Pattern.compile("<style[\\s>]", Pattern.CASE_INSENSITIVE).matcher(html).find()).as("<style> element").isFalse();
    assertThat(Pattern.compile("\\sstyle\\s*=", Pattern.CASE_INSENSITIVE).matcher(html).find()).as("style attribute").isFalse();
    assertThat(Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE).matcher(html).find()).as("on* handler").isFalse();
    assertThat(Pattern.compile("(src|href)\\s*=\\s*\"(https?:)?//", Pattern.CASE_INSENSITIVE).matcher(html).find())
        .as("a script or style from another origin").isFalse();
  }
}

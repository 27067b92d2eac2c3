package io.chatplatform.gateway.web;

import io.chatplatform.gateway.GatewayConfig;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;

/**
 * The gateway's HTTP servers: the public one (page, REST, socket, operations), which speaks
 * HTTPS and WSS only when {@code TLS_CERT_FILE} and {@code TLS_KEY_FILE} are set, and the
 * plain-HTTP one that only redirects to it ({@link HttpsRedirect}).
 */
public final class ServerOptions {
  private ServerOptions() {}

  public static HttpServerOptions publicServer(GatewayConfig config) {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.httpHost())
            .setPort(config.httpPort())
            .setCompressionSupported(true)
            .setPerMessageWebSocketCompressionSupported(config.webSocketCompression())
            .setPerFrameWebSocketCompressionSupported(config.webSocketCompression())
            // Twice the limit: a frame a little over it reaches the socket's frame router, which
            // closes with a clear reason; the decoder cuts off anything larger without buffering it.
            .setMaxWebSocketFrameSize(2 * config.maxFrameBytes())
            .setMaxWebSocketMessageSize(2 * config.maxFrameBytes());
    if (config.tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(config.tlsCertFile()).setKeyPath(config.tlsKeyFile()));
    }
    return options;
  }

  /** Only with TLS and {@code HTTP_REDIRECT_PORT}. */
  public static HttpServerOptions redirectServer(GatewayConfig config) {
    return new HttpServerOptions().setHost(config.httpHost()).setPort(config.httpRedirectPort());
  }
}

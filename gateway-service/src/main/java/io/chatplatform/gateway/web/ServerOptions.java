package io.chatplatform.gateway.web;

import io.chatplatform.gateway.GatewayConfig;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;

/**
 * The gateway's HTTP servers: the public one (page, REST, socket), which speaks HTTPS and WSS
 * only when {@code TLS_CERT_FILE} and {@code TLS_KEY_FILE} are set, the plain-HTTP one that only
 * redirects to it ({@link HttpsRedirect}), and the operations server on its own port.
 *
 * <p>The public servers speak HTTP/1.1 only: HTTP/2 over cleartext (h2c) is off, so that Vert.x
 * hands over each connection as soon as it is accepted (with h2c on, only after its first bytes,
 * and a connection that never sends one would never be counted or timed by {@link ConnectionGuard}).
 * Without ALPN, TLS connections are HTTP/1.1 too.
 */
public final class ServerOptions {
  private ServerOptions() {}

  public static HttpServerOptions publicServer(GatewayConfig config) {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.httpHost())
            .setPort(config.httpPort())
            .setHttp2ClearTextEnabled(false)
            .setCompressionSupported(true)
            .setPerMessageWebSocketCompressionSupported(config.webSocketCompression())
            .setPerFrameWebSocketCompressionSupported(config.webSocketCompression())
            // Twice the limit: a frame a little over it reaches the socket's frame router, which
            // closes with a clear reason; the decoder cuts off anything larger without buffering it.
            .setMaxWebSocketFrameSize(2 * config.maxFrameBytes())
            .setMaxWebSocketMessageSize(2 * config.maxFrameBytes())
            // Vert.x's WebSockets (WEBSOCKET_COMPRESSION) wait for a close frame as the lean ones do, in whole seconds.
            .setWebSocketClosingTimeout((int) Math.max(1, (config.socketCloseTimeoutMs() + 999) / 1000));
    if (config.tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(config.tlsCertFile()).setKeyPath(config.tlsKeyFile()));
    }
    return options;
  }

  /** Only with TLS and {@code HTTP_REDIRECT_PORT}. */
  public static HttpServerOptions redirectServer(GatewayConfig config) {
    return new HttpServerOptions().setHost(config.httpHost()).setPort(config.httpRedirectPort()).setHttp2ClearTextEnabled(false);
  }

  /** {@code OPS_HTTP_HOST}:{@code OPS_HTTP_PORT}: health and metrics, for the private network only. */
  public static HttpServerOptions operationsServer(GatewayConfig config) {
    return new HttpServerOptions().setHost(config.edge().opsHost()).setPort(config.edge().opsPort());
  }
}

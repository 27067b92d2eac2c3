package io.chatplatform.loadtest.generator;

import java.net.URI;

/** Where the server is. */
public record Endpoint(String host, int port) {
  /** The WebSocket endpoint of protocol v1 (the baseline relay serves the same path). */
  public static final String SOCKET_PATH = "/eventbus/websocket";
  private static final int HTTP_DEFAULT_PORT = 80;

  public static Endpoint of(URI url) {
    return new Endpoint(url.getHost(), url.getPort() < 0 ? HTTP_DEFAULT_PORT : url.getPort());
  }
}

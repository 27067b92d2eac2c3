package io.chatplatform.loadtest;

import java.net.URI;

/** Where the server is. */
record Endpoint(String host, int port) {
  private static final int HTTP_DEFAULT_PORT = 80;

  static Endpoint of(URI url) {
    return new Endpoint(url.getHost(), url.getPort() < 0 ? HTTP_DEFAULT_PORT : url.getPort());
  }
}

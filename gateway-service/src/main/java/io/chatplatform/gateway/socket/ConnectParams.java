package io.chatplatform.gateway.socket;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a client puts in the socket's URL: a {@code ticket} (browsers) or an {@code access_token}
 * (other clients), and its {@code device} label. Holds secrets: never logged.
 *
 * @param device the client's label of its device, short and plain, else {@code unknown}
 */
record ConnectParams(String ticket, String accessToken, String device) {
  private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9._-]{1,32}");

  static ConnectParams parse(String uri) {
    Map<String, List<String>> params = new QueryStringDecoder(uri == null ? "" : uri).parameters();
    String device = first(params.get("device"));
    return new ConnectParams(
        first(params.get("ticket")),
        first(params.get("access_token")),
        device != null && DEVICE.matcher(device).matches() ? device : "unknown");
  }

  /**
   * The credential the socket is authenticated with ({@link SocketAuthenticator}), kind and value:
   * {@code ticket:…} when a ticket is given, else {@code access_token:…}; null without either.
   */
  String credential() {
    return ticket != null ? "ticket:" + ticket : accessToken != null ? "access_token:" + accessToken : null;
  }

  /** Without the credentials. */
  @Override
  public String toString() {
    return "ConnectParams[ticket=" + (ticket == null ? null : "(hidden)") + ", accessToken="
        + (accessToken == null ? null : "(hidden)") + ", device=" + device + "]";
  }

  private static String first(List<String> values) {
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}

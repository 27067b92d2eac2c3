package io.chatplatform.notification.domain;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The minimal {@link EndpointPolicy} until the Web Push provider's {@code WebPushEndpoints}
 * ({@code WEBPUSH_ALLOWED_ENDPOINTS}) is merged: an absolute https URL with a host, no user info,
 * no fragment. It does not limit the host, so it does not stop a request to an internal https
 * server; the allow-list does.
 */
public final class HttpsOnlyEndpoints implements EndpointPolicy {
  @Override
  public boolean allowed(String endpoint) {
    try {
      URI uri = new URI(endpoint);
      return "https".equalsIgnoreCase(uri.getScheme())
          && uri.getHost() != null
          && uri.getRawUserInfo() == null
          && uri.getRawFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}

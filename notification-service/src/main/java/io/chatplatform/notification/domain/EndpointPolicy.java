package io.chatplatform.notification.domain;

/**
 * Which Web Push endpoints a subscription may name: the service posts to that URL, so an
 * endpoint is a server-side request a client chooses (SSRF) unless it is limited.
 */
public interface EndpointPolicy {
  boolean allowed(String endpoint);
}

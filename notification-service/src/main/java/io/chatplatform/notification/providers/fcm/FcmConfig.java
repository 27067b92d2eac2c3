package io.chatplatform.notification.providers.fcm;

import io.chatplatform.runtime.Settings;

/**
 * Firebase Cloud Messaging (HTTP v1) settings.
 *
 * @param projectId FCM_PROJECT_ID; FCM is off when unset
 * @param serviceAccountFile FCM_SERVICE_ACCOUNT_FILE: the service account's JSON key
 * @param baseUrl FCM_BASE_URL
 * @param tokenUri FCM_TOKEN_URI: replaces the key file's token_uri (null keeps it)
 * @param timeoutMs FCM_TIMEOUT_MS: bounds each send, including an access-token fetch
 * @param tokenRefreshMarginSeconds FCM_TOKEN_REFRESH_MARGIN_SECONDS: an access token is replaced this long before it expires
 */
public record FcmConfig(
    String projectId,
    String serviceAccountFile,
    String baseUrl,
    String tokenUri,
    long timeoutMs,
    long tokenRefreshMarginSeconds) {

  public static final String DEFAULT_BASE_URL = "https://fcm.googleapis.com";

  public static FcmConfig from(Settings settings) {
    FcmConfig config =
        new FcmConfig(
            settings.optional("FCM_PROJECT_ID"),
            settings.optional("FCM_SERVICE_ACCOUNT_FILE"),
            stripSlash(settings.string("FCM_BASE_URL", DEFAULT_BASE_URL)),
            settings.optional("FCM_TOKEN_URI"),
            settings.longValue("FCM_TIMEOUT_MS", 10_000),
            settings.longValue("FCM_TOKEN_REFRESH_MARGIN_SECONDS", 300));
    if (config.enabled() && config.serviceAccountFile() == null) {
      throw new IllegalArgumentException("FCM_PROJECT_ID is set but FCM_SERVICE_ACCOUNT_FILE is not");
    }
    if (config.timeoutMs() <= 0) {
      throw new IllegalArgumentException("FCM_TIMEOUT_MS must be positive");
    }
    // Google's tokens last an hour; a margin of half that or more would refetch on nearly every send.
    if (config.tokenRefreshMarginSeconds() < 0 || config.tokenRefreshMarginSeconds() > 1800) {
      throw new IllegalArgumentException("FCM_TOKEN_REFRESH_MARGIN_SECONDS must be between 0 and 1800");
    }
    return config;
  }

  public boolean enabled() {
    return projectId != null;
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}

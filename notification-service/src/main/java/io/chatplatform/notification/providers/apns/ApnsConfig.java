package io.chatplatform.notification.providers.apns;

import io.chatplatform.runtime.Settings;

/**
 * Apple Push Notification service settings (token-based authentication).
 *
 * @param keyFile APNS_KEY_FILE: the .p8 signing key from the Apple developer account; APNs is off when unset
 * @param keyId APNS_KEY_ID: the key's 10-character id
 * @param teamId APNS_TEAM_ID: the developer team's id
 * @param productionHost APNS_HOST_PRODUCTION
 * @param sandboxHost APNS_HOST_SANDBOX: for devices registered from development builds
 * @param port APNS_PORT
 * @param trustFile APNS_TRUST_FILE: PEM certificates to trust instead of the JDK's (tests: the stand-in's)
 * @param timeoutMs APNS_TIMEOUT_MS: bounds each send
 * @param tokenRefreshSeconds APNS_TOKEN_REFRESH_SECONDS: age at which the provider token is replaced
 */
public record ApnsConfig(
    String keyFile,
    String keyId,
    String teamId,
    String productionHost,
    String sandboxHost,
    int port,
    String trustFile,
    long timeoutMs,
    long tokenRefreshSeconds) {

  public static ApnsConfig from(Settings settings) {
    ApnsConfig config =
        new ApnsConfig(
            settings.optional("APNS_KEY_FILE"),
            settings.optional("APNS_KEY_ID"),
            settings.optional("APNS_TEAM_ID"),
            settings.string("APNS_HOST_PRODUCTION", "api.push.apple.com"),
            settings.string("APNS_HOST_SANDBOX", "api.sandbox.push.apple.com"),
            settings.integer("APNS_PORT", 443),
            settings.optional("APNS_TRUST_FILE"),
            settings.longValue("APNS_TIMEOUT_MS", 10_000),
            settings.longValue("APNS_TOKEN_REFRESH_SECONDS", 3000));
    if (config.enabled() && (config.keyId() == null || config.teamId() == null)) {
      throw new IllegalArgumentException("APNS_KEY_FILE needs APNS_KEY_ID and APNS_TEAM_ID");
    }
    if (config.timeoutMs() <= 0) {
      throw new IllegalArgumentException("APNS_TIMEOUT_MS must be positive");
    }
    // Apple refuses tokens older than an hour and throttles a provider that replaces its token more
    // often than every 20 minutes (TooManyProviderTokenUpdates).
    if (config.tokenRefreshSeconds() < 1200 || config.tokenRefreshSeconds() > 3300) {
      throw new IllegalArgumentException("APNS_TOKEN_REFRESH_SECONDS must be between 1200 and 3300");
    }
    return config;
  }

  public boolean enabled() {
    return keyFile != null;
  }

  /** The host for a device's environment: "sandbox" for development builds, production otherwise. */
  public String host(String apnsEnvironment) {
    return "sandbox".equals(apnsEnvironment) ? sandboxHost : productionHost;
  }
}

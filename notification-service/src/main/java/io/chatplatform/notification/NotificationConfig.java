package io.chatplatform.notification;

import io.chatplatform.notification.domain.PushPolicy;
import io.chatplatform.notification.providers.ConfiguredProviders;
import io.chatplatform.runtime.MongoConfig;
import io.chatplatform.runtime.Settings;

/**
 * Settings of notification-service's core; each is named after its environment variable. The
 * providers' settings live in their own records (WebPushConfig, FcmConfig, ApnsConfig).
 *
 * @param mongo its database (devices, room modes, pending pushes, sent markers)
 * @param policy {@code PUSH_DELAY_MS} (10 s), {@code PUSH_CLAIM_LEASE_MS} (60 s), {@code PUSH_MAX_ATTEMPTS} (5),
 *     {@code PUSH_RETRY_BASE_MS} (2 s), {@code PUSH_RETRY_MAX_MS} (5 min), {@code PUSH_CONTENT}
 *     ({@code preview} or {@code id-only}), {@code PUSH_PREVIEW_MAX_CHARS} (100), {@code PUSH_TTL_SECONDS}
 *     (1 day), {@code PUSH_SENT_KEEP_MS} (1 day)
 * @param pollMs how often due pushes are looked for ({@code PUSH_POLL_MS})
 * @param claimBatch most records one poll handles ({@code PUSH_CLAIM_BATCH})
 * @param maxDevicesPerUser devices one user may register; the oldest is dropped ({@code MAX_DEVICES_PER_USER})
 * @param serviceTimeoutMs how long a request to chat-, history- or presence-service may take ({@code PUSH_SERVICE_TIMEOUT_MS})
 * @param presenceQueryMaxUsers users per presence query, as presence-service allows ({@code PRESENCE_QUERY_MAX_USERS})
 * @param providers the push providers' settings ({@code WEBPUSH_*}, {@code FCM_*}, {@code APNS_*})
 * @param noticeLingerMs how long a room's message notices are gathered in memory before they are
 *     written as one ({@code PUSH_NOTICE_LINGER_MS}; 0: each at once)
 * @param noticeBufferMaxRooms rooms whose notices may wait at once; reaching it writes them all
 *     ({@code PUSH_NOTICE_BUFFER_MAX_ROOMS})
 */
public record NotificationConfig(
    MongoConfig mongo, PushPolicy policy, long pollMs, int claimBatch, int maxDevicesPerUser, long serviceTimeoutMs,
    int presenceQueryMaxUsers, ConfiguredProviders providers, long noticeLingerMs, int noticeBufferMaxRooms) {

  public static NotificationConfig from(Settings settings) {
    String content = settings.string("PUSH_CONTENT", "preview");
    if (!content.equals("preview") && !content.equals("id-only")) {
      throw new IllegalArgumentException("PUSH_CONTENT must be preview or id-only");
    }
    PushPolicy policy = new PushPolicy(
        atLeast(settings.longValue("PUSH_DELAY_MS", 10_000), 0, "PUSH_DELAY_MS"),
        atLeast(settings.longValue("PUSH_CLAIM_LEASE_MS", 60_000), 1_000, "PUSH_CLAIM_LEASE_MS"),
        (int) atLeast(settings.integer("PUSH_MAX_ATTEMPTS", 5), 1, "PUSH_MAX_ATTEMPTS"),
        atLeast(settings.longValue("PUSH_RETRY_BASE_MS", 2_000), 1, "PUSH_RETRY_BASE_MS"),
        atLeast(settings.longValue("PUSH_RETRY_MAX_MS", 300_000), 1, "PUSH_RETRY_MAX_MS"),
        content.equals("id-only"),
        (int) atLeast(settings.integer("PUSH_PREVIEW_MAX_CHARS", 100), 1, "PUSH_PREVIEW_MAX_CHARS"),
        (int) atLeast(settings.integer("PUSH_TTL_SECONDS", 86_400), 0, "PUSH_TTL_SECONDS"),
        atLeast(settings.longValue("PUSH_SENT_KEEP_MS", 86_400_000), 60_000, "PUSH_SENT_KEEP_MS"));
    return new NotificationConfig(
        MongoConfig.from(settings),
        policy,
        atLeast(settings.longValue("PUSH_POLL_MS", 1_000), 10, "PUSH_POLL_MS"),
        (int) atLeast(settings.integer("PUSH_CLAIM_BATCH", 100), 1, "PUSH_CLAIM_BATCH"),
        (int) atLeast(settings.integer("MAX_DEVICES_PER_USER", 10), 1, "MAX_DEVICES_PER_USER"),
        atLeast(settings.longValue("PUSH_SERVICE_TIMEOUT_MS", 4_000), 1, "PUSH_SERVICE_TIMEOUT_MS"),
        (int) atLeast(settings.integer("PRESENCE_QUERY_MAX_USERS", 200), 1, "PRESENCE_QUERY_MAX_USERS"),
        ConfiguredProviders.from(settings),
        atLeast(settings.longValue("PUSH_NOTICE_LINGER_MS", 200), 0, "PUSH_NOTICE_LINGER_MS"),
        (int) atLeast(settings.integer("PUSH_NOTICE_BUFFER_MAX_ROOMS", 10_000), 1, "PUSH_NOTICE_BUFFER_MAX_ROOMS"));
  }

  private static long atLeast(long value, long min, String name) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min);
    }
    return value;
  }
}

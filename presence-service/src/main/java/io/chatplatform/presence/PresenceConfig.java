package io.chatplatform.presence;

import io.chatplatform.runtime.Settings;
import io.chatplatform.runtime.StartupRetry;

/**
 * Settings of presence-service; each is named after its environment variable.
 *
 * @param redisUrl Redis holding the session registry, e.g. {@code redis://host:6379}; unset keeps
 *     it in memory, which is right only when one presence-service instance runs ({@code REDIS_URL})
 * @param redisKeyPrefix prefix of every key this service writes ({@code REDIS_KEY_PREFIX})
 * @param redisMaxPoolSize Redis connections per instance ({@code REDIS_MAX_POOL_SIZE})
 * @param nodeTtlMs a gateway node that has not sent a heartbeat for this long is dead and its
 *     sessions are dropped ({@code PRESENCE_NODE_TTL_MS})
 * @param reapIntervalMs how often dead nodes are looked for ({@code PRESENCE_REAP_INTERVAL_MS})
 * @param offlineGraceMs how long after a user's last socket closes they are still shown online,
 *     so a quick reconnect does not flicker ({@code PRESENCE_OFFLINE_GRACE_MS})
 * @param typingThrottleMs at most one {@code typing:true} per user and room in this period is
 *     forwarded ({@code TYPING_THROTTLE_MS})
 * @param typingTimeoutMs a typer that sends no refresh for this long gets {@code typing:false}
 *     ({@code TYPING_TIMEOUT_MS})
 * @param queryMaxUsers most user ids in one presence query ({@code PRESENCE_QUERY_MAX_USERS})
 * @param coalesceMs a user's presence changes are fanned out to their contacts at most once per
 *     this period, the latest status last; 0 fans out every change ({@code PRESENCE_COALESCE_MS})
 * @param chatTimeoutMs how long to wait for chat-service (membership, room-mates) ({@code PRESENCE_CHAT_TIMEOUT_MS})
 * @param redisCommandTimeoutMs longest a Redis command may take; past it the request fails as
 *     {@code unavailable} ({@code REDIS_COMMAND_TIMEOUT_MS}); below the gateway's {@code SERVICE_TIMEOUT_MS}
 * @param redisStartWaitMs how long a starting instance keeps trying its Redis before it gives up
 *     and exits ({@code REDIS_START_WAIT_MS})
 */
public record PresenceConfig(
    String redisUrl,
    String redisKeyPrefix,
    int redisMaxPoolSize,
    long nodeTtlMs,
    long reapIntervalMs,
    long offlineGraceMs,
    long typingThrottleMs,
    long typingTimeoutMs,
    int queryMaxUsers,
    long coalesceMs,
    long chatTimeoutMs,
    long redisCommandTimeoutMs,
    long redisStartWaitMs) {

  public static PresenceConfig from(Settings settings) {
    PresenceConfig config =
        new PresenceConfig(
            settings.optional("REDIS_URL"),
            settings.string("REDIS_KEY_PREFIX", "chat:presence:"),
            settings.integer("REDIS_MAX_POOL_SIZE", 8),
            settings.longValue("PRESENCE_NODE_TTL_MS", 10_000),
            settings.longValue("PRESENCE_REAP_INTERVAL_MS", 2_000),
            settings.longValue("PRESENCE_OFFLINE_GRACE_MS", 5_000),
            settings.longValue("TYPING_THROTTLE_MS", 2_000),
            settings.longValue("TYPING_TIMEOUT_MS", 6_000),
            settings.integer("PRESENCE_QUERY_MAX_USERS", 200),
            settings.longValue("PRESENCE_COALESCE_MS", 500),
            settings.longValue("PRESENCE_CHAT_TIMEOUT_MS", 4_000),
            settings.longValue("REDIS_COMMAND_TIMEOUT_MS", 2_000),
            StartupRetry.waitMs(settings));
    if (config.nodeTtlMs < 1_000 || config.reapIntervalMs < 100) {
      throw new IllegalArgumentException("PRESENCE_NODE_TTL_MS must be at least 1000 and PRESENCE_REAP_INTERVAL_MS at least 100");
    }
    if (config.coalesceMs < 0) {
      throw new IllegalArgumentException("PRESENCE_COALESCE_MS must be 0 or more");
    }
    if (config.redisCommandTimeoutMs < 10) {
      throw new IllegalArgumentException("REDIS_COMMAND_TIMEOUT_MS must be at least 10");
    }
    return config;
  }
}

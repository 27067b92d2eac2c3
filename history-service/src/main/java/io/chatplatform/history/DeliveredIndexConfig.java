package io.chatplatform.history;

import io.chatplatform.runtime.Settings;
import io.chatplatform.runtime.StartupRetry;

/**
 * The index of delivered watermarks that answers the push decision ({@code domain.DeliveredIndex}).
 *
 * @param redisUrl Redis shared by every history-service instance ({@code REDIS_URL}); null: in
 *     memory, exact with one instance, correct but slower with several (each sees only its receipts)
 * @param redisMaxPoolSize Redis connections per instance ({@code REDIS_MAX_POOL_SIZE})
 * @param redisCommandTimeoutMs a command not answered in this time fails ({@code REDIS_COMMAND_TIMEOUT_MS});
 *     the decision then reads every member from MongoDB
 * @param keyPrefix prefix of the index keys ({@code DELIVERED_INDEX_KEY_PREFIX})
 * @param ttlMs a room's index is dropped this long after it was built, and rebuilt at the room's
 *     next decision: quiet rooms do not keep Redis memory ({@code DELIVERED_INDEX_TTL_SECONDS})
 * @param memoryRooms rooms the in-memory index keeps, least recently used dropped ({@code DELIVERED_INDEX_MEMORY_ROOMS})
 * @param redisStartWaitMs how long a starting instance keeps trying its Redis before it gives up
 *     and exits ({@code REDIS_START_WAIT_MS})
 */
public record DeliveredIndexConfig(
    String redisUrl,
    int redisMaxPoolSize,
    long redisCommandTimeoutMs,
    String keyPrefix,
    long ttlMs,
    int memoryRooms,
    long redisStartWaitMs) {

  public static DeliveredIndexConfig from(Settings settings) {
    return new DeliveredIndexConfig(
        settings.optional("REDIS_URL"),
        settings.integer("REDIS_MAX_POOL_SIZE", 8),
        settings.longValue("REDIS_COMMAND_TIMEOUT_MS", 2_000),
        settings.string("DELIVERED_INDEX_KEY_PREFIX", "chat:history:delivered:"),
        settings.longValue("DELIVERED_INDEX_TTL_SECONDS", 7 * 24 * 3600) * 1000,
        settings.integer("DELIVERED_INDEX_MEMORY_ROOMS", 100_000),
        StartupRetry.waitMs(settings));
  }
}

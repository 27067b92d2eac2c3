package io.chatplatform.gateway.ratelimit;

import io.chatplatform.gateway.ratelimit.RateLimiter.Limit;
import io.chatplatform.runtime.Settings;
import io.chatplatform.runtime.StartupRetry;

/**
 * Every rate limit of the gateway; each is a token bucket of {@code <NAME>_BURST} tokens that
 * refills at {@code <NAME>_PER_SECOND}, named after its environment variables.
 *
 * @param redisUrl Redis shared by the gateway nodes for per-user and per-IP buckets; unset keeps
 *     them in this node's memory, exact only for one node ({@code REDIS_URL})
 * @param redisKeyPrefix prefix of the bucket keys ({@code RATE_LIMIT_REDIS_PREFIX})
 * @param redisMaxPoolSize Redis connections per gateway node ({@code REDIS_MAX_POOL_SIZE})
 * @param memoryMaxKeys most buckets kept in memory ({@code RATE_LIMIT_MEMORY_KEYS}), also while Redis is down
 * @param redisTimeoutMs longest a Redis decision may take; slower or failed, it is taken from this
 *     node's memory buckets instead ({@code RATE_LIMIT_REDIS_TIMEOUT_MS})
 * @param redisRetryMs after Redis failed, how long decisions are taken from memory before Redis
 *     is tried again ({@code RATE_LIMIT_REDIS_RETRY_MS})
 * @param redisStartWaitMs how long a starting node keeps trying its Redis before it gives up and
 *     exits ({@code REDIS_START_WAIT_MS})
 * @param socketFrames every frame of one socket ({@code RATE_LIMIT_SOCKET_FRAMES_*})
 * @param socketRefusals refusals a socket may collect before it is closed as a flooder
 *     ({@code RATE_LIMIT_SOCKET_REFUSALS_*})
 * @param send {@code chat.send} and {@code POST …/messages} per user ({@code RATE_LIMIT_SEND_*})
 * @param typing {@code chat.typing} per user ({@code RATE_LIMIT_TYPING_*})
 * @param sync {@code chat.sync} per user, whichever of their sockets sends it ({@code RATE_LIMIT_SYNC_*})
 * @param search {@code GET /api/v1/search} per user: a read that can cost a query over all the
 *     user's rooms ({@code RATE_LIMIT_SEARCH_*})
 * @param receipts {@code chat.receipt} per user ({@code RATE_LIMIT_RECEIPTS_*})
 * @param presence {@code presence.set} per user ({@code RATE_LIMIT_PRESENCE_*})
 * @param restWrites REST writes (POST, PUT, DELETE) per user ({@code RATE_LIMIT_REST_WRITES_*})
 * @param authPerIp registrations and logins per client IP ({@code RATE_LIMIT_AUTH_IP_*})
 * @param loginFailures failed logins per (username, client IP); when spent, that username is locked
 *     out from that address until a token comes back, whatever password is tried; other addresses
 *     are not ({@code RATE_LIMIT_LOGIN_FAILURES_*})
 * @param loginUserFailures failed logins per username from any address; when spent, every login of
 *     that username is slowed by {@code loginSlowdownMs}, the right password still works
 *     ({@code RATE_LIMIT_LOGIN_USER_FAILURES_*})
 * @param loginSlowdownMs how long a login of a username under attack waits before it is answered
 *     ({@code LOGIN_SLOWDOWN_MS})
 */
public record RateLimitConfig(
    String redisUrl,
    String redisKeyPrefix,
    int redisMaxPoolSize,
    int memoryMaxKeys,
    long redisTimeoutMs,
    long redisRetryMs,
    long redisStartWaitMs,
    Limit socketFrames,
    Limit socketRefusals,
    Limit send,
    Limit typing,
    Limit sync,
    Limit search,
    Limit receipts,
    Limit presence,
    Limit restWrites,
    Limit authPerIp,
    Limit loginFailures,
    Limit loginUserFailures,
    long loginSlowdownMs) {

  /** Without the Redis URL, which may carry a password. */
  @Override
  public String toString() {
 return "RateLimitConfig[store=" + (redisUrl == null ? "memory" : "redis") + ", redisTimeoutMs=" + redisTimeoutMs
        + ", redisRetryMs=" + redisRetryMs + ", redisStartWaitMs=" + redisStartWaitMs + ", socketFrames=" + socketFrames
        + ", socketRefusals=" + socketRefusals + ", send=" + send + ", typing=" + typing + ", sync=" + sync + ", search=" + search
        + ", receipts=" + receipts + ", presence=" + presence + ", restWrites=" + restWrites
        + ", authPerIp=" + authPerIp + ", loginFailures=" + loginFailures + ", loginUserFailures=" + loginUserFailures
        + ", loginSlowdownMs=" + loginSlowdownMs + "]";
  }

  public static RateLimitConfig from(Settings settings) {
    return new RateLimitConfig(
        settings.optional("REDIS_URL"),
        settings.string("RATE_LIMIT_REDIS_PREFIX", "chat:ratelimit:"),
        settings.integer("REDIS_MAX_POOL_SIZE", 8),
        settings.integer("RATE_LIMIT_MEMORY_KEYS", 100_000),
        positive(settings, "RATE_LIMIT_REDIS_TIMEOUT_MS", 250),
        positive(settings, "RATE_LIMIT_REDIS_RETRY_MS", 1_000),
        StartupRetry.waitMs(settings),
        limit(settings, "socket-frames", "RATE_LIMIT_SOCKET_FRAMES", 100, 30),
        limit(settings, "socket-refusals", "RATE_LIMIT_SOCKET_REFUSALS", 50, 1),
        limit(settings, "send", "RATE_LIMIT_SEND", 30, 5),
        limit(settings, "typing", "RATE_LIMIT_TYPING", 10, 2),
        limit(settings, "sync", "RATE_LIMIT_SYNC", 30, 5),
        limit(settings, "search", "RATE_LIMIT_SEARCH", 20, 2),
        limit(settings, "receipts", "RATE_LIMIT_RECEIPTS", 60, 10),
        limit(settings, "presence", "RATE_LIMIT_PRESENCE", 10, 1),
        limit(settings, "rest-writes", "RATE_LIMIT_REST_WRITES", 30, 3),
        limit(settings, "auth-ip", "RATE_LIMIT_AUTH_IP", 30, 1),
        limit(settings, "login-failures", "RATE_LIMIT_LOGIN_FAILURES", 10, 1.0 / 60),
        limit(settings, "login-user-failures", "RATE_LIMIT_LOGIN_USER_FAILURES", 50, 1.0 / 60),
        positive(settings, "LOGIN_SLOWDOWN_MS", 2_000));
  }

  private static long positive(Settings settings, String name, long defaultValue) {
    long value = settings.longValue(name, defaultValue);
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1");
    }
    return value;
  }

  private static Limit limit(Settings settings, String name, String variable, double burst, double perSecond) {
    return new Limit(
        name,
        Double.parseDouble(settings.string(variable + "_BURST", String.valueOf(burst))),
        Double.parseDouble(settings.string(variable + "_PER_SECOND", String.valueOf(perSecond))));
  }
}

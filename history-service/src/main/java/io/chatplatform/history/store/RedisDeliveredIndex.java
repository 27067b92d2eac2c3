package io.chatplatform.history.store;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.history.domain.DeliveredIndex;
import io.chatplatform.runtime.RedisScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The delivered index in Redis, shared by every history-service instance: per room one sorted
 * set {@code <prefix><roomId>}, member = userId, score = delivered watermark. The version the
 * index was built at is an entry of its own, {@code "\0v:<version>"} at score -1, below every
 * watermark, so one {@code ZRANGEBYSCORE} answers both "is it current" and "who is below":
 * O(log N + those below). A raise is {@code ZADD XX GT}: only members already indexed, only
 * upwards. The whole key expires {@code ttlMs} after its last build, so a quiet room's index
 * does not stay in Redis for ever; the next decision rebuilds it.
 */
public final class RedisDeliveredIndex implements DeliveredIndex {
  private static final RedisScript REBUILD = RedisScript.fromResource("/history-lua/rebuild-delivered.lua");
  /** No user id holds a NUL, so the version entry cannot be taken for a member. */
  private static final String VERSION_PREFIX = "\0v:";

  private final Redis redis;
  private final String keyPrefix;
  private final long ttlMs;
  private final long commandTimeoutMs;

  private RedisDeliveredIndex(Redis redis, String keyPrefix, long ttlMs, long commandTimeoutMs) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.ttlMs = ttlMs;
    this.commandTimeoutMs = commandTimeoutMs;
  }

  /** Loads the rebuild script; fails when Redis does not answer. */
  public static Future<DeliveredIndex> create(Redis redis, String keyPrefix, long ttlMs, long commandTimeoutMs) {
    RedisDeliveredIndex index = new RedisDeliveredIndex(redis, keyPrefix, ttlMs, commandTimeoutMs);
    return index.timed("SCRIPT LOAD", REBUILD.load(redis)).map(index);
  }

  @Override
  public Future<Void> raise(String roomId, String userId, long delivered) {
    return timed("ZADD", redis.send(Request.cmd(Command.ZADD).arg(key(roomId)).arg("XX").arg("GT").arg(delivered).arg(userId)))
        .mapEmpty();
  }

  @Override
  public Future<List<String>> below(String roomId, long seq, long version) {
    Request range = Request.cmd(Command.ZRANGEBYSCORE).arg(key(roomId)).arg("-inf").arg("(" + seq);
    return timed("ZRANGEBYSCORE", redis.send(range)).map(found -> {
      if (found == null || found.size() == 0 || !(VERSION_PREFIX + version).equals(found.get(0).toString())) {
        return null;
      }
      List<String> members = new ArrayList<>(found.size() - 1);
      for (int i = 1; i < found.size(); i++) {
        members.add(found.get(i).toString());
      }
      return members;
    });
  }

  @Override
  public Future<Void> rebuild(String roomId, long version, Map<String, Long> delivered) {
    List<Object> args = new ArrayList<>(2 + delivered.size() * 2);
    args.add(ttlMs);
    args.add(VERSION_PREFIX + version);
    delivered.forEach((userId, mark) -> {
      args.add(userId);
      args.add(mark);
    });
    return timed("rebuild", REBUILD.run(redis, List.of(key(roomId)), args.toArray())).mapEmpty();
  }

  private String key(String roomId) {
    return keyPrefix + roomId;
  }

  /** Every command has {@code REDIS_COMMAND_TIMEOUT_MS}; a failure or silence is {@code unavailable}, with which command. */
  private <T> Future<T> timed(String command, Future<T> sent) {
    return sent.timeout(commandTimeoutMs, TimeUnit.MILLISECONDS).recover(e -> Future.failedFuture(new ServiceException(ErrorCode.UNAVAILABLE,
        "the delivered index (Redis " + command + ") failed or gave no answer within " + commandTimeoutMs
            + " ms (REDIS_COMMAND_TIMEOUT_MS): " + e.getMessage())));
  }
}

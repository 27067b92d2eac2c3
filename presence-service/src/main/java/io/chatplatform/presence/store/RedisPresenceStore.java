package io.chatplatform.presence.store;

import io.chatplatform.presence.PresenceConfig;
import io.chatplatform.presence.domain.Presence;
import io.chatplatform.presence.domain.PresenceStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.chatplatform.runtime.RedisScript;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry in Redis, shared by every presence-service instance.
 *
 * <p>Each operation is one Lua script (one {@code EVALSHA}), so it is atomic and costs one round
 * trip and a constant amount of work: a connect or disconnect touches the user's keys and its
 * node's set, never anything per room or per other user. Keys, under the configured prefix:
 * <ul>
 *   <li>{@code sessions:<userId>}: hash sessionId → nodeId;
 *   <li>{@code user:<userId>}: hash {@code status} (chosen), {@code shown} (last announced),
 *       {@code lastSeen};
 *   <li>{@code node:<nodeId>}: set of {@code "<userId> <sessionId>"} on that gateway node;
 *   <li>{@code alive:<nodeId>}: exists while the node's heartbeats arrive (a TTL'd key);
 *   <li>{@code nodes}: set of node ids, walked by the reaper;
 *   <li>{@code typing:<userId>}: hash roomId → {@code "<deadline>:<lastForwarded>:<sessionId>"}.
 * </ul>
 * The reaper builds keys inside its script, so a single Redis (with replicas or Sentinel) is
 * required, not Redis Cluster.
 */
public final class RedisPresenceStore implements PresenceStore {
  private enum Script {
    CONNECT("connect"),
    DISCONNECT("disconnect"),
    SETTLE("settle"),
    SET_STATUS("set-status"),
    HEARTBEAT("heartbeat"),
    REAP("reap"),
    GET("get"),
    TYPING_STARTED("typing-started"),
    TYPING_EXPIRED("typing-expired");

    final RedisScript script;

    Script(String name) {
      this.script = RedisScript.fromResource("/presence-lua/" + name + ".lua");
    }
  }

  private final Redis redis;
  private final String prefix;
  private final long nodeTtlMs;

  private RedisPresenceStore(Redis redis, String prefix, long nodeTtlMs) {
    this.redis = redis;
    this.prefix = prefix;
    this.nodeTtlMs = nodeTtlMs;
  }

  /** Connects and loads the scripts; fails when Redis cannot be reached. */
  public static Future<PresenceStore> create(Vertx vertx, PresenceConfig config) {
    Redis redis =
        Redis.createClient(
            vertx,
            new RedisOptions()
                .setConnectionString(config.redisUrl())
                .setMaxPoolSize(config.redisMaxPoolSize())
                .setMaxPoolWaiting(config.redisMaxPoolSize() * 256));
    RedisPresenceStore store = new RedisPresenceStore(redis, config.redisKeyPrefix(), config.nodeTtlMs());
    return store.loadScripts().map(x -> (PresenceStore) store).onFailure(e -> redis.close());
  }

  private Future<Void> loadScripts() {
    List<Future<Void>> loads = new ArrayList<>();
    for (Script script : Script.values()) {
      loads.add(script.script.load(redis));
    }
    return Future.all(loads).mapEmpty();
  }

  @Override
  public Future<Change> connect(Session s, long now) {
    return run(
            Script.CONNECT,
            List.of(sessions(s.userId()), user(s.userId()), node(s.nodeId()), alive(s.nodeId()), nodes()),
            s.sessionId(), s.nodeId(), member(s), nodeTtlMs)
        .map(r -> change(s.userId(), r));
  }

  @Override
  public Future<Disconnected> disconnect(Session s, long now) {
    return run(
            Script.DISCONNECT,
            List.of(sessions(s.userId()), user(s.userId()), node(s.nodeId()), typing(s.userId())),
            s.sessionId(), member(s), now)
        .map(
            r -> {
              List<String> rooms = new ArrayList<>();
              r.get(2).forEach(room -> rooms.add(room.toString()));
              return new Disconnected(r.get(0).toInteger() == 1, r.get(1).toInteger(), rooms);
            });
  }

  @Override
  public Future<Change> settle(String userId) {
    return run(Script.SETTLE, List.of(sessions(userId), user(userId))).map(r -> change(userId, r));
  }

  @Override
  public Future<Change> setStatus(String userId, String status) {
    return run(Script.SET_STATUS, List.of(sessions(userId), user(userId)), status).map(r -> change(userId, r));
  }

  @Override
  public Future<Boolean> heartbeat(String nodeId, long now) {
    return run(Script.HEARTBEAT, List.of(alive(nodeId), nodes()), nodeId, nodeTtlMs).map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<List<String>> reap(long now) {
    return run(Script.REAP, List.of(nodes()), prefix, now)
        .map(
            r -> {
              List<String> offline = new ArrayList<>();
              r.forEach(user -> offline.add(user.toString()));
              return offline;
            });
  }

  @Override
  public Future<List<Presence>> get(List<String> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<String> keys = new ArrayList<>();
    userIds.forEach(id -> {
      keys.add(sessions(id));
      keys.add(user(id));
    });
    return run(Script.GET, keys)
        .map(
            r -> {
              List<Presence> result = new ArrayList<>();
              for (int i = 0; i < userIds.size(); i++) {
                result.add(new Presence(userIds.get(i), r.get(2 * i).toString(), time(r.get(2 * i + 1))));
              }
              return result;
            });
  }

  @Override
  public Future<Boolean> typingStarted(Session s, String roomId, long now, long throttleMs, long timeoutMs) {
    return run(Script.TYPING_STARTED, List.of(typing(s.userId())), roomId, now, throttleMs, timeoutMs, s.sessionId())
        .map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Boolean> typingStopped(String userId, String roomId) {
    return redis.send(Request.cmd(Command.HDEL).arg(typing(userId)).arg(roomId)).map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Boolean> typingExpired(String userId, String roomId, long now) {
    return run(Script.TYPING_EXPIRED, List.of(typing(userId)), roomId, now).map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Void> ping() {
    return redis.send(Request.cmd(Command.PING)).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return redis.close();
  }

  private Future<Response> run(Script script, List<String> keys, Object... args) {
    return script.script.run(redis, keys, args);
  }

  /** Scripts answer {@code {changed, status, lastSeen}}. */
  private static Change change(String userId, Response r) {
    return new Change(new Presence(userId, r.get(1).toString(), time(r.get(2))), r.get(0).toInteger() == 1);
  }

  private static Long time(Response value) {
    String text = value == null ? "" : value.toString();
    return text.isEmpty() ? null : Long.valueOf(text);
  }

  private static String member(Session s) {
    return s.userId() + " " + s.sessionId();
  }

  private String sessions(String userId) {
    return prefix + "sessions:" + userId;
  }

  private String user(String userId) {
    return prefix + "user:" + userId;
  }

  private String node(String nodeId) {
    return prefix + "node:" + nodeId;
  }

  private String alive(String nodeId) {
    return prefix + "alive:" + nodeId;
  }

  private String nodes() {
    return prefix + "nodes";
  }

  private String typing(String userId) {
    return prefix + "typing:" + userId;
  }
}

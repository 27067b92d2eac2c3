package io.chatplatform.presence.store;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.presence.PresenceConfig;
import io.chatplatform.presence.domain.Presence;
import io.chatplatform.presence.domain.PresenceStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import io.chatplatform.runtime.RedisScript;
import io.chatplatform.runtime.RedisClients;
import io.chatplatform.runtime.StartupRetry;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *   <li>{@code typing:<userId>}: hash roomId → {@code "<deadline>:<lastForwarded>:<sessionId>"};
 *   <li>{@code registry}: a random marker written when the registry starts: missing after Redis
 *       lost its data (restart without persistence, flush), which is how a loss is noticed;
 *   <li>{@code rebuilding}: exists for one node TTL after a loss was noticed.
 * </ul>
 * The {@code user:} hash also holds {@code statusAt}, when the status was chosen.
 *
 * <p>Every command has {@code REDIS_COMMAND_TIMEOUT_MS}; a command that fails or does not answer
 * in time fails the operation as {@code unavailable} (a {@link ServiceException}), here and
 * nowhere else.
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
    REGISTRY("registry"),
    RESTORE("restore"),
    TYPING_STARTED("typing-started"),
    TYPING_EXPIRED("typing-expired"),
    SESSIONS_ONLINE("sessions-online");

    final RedisScript script;

    Script(String name) {
      this.script = RedisScript.fromResource("/presence-lua/" + name + ".lua");
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(RedisPresenceStore.class);
  /** Users written back by one restore script: a bounded amount of work for Redis per call. */
  private static final int RESTORE_BATCH = 500;

  private final Vertx vertx;
  private final Redis redis;
  private final String prefix;
  private final long nodeTtlMs;
  private final long commandTimeoutMs;
  /** The registry marker this instance knows ("" before it first read one). */
  private volatile String registry = "";
  private volatile boolean answering = true;

  private RedisPresenceStore(Vertx vertx, Redis redis, PresenceConfig config) {
    this.vertx = vertx;
    this.redis = redis;
    this.prefix = config.redisKeyPrefix();
    this.nodeTtlMs = config.nodeTtlMs();
    this.commandTimeoutMs = config.redisCommandTimeoutMs();
  }

  /**
   * Connects and loads the scripts, trying again for {@code REDIS_START_WAIT_MS}; fails when Redis
   * did not answer in that time. Every command is timed in {@code metrics}.
   */
  public static Future<PresenceStore> create(Vertx vertx, PresenceConfig config, MeterRegistry metrics) {
    Redis redis = RedisClients.pooled(vertx, config.redisUrl(), config.redisMaxPoolSize(), metrics);
    RedisPresenceStore store = new RedisPresenceStore(vertx, redis, config);
    return StartupRetry.until(vertx, "presence-service's Redis", config.redisStartWaitMs(),
            () -> store.loadScripts().compose(x -> store.registryLost())) // learns the marker; nothing to rebuild at start
        .map(x -> (PresenceStore) store)
        .onFailure(e -> redis.close());
  }

  private Future<Void> loadScripts() {
    List<Future<Void>> loads = new ArrayList<>();
    for (Script script : Script.values()) {
      loads.add(guarded(() -> script.script.load(redis)));
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
  public Future<Change> setStatus(String userId, String status, long now) {
    return run(Script.SET_STATUS, List.of(sessions(userId), user(userId)), status, now).map(r -> change(userId, r));
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
    keys.add(registryKey());
    keys.add(rebuilding());
    userIds.forEach(id -> {
      keys.add(sessions(id));
      keys.add(user(id));
    });
    return run(Script.GET, keys)
        .compose(r -> r.size() == 1 && "lost".equals(r.get(0).toString())
            ? Future.failedFuture(new ServiceException(ErrorCode.UNAVAILABLE, "presence is being rebuilt, try again"))
            : Future.succeededFuture(r))
        .map(
            r -> {
              List<Presence> result = new ArrayList<>();
              for (int i = 0; i < userIds.size(); i++) {
                result.add(new Presence(userIds.get(i), r.get(2 * i).toString(), time(r.get(2 * i + 1))));
              }
              return result;
            });
  }

  /** One HGET per user in one batch: a single round trip however many users are asked. */
  @Override
  public Future<Set<String>> inDoNotDisturb(List<String> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    List<Request> reads = userIds.stream().map(id -> Request.cmd(Command.HGET).arg(user(id)).arg("status")).toList();
    return guarded(() -> redis.batch(reads)).map(statuses -> {
      Set<String> dnd = new HashSet<>();
      for (int i = 0; i < userIds.size(); i++) {
        Response status = statuses.get(i);
        if (status != null && Presence.DND.equals(status.toString())) {
          dnd.add(userIds.get(i));
        }
      }
      return dnd;
    });
  }

  @Override
  public Future<Presence> shown(String userId) {
    return guarded(() -> redis.send(Request.cmd(Command.HMGET).arg(user(userId)).arg("shown").arg("lastSeen")))
        .map(r -> new Presence(userId, r.get(0) == null ? Presence.OFFLINE : r.get(0).toString(), time(r.get(1))));
  }

  @Override
  public Future<Boolean> typingStarted(Session s, String roomId, long now, long throttleMs, long timeoutMs) {
    return run(Script.TYPING_STARTED, List.of(typing(s.userId())), roomId, now, throttleMs, timeoutMs, s.sessionId())
        .map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Boolean> typingStopped(String userId, String roomId) {
    return guarded(() -> redis.send(Request.cmd(Command.HDEL).arg(typing(userId)).arg(roomId))).map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Boolean> typingExpired(String userId, String roomId, long now) {
    return run(Script.TYPING_EXPIRED, List.of(typing(userId)), roomId, now).map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Boolean> registryLost() {
    String known = registry;
    return run(Script.REGISTRY, List.of(registryKey(), rebuilding()), known, UUID.randomUUID(), nodeTtlMs).map(r -> {
      String marker = r.get(1).toString();
      // Two checks may run at once: the first to come back reports the loss, not both.
      boolean lost = r.get(0).toInteger() == 1 && !marker.equals(registry);
      registry = marker;
      if (lost) {
        LOG.warn("Redis lost the presence registry (restarted without its data, or flushed): rebuilding it");
      }
      return lost;
    });
  }

  @Override
  public Future<List<Change>> restore(List<Remembered> remembered) {
    List<Future<Response>> batches = new ArrayList<>();
    for (int from = 0; from < remembered.size(); from += RESTORE_BATCH) {
      List<Remembered> batch = remembered.subList(from, Math.min(remembered.size(), from + RESTORE_BATCH));
      List<String> keys = new ArrayList<>();
      List<Object> args = new ArrayList<>();
      for (Remembered r : batch) {
        keys.add(sessions(r.userId()));
        keys.add(user(r.userId()));
        args.add(r.chosen() == null ? "" : r.chosen());
        args.add(r.chosenAt());
        args.add(r.shown() == null ? "" : r.shown());
      }
      batches.add(run(Script.RESTORE, keys, args.toArray()));
    }
    return Future.all(batches).map(all -> {
      List<Change> changes = new ArrayList<>();
      for (int b = 0; b < batches.size(); b++) {
        Response r = all.resultAt(b);
        for (int i = 0; i < r.size(); i++) {
          changes.add(change(remembered.get(b * RESTORE_BATCH + i).userId(), r.get(i)));
        }
      }
      return changes;
    });
  }

  @Override
  public Future<Long> sessionsOnline() {
    return run(Script.SESSIONS_ONLINE, List.of(nodes()), prefix).map(Response::toLong);
  }

  @Override
  public Future<Void> ping() {
    return guarded(() -> redis.send(Request.cmd(Command.PING))).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return redis.close();
  }

  private Future<Response> run(Script script, List<String> keys, Object... args) {
    return guarded(() -> script.script.run(redis, keys, args));
  }

  /**
   * The one place Redis failures become what callers see: {@code unavailable} when Redis fails
   * the command, cannot be reached, or does not answer within {@code REDIS_COMMAND_TIMEOUT_MS}.
   * (A command that timed out may still run later in Redis; every script leaves consistent state.)
   */
  private <T> Future<T> guarded(Supplier<Future<T>> command) {
    Promise<T> outcome = Promise.promise();
    long timer = vertx.setTimer(commandTimeoutMs, id -> {
      if (outcome.tryFail(unavailable())) {
        noteAnswering(false, "no answer within " + commandTimeoutMs + " ms (REDIS_COMMAND_TIMEOUT_MS)");
      }
    });
    Future<T> sent;
    try {
      sent = command.get();
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    sent.onComplete(result -> {
      vertx.cancelTimer(timer);
      if (result.succeeded()) {
        if (outcome.tryComplete(result.result())) {
          noteAnswering(true, null);
        }
      } else if (isBug(result.cause())) {
        outcome.tryFail(result.cause()); // answered internal, and logged with its stack
      } else if (outcome.tryFail(unavailable())) {
        noteAnswering(false, String.valueOf(result.cause()));
      }
    });
    return outcome.future();
  }

  /**
   * A Redis error reply that says our command or script is wrong ({@code ERR …}, {@code WRONGTYPE …}):
   * a bug, not an outage. Any other failure (no connection, {@code LOADING}, {@code BUSY},
   * {@code READONLY}, {@code MASTERDOWN}, {@code OOM}, …) is the store being unavailable.
   */
  private static boolean isBug(Throwable failure) {
    if (failure instanceof Response reply && reply.type() == ResponseType.ERROR) {
      String text = String.valueOf(failure.getMessage());
      return text.startsWith("ERR") || text.startsWith("WRONGTYPE");
    }
    return false;
  }

  /** What clients see: no Redis detail (addresses, errors) leaves the service. */
  private static ServiceException unavailable() {
    return new ServiceException(ErrorCode.UNAVAILABLE, "presence store unavailable, try again");
  }

  /** Logs when Redis stops or starts answering, not at every failed command. */
  private void noteAnswering(boolean answered, String why) {
    if (!answered && answering) {
      answering = false;
      LOG.warn("Redis does not answer presence-service: {}", why);
    } else if (answered && !answering) {
      answering = true;
      LOG.info("Redis answers presence-service again");
    }
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

  private String registryKey() {
    return prefix + "registry";
  }

  private String rebuilding() {
    return prefix + "rebuilding";
  }

  private String typing(String userId) {
    return prefix + "typing:" + userId;
  }
}

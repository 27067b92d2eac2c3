package io.chatplatform.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Redis} client whose every command is timed in {@link Meters#REDIS_COMMANDS} by command
 * ({@code evalsha}, {@code hmget}…: a bounded set) and outcome. A batch counts as one
 * {@code batch}. Connections taken with {@link #connect} are not timed (the services send through
 * the client).
 */
public final class TimedRedis implements Redis {
  private final Redis redis;
  private final Meters.Family<Timer> timers;

  public TimedRedis(Redis redis, MeterRegistry registry) {
    this.redis = redis;
    this.timers = Meters.latencies(registry, Meters.REDIS_COMMANDS, "Redis commands, by command and outcome", "command", "outcome");
  }

  @Override
  public Future<Response> send(Request request) {
    long started = System.nanoTime();
    return timed(String.valueOf(request.command()).toLowerCase(Locale.ROOT), started, redis.send(request));
  }

  @Override
  public Future<List<Response>> batch(List<Request> requests) {
    long started = System.nanoTime();
    return timed("batch", started, redis.batch(requests));
  }

  @Override
  public Future<RedisConnection> connect() {
    return redis.connect();
  }

  @Override
  public Future<Void> close() {
    return redis.close();
  }

  private <T> Future<T> timed(String command, long started, Future<T> result) {
    return result.andThen(done -> timers.with(command, done.succeeded() ? Meters.OK : Meters.ERROR)
        .record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
  }
}

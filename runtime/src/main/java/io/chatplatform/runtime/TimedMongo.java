package io.chatplatform.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.ext.mongo.MongoClient;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A {@link MongoClient} whose every operation that answers a {@link Future} is timed in
 * {@link Meters#MONGO_OPERATIONS} by collection, operation and outcome: one wrapper for every
 * service's stores, rather than a timer at each call. The collection is the operation's first
 * argument (the services name their collections with constants, so the tag stays bounded);
 * {@code runCommand}'s first argument is a command, tagged {@code collection="-"}. Operations that
 * answer a stream ({@code findBatch}, {@code aggregate}, {@code watch}) and the GridFS clients it
 * creates are not timed.
 */
public final class TimedMongo {
  /** An operation's tag, its method's name without {@code WithOptions}/{@code WithQuery}: worked out once per method, not per call. */
  private static final Map<Method, String> OPERATIONS = new ConcurrentHashMap<>();

  private TimedMongo() {}

  public static MongoClient wrap(MongoClient mongo, MeterRegistry registry) {
    Meters.Family<Timer> timers = Meters.latencies(registry, Meters.MONGO_OPERATIONS,
        "MongoDB operations, by collection, operation and outcome", "collection", "operation", "outcome");
    return (MongoClient) Proxy.newProxyInstance(
        MongoClient.class.getClassLoader(), new Class<?>[] {MongoClient.class}, (proxy, method, args) -> {
          long started = System.nanoTime();
          Object result = invoke(mongo, method, args);
          if (!(result instanceof Future<?> future) || method.getDeclaringClass() == Object.class || "close".equals(method.getName())) {
            return result;
          }
          String collection = collection(method, args);
          String operation = OPERATIONS.computeIfAbsent(method, m -> m.getName().replaceFirst("With(Options|Query)$", ""));
          return future.andThen(done -> timers.with(collection, operation, done.succeeded() ? Meters.OK : Meters.ERROR)
              .record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
        });
  }

  private static String collection(Method method, Object[] args) {
    if ("runCommand".equals(method.getName()) || args == null || args.length == 0 || !(args[0] instanceof String name)) {
      return "-";
    }
    return name;
  }

  private static Object invoke(MongoClient mongo, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(mongo, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}

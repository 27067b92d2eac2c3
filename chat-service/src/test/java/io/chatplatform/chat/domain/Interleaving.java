package io.chatplatform.chat.domain;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A MongoDB client that runs another operation to its end just before a chosen call: the
 * interleaving two requests can have on the real server, made certain instead of hoped for.
 */
final class Interleaving {
  private record Hook(String method, String collection, Predicate<Object[]> call, Supplier<Future<?>> first) {}

  private final MongoClient real;
  private volatile Hook hook;

  Interleaving(MongoClient real) {
    this.real = real;
  }

  /**
   * Once: the next {@code method} on {@code collection} whose arguments match waits for
   * {@code first} to finish, then runs.
   */
  void before(String method, String collection, Predicate<Object[]> call, Supplier<Future<?>> first) {
    hook = new Hook(method, collection, call, first);
  }

  boolean happened() {
    return hook == null;
  }

  MongoClient client() {
    return (MongoClient) Proxy.newProxyInstance(MongoClient.class.getClassLoader(), new Class<?>[] {MongoClient.class},
        (proxy, method, args) -> {
          Hook due = hook;
          if (due != null && method.getName().equals(due.method()) && args != null
              && due.collection().equals(args[0]) && due.call().test(args)) {
            hook = null;
            return due.first().get().transform(x -> call(method, args));
          }
          return call(method, args);
        });
  }

  /** The real client's answer; its own failure as a failed future, as the caller expects. */
  @SuppressWarnings("unchecked")
  private <T> T call(java.lang.reflect.Method method, Object[] args) {
    try {
      return (T) method.invoke(real, args);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Any call of the method. */
  static Predicate<Object[]> any() {
    return args -> true;
  }

  /** An {@code updateCollection} whose update (its third argument) has {@code operator} on {@code field}. */
  static Predicate<Object[]> updating(String operator, String field) {
    return args -> args.length > 2 && args[2] instanceof JsonObject update
        && update.getJsonObject(operator, new JsonObject()).containsKey(field);
  }
}

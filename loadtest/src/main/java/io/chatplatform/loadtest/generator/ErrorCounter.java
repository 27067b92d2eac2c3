package io.chatplatform.loadtest.generator;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Errors by kind, e.g. {@code err.unavailable} (socket err frame, by code word),
 * {@code close.4429} (socket closed by the server, by close code), {@code http.503}.
 * Safe to use from every thread.
 */
final class ErrorCounter {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  void add(String kind) {
    counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  void add(String kind, long n) {
    counts.computeIfAbsent(kind, k -> new LongAdder()).add(n);
  }

  long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  Map<String, Long> snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((kind, n) -> copy.put(kind, n.sum()));
    return copy;
  }

  JsonObject toJson() {
    return toJson(snapshot());
  }

  /** Errors by kind as a JSON object, in the map's order. */
  static JsonObject toJson(Map<String, Long> errors) {
    JsonObject json = new JsonObject();
    errors.forEach(json::put);
    return json;
  }

  /** The kind of a failure: its class, e.g. {@code ConnectException}, or what the socket said. */
  static String kindOf(Throwable failure) {
    if (failure instanceof ClientConnection.Failure known) {
      return known.getMessage();
    }
    return failure == null ? "unknown" : failure.getClass().getSimpleName();
  }
}

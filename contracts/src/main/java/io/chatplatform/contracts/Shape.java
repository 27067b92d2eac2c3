package io.chatplatform.contracts;

import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * The one JSON form of a payload type: how it is read and written. A typed payload crosses the
 * event bus by reference inside one JVM ({@link ShapeCodec}) and as this JSON between members of
 * a cluster, so {@code read} and {@code write} are the only code that knows its field names.
 */
public record Shape<T>(Class<T> type, Function<JsonObject, T> read, Function<T, JsonObject> write) {

  /** Client-facing JSON passed through as it is (its form is documented in docs/protocol.md). */
  public static final Shape<JsonObject> JSON = new Shape<>(JsonObject.class, json -> json, json -> json);

  public static <T> Shape<T> of(Class<T> type, Function<JsonObject, T> read, Function<T, JsonObject> write) {
    return new Shape<>(type, read, write);
  }

  /** Whether values of this shape travel as records through {@link ShapeCodec} rather than as JSON. */
  public boolean typed() {
    return type != JsonObject.class;
  }
}

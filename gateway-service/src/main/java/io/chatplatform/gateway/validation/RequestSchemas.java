package io.chatplatform.gateway.validation;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The JSON schema of every client body (resource {@code request-schemas.json}), checked at the
 * gateway before any service sees the body. Ids must be plain strings and unknown fields are
 * refused, so an operator object such as {@code {"$gt": ""}} can never reach a query. Each
 * schema is compiled once ({@link CompiledSchema}).
 */
public final class RequestSchemas {
  private final Map<String, CompiledSchema> schemas = new HashMap<>();

  public RequestSchemas() {
    JsonObject all = load();
    JsonObject definitions = all.getJsonObject("definitions");
    all.getJsonObject("operations")
        .forEach(entry -> schemas.put(entry.getKey(), CompiledSchema.compile((JsonObject) entry.getValue(), definitions)));
  }

  public boolean knows(String operation) {
    return schemas.containsKey(operation);
  }

  /** Fails with {@code bad_request} naming the first offending field when the body does not fit. */
  public void check(String operation, JsonObject body) {
    CompiledSchema schema = schemas.get(operation);
    if (schema == null) {
      throw new IllegalStateException("no schema for " + operation);
    }
    schema.check(body);
  }

  private static JsonObject load() {
    try (InputStream in = RequestSchemas.class.getResourceAsStream("/request-schemas.json")) {
      if (in == null) {
        throw new IllegalStateException("missing request-schemas.json");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

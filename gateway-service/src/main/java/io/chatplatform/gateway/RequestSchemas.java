package io.chatplatform.gateway;

import io.chatplatform.contracts.ServiceException;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON schema of every client body (resource {@code request-schemas.json}), checked at the
 * gateway before any service sees the body. Ids must be plain strings and unknown fields are
 * refused, so an operator object such as {@code {"$gt": ""}} can never reach a query.
 */
final class RequestSchemas {
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");
  private final Map<String, Validator> validators = new HashMap<>();

  RequestSchemas() {
    JsonObject all = load();
    JsonObject definitions = all.getJsonObject("definitions");
    JsonSchemaOptions options =
        new JsonSchemaOptions().setDraft(Draft.DRAFT7).setBaseUri("urn:chat-platform:requests").setOutputFormat(OutputFormat.Basic);
    all.getJsonObject("operations").forEach(entry -> {
      JsonObject schema = ((JsonObject) entry.getValue()).copy().put("definitions", definitions);
      validators.put(entry.getKey(), Validator.create(JsonSchema.of(schema), options));
    });
  }

  boolean knows(String operation) {
    return validators.containsKey(operation);
  }

  /** Fails with {@code bad_request} naming the first offending field when the body does not fit. */
  void check(String operation, JsonObject body) {
    Validator validator = validators.get(operation);
    if (validator == null) {
      throw new IllegalStateException("no schema for " + operation);
    }
    OutputUnit result = validator.validate(body);
    if (!Boolean.TRUE.equals(result.getValid())) {
      throw ServiceException.badRequest(describe(result));
    }
  }

  /** One readable line: {@code "text: must be a string"}, {@code "clientMsgId is required"}. */
  private static String describe(OutputUnit result) {
    List<OutputUnit> errors = result.getErrors();
    OutputUnit first = errors == null || errors.isEmpty() ? result : deepest(errors);
    String error = first.getError() == null ? "invalid" : first.getError();
    String where = first.getInstanceLocation() == null ? "" : first.getInstanceLocation().replaceFirst("^#?/?", "");
    String keyword = first.getKeywordLocation() == null ? "" : first.getKeywordLocation();
    if (keyword.endsWith("/required")) {
      Matcher name = QUOTED.matcher(error);
      return (where.isEmpty() ? "" : where + ".") + (name.find() ? name.group(1) : "a field") + " is required";
    }
    if (keyword.endsWith("/additionalProperties") || keyword.endsWith("/propertyNames")) {
      Matcher name = QUOTED.matcher(error);
      return "unknown or malformed field " + (name.find() ? name.group(1) : where) + (where.isEmpty() ? "" : " in " + where);
    }
    return (where.isEmpty() ? "body" : where.replace('/', '.')) + ": " + error.replace('"', '\'');
  }

  /** The error about the innermost instance location: the most precise one. */
  private static OutputUnit deepest(List<OutputUnit> errors) {
    OutputUnit best = errors.get(0);
    for (OutputUnit e : errors) {
      String at = e.getInstanceLocation() == null ? "" : e.getInstanceLocation();
      String bestAt = best.getInstanceLocation() == null ? "" : best.getInstanceLocation();
      if (at.length() > bestAt.length()) {
        best = e;
      }
    }
    return best;
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

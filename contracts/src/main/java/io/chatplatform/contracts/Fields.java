package io.chatplatform.contracts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading payload fields by their JSON type, for the {@code read} side of a {@link Shape}. A field
 * of the wrong type is the caller's mistake: {@code bad_request} naming the field, never a
 * {@link ClassCastException} that would have to be guessed at later.
 */
public final class Fields {
  private Fields() {}

  /** A present, non-empty string. */
  public static String string(JsonObject json, String field) {
    Object raw = json.getValue(field);
    if (!(raw instanceof String value) || value.isEmpty()) {
      throw ServiceException.badRequest(field + " is required and must be a string");
    }
    return value;
  }

  /** A string, or null when absent. */
  public static String optString(JsonObject json, String field) {
    Object raw = json.getValue(field);
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof String value)) {
      throw ServiceException.badRequest(field + " must be a string");
    }
    return value;
  }

  /** A present boolean; {@code problem} is the error text otherwise. */
  public static boolean bool(JsonObject json, String field, String problem) {
    if (!(json.getValue(field) instanceof Boolean value)) {
      throw ServiceException.badRequest(problem);
    }
    return value;
  }

  /**
   * A whole number ≥ 0, or null when absent. A string of digits counts, since REST query
   * parameters arrive as strings.
   */
  public static Long optWhole(JsonObject json, String field) {
    return whole(json.getValue(field), field);
  }

  private static Long whole(Object raw, String field) {
    if (raw == null) {
      return null;
    }
    if (raw instanceof String s) {
      try {
        raw = Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw ServiceException.badRequest(field + " must be a whole number");
      }
    }
    if (!(raw instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 0) {
      throw ServiceException.badRequest(field + " must be a whole number >= 0");
    }
    return n.longValue();
  }

  /** A list of strings, empty when absent; {@code problem} is the error text otherwise. */
  public static List<String> strings(JsonObject json, String field, String problem) {
    Object raw = json.getValue(field);
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof JsonArray array)) {
      throw ServiceException.badRequest(problem);
    }
    List<String> values = new ArrayList<>(array.size());
    for (Object value : array) {
      if (!(value instanceof String s)) {
        throw ServiceException.badRequest(problem);
      }
      values.add(s);
    }
    return List.copyOf(values);
  }

  /** An object of name → whole number ≥ 0 (a missing value counts as 0), in the object's order. */
  public static Map<String, Long> wholeNumbers(JsonObject json, String field, String problem) {
    Object raw = json.getValue(field);
    if (!(raw instanceof JsonObject object)) {
      throw ServiceException.badRequest(problem);
    }
    Map<String, Long> values = new LinkedHashMap<>();
    for (String name : object.fieldNames()) {
      Long value = whole(object.getValue(name), name);
      values.put(name, value == null ? 0L : value);
    }
    return values;
  }

  public static JsonArray array(Collection<String> values) {
    return new JsonArray(List.copyOf(values));
  }

  public static JsonObject object(Map<String, ?> values) {
    return new JsonObject(new LinkedHashMap<>(values));
  }
}

package io.chatplatform.runtime;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where every setting comes from: the caller's default, overridden by the JSON file named by
 * {@code CONFIG_FILE}, overridden by the environment. Keys are the environment variable names
 * (listed in the README), so one name works in all three places.
 *
 * <p>Each service turns a {@code Settings} into its own typed config record once, at start-up;
 * nothing else reads the environment.
 */
public final class Settings {
  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = values;
  }

  /** The file named by {@code CONFIG_FILE} (if any), overridden by the process environment. */
  public static Settings fromEnvironment() {
    return layered(System.getenv());
  }

  /** Settings from explicit values only: for tests and for embedding. */
  public static Settings of(Map<String, String> values) {
    return new Settings(new HashMap<>(values));
  }

  static Settings layered(Map<String, String> environment) {
    Map<String, String> merged = new HashMap<>();
    String file = environment.get("CONFIG_FILE");
    if (file != null && !file.isBlank()) {
      try {
        JsonObject json = new JsonObject(Files.readString(Path.of(file)));
        json.forEach(e -> merged.put(e.getKey(), String.valueOf(e.getValue())));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read CONFIG_FILE " + file, e);
      }
    }
    merged.putAll(environment);
    return new Settings(merged);
  }

  /** These settings with {@code overrides} on top. */
  public Settings with(Map<String, String> overrides) {
    Map<String, String> merged = new HashMap<>(values);
    merged.putAll(overrides);
    return new Settings(merged);
  }

  public String string(String name, String defaultValue) {
    String value = values.get(name);
    return value == null || value.isBlank() ? defaultValue : value.trim();
  }

  /** A setting without a default; null when unset. */
  public String optional(String name) {
    return string(name, null);
  }

  public int integer(String name, int defaultValue) {
    String value = string(name, null);
    if (value == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting " + name + " must be a whole number, got '" + value + "'");
    }
  }

  public long longValue(String name, long defaultValue) {
    String value = string(name, null);
    if (value == null) {
      return defaultValue;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting " + name + " must be a whole number, got '" + value + "'");
    }
  }

  public boolean bool(String name, boolean defaultValue) {
    String value = string(name, null);
    return value == null ? defaultValue : Boolean.parseBoolean(value);
  }
}

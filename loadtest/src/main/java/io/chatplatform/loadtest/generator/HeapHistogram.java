package io.chatplatform.loadtest.generator;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code jcmd <pid> GC.class_histogram}: instances and bytes by class. Taken inside the full
 * collection it forces, it is the live set; two of them, before and while sockets are held, say
 * which classes the connections added.
 */
public record HeapHistogram(Map<String, Use> classes) {
  /** {@code   12:   3456   78901  class.Name (module)}: the module is dropped, the same class in every JDK build. */
  private static final Pattern LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
  /**
   * Classes whose growth is under this many bytes per connection are left out of the result: with
   * thousands of connections that is noise (a cache entry, a string of the log), and a growth
   * this small changes no conclusion.
   */
  static final double MIN_BYTES_PER_CONNECTION = 0.5;

  public record Use(long instances, long bytes) {}

  static HeapHistogram parse(String text) {
    Map<String, Use> classes = new HashMap<>();
    for (String line : text.split("\n")) {
      Matcher m = LINE.matcher(line);
      if (m.find()) {
        // A class loaded by two loaders has two lines: one class for what it costs.
        classes.merge(m.group(3), new Use(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))),
            (a, b) -> new Use(a.instances() + b.instances(), a.bytes() + b.bytes()));
      }
    }
    return new HeapHistogram(Map.copyOf(classes));
  }

  /**
   * {@code {class: {bytes, instances}}}: what each class grew by since {@code before}, per
   * connection, sorted by name; negative growth (objects gone meanwhile) is kept so that the
   * classes add up to the difference of the totals (less what is below {@link #MIN_BYTES_PER_CONNECTION}).
   */
  JsonObject growthPerConnection(HeapHistogram before, int connections) {
    Set<String> names = new HashSet<>(classes.keySet());
    names.addAll(before.classes.keySet());
    Map<String, JsonObject> growth = new TreeMap<>();
    for (String name : names) {
      Use now = classes.getOrDefault(name, new Use(0, 0));
      Use then = before.classes.getOrDefault(name, new Use(0, 0));
      double bytes = connections == 0 ? 0 : (double) (now.bytes() - then.bytes()) / connections;
      if (Math.abs(bytes) >= MIN_BYTES_PER_CONNECTION) {
        growth.put(name, new JsonObject().put("bytes", round(bytes))
            .put("instances", round((double) (now.instances() - then.instances()) / connections)));
      }
    }
    JsonObject json = new JsonObject();
    growth.forEach(json::put);
    return json;
  }

  /** Two decimals: a per-connection figure resolves no better with tens of thousands of connections. */
  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}

package io.chatplatform.loadtest.generator;

import java.util.HashMap;
import java.util.Map;

/** One scrape of the server's {@code /metrics} page (Prometheus text format). */
record ServerMetrics(String text) {
  /**
   * The sum of the samples of {@code name} whose labels include each of {@code labels} (given as
   * name, value, name, value…); 0 when there is none (a counter not incremented yet is absent).
   */
  double sum(String name, String... labels) {
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in name, value pairs");
    }
    double sum = 0;
    for (String line : text.split("\n")) {
      if (!line.startsWith(name) || line.length() == name.length()) {
        continue;
      }
      char next = line.charAt(name.length());
      if (next != '{' && next != ' ') {
        continue; // another metric whose name starts with this one
      }
      Map<String, String> found = next == '{' ? labels(line.substring(name.length() + 1, line.lastIndexOf('}'))) : Map.of();
      boolean matches = true;
      for (int i = 0; i < labels.length && matches; i += 2) {
        matches = labels[i + 1].equals(found.get(labels[i]));
      }
      if (matches) {
        String value = line.substring(next == '{' ? line.lastIndexOf('}') + 1 : name.length()).trim().split("\\s+")[0];
        sum += Double.parseDouble(value);
      }
    }
    return sum;
  }

  /** {@code a="x",b="y"} (values are label values of our own metrics: no escaped quotes in them). */
  private static Map<String, String> labels(String inside) {
    Map<String, String> labels = new HashMap<>();
    for (String pair : inside.split("\",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        labels.put(pair.substring(0, eq).trim().replace(",", ""), pair.substring(eq + 1).trim().replace("\"", ""));
      }
    }
    return labels;
  }
}

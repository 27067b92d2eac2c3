package io.chatplatform.platform.deploy;

import java.util.List;
import java.util.Map;

/** deploy/kubernetes/prometheus-adapter/values.yaml: the adapter's rules, read strictly. */
final class Adapter {
  private Adapter() {}

  record Values(Rules rules) {}

  record Rules(List<Rule> custom) {}

  record Rule(String seriesQuery, Resources resources, Name name, String metricsQuery) {}

  record Resources(Map<String, Map<String, String>> overrides) {}

  record Name(String matches, String as) {}

  static List<Rule> rules() {
    return Manifests.docs(Repo.ROOT.resolve("deploy/kubernetes/prometheus-adapter/values.yaml")).stream()
        .flatMap(d -> Manifests.read(d, Values.class).rules().custom().stream()).toList();
  }

  /** The Prometheus series a rule reads (the metric name of its seriesQuery). */
  static String series(Rule rule) {
    return rule.seriesQuery().substring(0, rule.seriesQuery().indexOf('{'));
  }

  /** The rule that serves {@code metric} to the custom metrics API. */
  static Rule rule(String metric) {
    List<Rule> serving = rules().stream()
        .filter(r -> metric.equals(r.name() == null || r.name().as() == null ? series(r) : r.name().as()))
        .toList();
    if (serving.size() != 1) {
      throw new AssertionError("one adapter rule serves " + metric + ", not " + serving.size());
    }
    Rule rule = serving.get(0);
    if (rule.name() != null && !series(rule).matches(rule.name().matches())) {
      throw new AssertionError("the rule's name.matches does not match its series " + series(rule));
    }
    return rule;
  }
}

package io.chatplatform.loadtest.generator;

import io.chatplatform.loadtest.Options;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * Everything one run measured.
 *
 * @param setup users, rooms, sockets and how long they took
 * @param steps the measured steps of a messaging scenario (empty for the others)
 * @param figures the scenario's own figures (connections/s, heap per connection, …)
 * @param errors errors outside the measured steps (set-up, connects)
 */
public record RunResult(Options options, JsonObject setup, List<StepResult> steps, JsonObject figures, Map<String, Long> errors) {

  public JsonObject toJson() {
    JsonArray stepsJson = new JsonArray();
    steps.forEach(s -> stepsJson.add(s.toJson()));
    return new JsonObject()
        .put("scenario", options.scenario().cliName)
        .put("parameters", options.toJson())
        .put("setup", setup)
        .put("steps", stepsJson)
        .put("figures", figures)
        .put("errors", ErrorCounter.toJson(errors));
  }
}

package io.chatplatform.platform.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * deploy/docker/Dockerfile as instructions: continuation lines joined, comments dropped, each
 * instruction in its stage ({@code FROM ... AS name}).
 */
record Dockerfile(Map<String, String> args, List<Stage> stages) {
  static final String PATH = "deploy/docker/Dockerfile";

  record Instruction(String keyword, String arguments) {
    /** An exec form ({@code ["a", "b"]}) as its words. */
    List<String> words() {
      try {
        JsonNode array = Manifests.STRICT.readTree(arguments.substring(arguments.indexOf('[')));
        List<String> words = new ArrayList<>();
        array.forEach(w -> words.add(w.asString()));
        return words;
      } catch (Exception e) {
        throw new AssertionError(keyword + " is not in exec form: " + arguments, e);
      }
    }
  }

  record Stage(String name, String from, List<Instruction> instructions) {
    List<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    Instruction one(String keyword) {
      List<Instruction> found = all(keyword);
      if (found.size() != 1) {
        throw new AssertionError("stage " + name + " has " + found.size() + " " + keyword + " instructions");
      }
      return found.get(0);
    }
  }

  static Dockerfile parse() {
    String text = Repo.read(PATH);
    List<String> lines = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.trim().startsWith("#")) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
      } else {
        current.append(line);
        if (!current.toString().isBlank()) {
          lines.add(current.toString().trim());
        }
        current.setLength(0);
      }
    }
    Map<String, String> args = new LinkedHashMap<>();
    List<Stage> stages = new ArrayList<>();
    Pattern from = Pattern.compile("FROM\\s+(\\S+)\\s+AS\\s+(\\S+)", Pattern.CASE_INSENSITIVE);
    for (String line : lines) {
      String keyword = line.split("\\s+", 2)[0].toUpperCase();
      String arguments = line.substring(keyword.length()).trim().replaceAll("\\s+", " ");
      if (keyword.equals("FROM")) {
        Matcher m = from.matcher(line);
        if (!m.matches()) {
          throw new AssertionError("every stage is named: " + line);
        }
        stages.add(new Stage(m.group(2), m.group(1), new ArrayList<>()));
      } else if (stages.isEmpty() && keyword.equals("ARG")) {
        String[] kv = arguments.split("=", 2);
        args.put(kv[0], kv.length > 1 ? kv[1] : null);
      } else if (stages.isEmpty()) {
        throw new AssertionError("before the first FROM: " + line);
      } else {
        stages.get(stages.size() - 1).instructions().add(new Instruction(keyword, arguments));
      }
    }
    return new Dockerfile(args, stages);
  }

  Stage stage(String name) {
    return stages.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(PATH + " has no stage " + name));
  }

  /** The image a stage starts from, its {@code ${ARG}} replaced by the default. */
  String image(Stage stage) {
    Matcher m = Pattern.compile("\\$\\{(\\w+)}").matcher(stage.from());
    return m.matches() ? args.get(m.group(1)) : stage.from();
  }

  /** A stage and the stages it builds on ({@code FROM <stage>}), itself first. */
  List<Stage> lineage(String name) {
    List<Stage> chain = new ArrayList<>();
    Stage stage = stage(name);
    while (stage != null) {
      chain.add(stage);
      String parent = stage.from();
      stage = stages.stream().filter(x -> x.name().equals(parent)).findFirst().orElse(null);
    }
    return chain;
  }

  /** The runtime stage's numeric user id ({@code USER uid:gid}). */
  long user() {
    return Long.parseLong(stage("runtime").one("USER").arguments().split(":")[0]);
  }

  /** The runtime stage's {@code ENV} variables. */
  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    for (Instruction i : stage("runtime").all("ENV")) {
      for (String pair : i.arguments().split(" ")) {
        String[] kv = pair.split("=", 2);
        env.put(kv[0], kv[1]);
      }
    }
    return env;
  }
}

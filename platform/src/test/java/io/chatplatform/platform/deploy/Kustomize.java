package io.chatplatform.platform.deploy;

import io.chatplatform.platform.deploy.Manifests.Doc;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parts of kustomize's format deploy/kubernetes uses, as records: anything else in a
 * kustomization.yaml fails to read ({@link Manifests#STRICT}), so a field this test does not check
 * cannot slip in unread. Also what the tests need of kustomize's semantics: which resources a
 * kustomization lists, and which objects a label selector picks.
 */
final class Kustomize {
  private Kustomize() {}

  record Kustomization(
      String apiVersion,
      String kind,
      String namespace,
      List<String> resources,
      List<Image> images,
      List<Generator> configMapGenerator,
      List<Generator> secretGenerator,
      List<Patch> patches) {
    Kustomization {
      resources = resources == null ? List.of() : resources;
      images = images == null ? List.of() : images;
      configMapGenerator = configMapGenerator == null ? List.of() : configMapGenerator;
      secretGenerator = secretGenerator == null ? List.of() : secretGenerator;
      patches = patches == null ? List.of() : patches;
    }
  }

  record Image(String name, String newName, String newTag, String digest) {}

  record Generator(String name, String behavior, List<String> literals, List<String> files) {
    Generator {
      literals = literals == null ? List.of() : literals;
      files = files == null ? List.of() : files;
    }

    /** The keys: a literal's name, a file's key ({@code key=path}) or file name. */
    List<String> keys() {
      List<String> keys = new ArrayList<>();
      literals.forEach(l -> keys.add(l.substring(0, l.indexOf('='))));
      files.forEach(f -> keys.add(f.contains("=") ? f.substring(0, f.indexOf('=')) : Path.of(f).getFileName().toString()));
      return keys;
    }
  }

  /** A patch: a file ({@code path}) or an inline JSON 6902 patch ({@code patch}) on the objects {@code target} picks. */
  record Patch(String path, String patch, Target target) {}

  record Target(String group, String version, String kind, String name, String labelSelector) {}

  /** One JSON 6902 operation. */
  record Operation(String op, String path, Object value, String from) {}

  static Kustomization read(Path dir) {
    List<Doc> docs = Manifests.docs(dir.resolve("kustomization.yaml"));
    if (docs.size() != 1) {
      throw new AssertionError(dir + "/kustomization.yaml: one document expected");
    }
    return Manifests.read(docs.get(0), Kustomization.class);
  }

  /** The documents of every resource a kustomization lists, following directories (other kustomizations). */
  static List<Doc> resourceDocs(Path dir) {
    List<Doc> docs = new ArrayList<>();
    for (String resource : read(dir).resources()) {
      Path path = dir.resolve(resource).normalize();
      if (Files.isDirectory(path)) {
        docs.addAll(resourceDocs(path));
      } else if (Files.isRegularFile(path)) {
        docs.addAll(Manifests.docs(path));
      } else {
        throw new AssertionError(dir + "/kustomization.yaml lists " + resource + ", which does not exist");
      }
    }
    return docs;
  }

  /** Whether {@code selector} (matchLabels and In/NotIn/Exists expressions) picks an object labelled {@code labels}. */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    Map<String, String> have = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(have.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        String value = have.get(r.getKey());
        boolean ok = switch (r.getOperator()) {
          case "In" -> r.getValues().contains(value);
          case "NotIn" -> value == null || !r.getValues().contains(value);
          case "Exists" -> value != null;
          case "DoesNotExist" -> value == null;
          default -> throw new AssertionError("unknown selector operator " + r.getOperator());
        };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether a patch target picks {@code resource} (kind, name, and a {@code key=value,...} label selector). */
  static boolean picks(Target target, HasMetadata resource) {
    if (target.kind() != null && !target.kind().equals(resource.getKind())) {
      return false;
    }
    if (target.name() != null && !target.name().equals(resource.getMetadata().getName())) {
      return false;
    }
    if (target.labelSelector() != null) {
      Map<String, String> labels = resource.getMetadata().getLabels() == null ? Map.of() : resource.getMetadata().getLabels();
      for (String pair : target.labelSelector().split(",")) {
        String[] kv = pair.split("=", 2);
        if (!kv[1].equals(labels.get(kv[0]))) {
          return false;
        }
      }
    }
    return true;
  }
}

package io.chatplatform.platform.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads deploy/'s YAML strictly: a field the Kubernetes model (fabric8) or the record it is read
 * into does not know fails, as a misspelt {@code readinesProbe} would otherwise be dropped
 * silently by the API server's client-side defaults and never probe anything.
 */
final class Manifests {
  /**
   * fabric8's model classes keep unknown fields in {@code additionalProperties} (a Jackson
   * any-setter) and Jackson 3 ignores unknown properties by default: this mapper has neither, so
   * that an unknown field is an error.
   */
  static final ObjectMapper STRICT = YAMLMapper.builder()
      .annotationIntrospector(new JacksonAnnotationIntrospector() {
        @Override
        public Boolean hasAnySetter(MapperConfig<?> config, Annotated annotated) {
          return false;
        }

        @Override
        public JsonIgnoreProperties.Value findPropertyIgnoralByName(MapperConfig<?> config, Annotated annotated) {
          return super.findPropertyIgnoralByName(config, annotated).withoutIgnoreUnknown();
        }
      })
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  /** Only for its table of which class an apiVersion and kind are. */
  private static final KubernetesSerialization KINDS = new KubernetesSerialization();

  private Manifests() {}

  /** One YAML document of a file. */
  record Doc(Path file, JsonNode tree) {
    String kind() {
      return tree.path("kind").asString();
    }

    String name() {
      return tree.path("metadata").path("name").asString();
    }

    @Override
    public String toString() {
      return Repo.ROOT.relativize(file) + " " + kind() + "/" + name();
    }
  }

  static List<Doc> docs(Path file) {
    try {
      List<Doc> docs = new ArrayList<>();
      for (JsonNode tree : STRICT.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file)).readAll()) {
        if (tree != null && !tree.isNull() && !tree.isMissingNode()) {
          docs.add(new Doc(file, tree));
        }
      }
      return docs;
    } catch (Exception e) {
      throw new AssertionError("cannot read " + file, e);
    }
  }

  /** The Kubernetes object {@code doc} is, read strictly into fabric8's class for its apiVersion and kind. */
  static HasMetadata resource(Doc doc) {
    Class<?> type = KINDS.getRegisteredKubernetesResource(doc.tree().path("apiVersion").asString(), doc.kind());
    if (type == null || !HasMetadata.class.isAssignableFrom(type)) {
      throw new AssertionError(doc + ": no Kubernetes kind " + doc.tree().path("apiVersion").asString() + " " + doc.kind());
    }
    return (HasMetadata) read(doc, type);
  }

  /** {@code doc} read strictly into {@code type}. */
  static <T> T read(Doc doc, Class<T> type) {
    try {
      return STRICT.treeToValue(doc.tree(), type);
    } catch (Exception e) {
      throw new AssertionError(doc + ": " + e.getMessage(), e);
    }
  }
}

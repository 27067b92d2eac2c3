package io.chatplatform.gateway.validation;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CompiledSchema: each supported keyword accepts and refuses, naming the field")
class CompiledSchemaTest {
  static final JsonObject DEFINITIONS = new JsonObject()
      .put("id", new JsonObject().put("type", "string").put("pattern", "^[a-z]{1,3}$"))
      .put("seq", new JsonObject().put("type", "integer").put("minimum", 0));

  static CompiledSchema schema(String json) {
    return CompiledSchema.compile(new JsonObject(json), DEFINITIONS);
  }

  static void refused(CompiledSchema schema, JsonObject body, String message) {
    assertThatThrownBy(() -> schema.check(body)).isInstanceOf(ServiceException.class).hasMessage(message);
  }

  static void accepted(CompiledSchema schema, JsonObject body) {
    assertThatCode(() -> schema.check(body)).doesNotThrowAnyException();
  }

  @Test
  @DisplayName("strings: type, maxLength in code points, pattern (through $ref)")
  void strings() {
    CompiledSchema s = schema("""
        {"type":"object","properties":{"id":{"$ref":"#/definitions/id"},"t":{"type":"string","maxLength":2}}}""");
    accepted(s, new JsonObject().put("id", "abc").put("t", "😀😀"));
    refused(s, new JsonObject().put("t", "abc"), "t: must be at most 2 characters");
    refused(s, new JsonObject().put("id", "abcd"), "id: must match ^[a-z]{1,3}$");
    refused(s, new JsonObject().put("id", 7), "id: must be a string");
    refused(s, new JsonObject().put("id", new JsonObject().put("$gt", "")), "id: must be a string");
  }

  @Test
  @DisplayName("numbers: integer (1.0 is one, 1.5 is not), minimum; null through oneOf")
  void numbers() {
    CompiledSchema s = schema("""
        {"type":"object","properties":{"seq":{"oneOf":[{"type":"null"},{"$ref":"#/definitions/seq"}]}}}""");
    accepted(s, new JsonObject().put("seq", 3));
    accepted(s, new JsonObject().put("seq", 3.0));
    accepted(s, new JsonObject().put("seq", 1L << 50));
    accepted(s, new JsonObject().putNull("seq"));
    refused(s, new JsonObject().put("seq", 1.5), "seq: must be an integer");
    refused(s, new JsonObject().put("seq", -1), "seq: must be at least 0");
    refused(s, new JsonObject().put("seq", "3"), "seq: must be an integer");
  }

  @Test
  @DisplayName("objects: required, unknown fields, nested locations, propertyNames and additionalProperties schemas")
  void objects() {
    CompiledSchema s = schema("""
        {"type":"object","additionalProperties":false,"required":["rooms"],
         "properties":{"rooms":{"type":"object","propertyNames":{"pattern":"^[a-z]+$"},
                                "additionalProperties":{"$ref":"#/definitions/seq"}}}}""");
    accepted(s, new JsonObject().put("rooms", new JsonObject().put("a", 1).put("b", 0)));
    refused(s, new JsonObject(), "rooms is required");
    refused(s, new JsonObject().put("rooms", new JsonObject()).put("x", 1), "unknown or malformed field x");
    refused(s, new JsonObject().put("rooms", new JsonObject().put("$where", 1)), "unknown or malformed field $where in rooms");
    refused(s, new JsonObject().put("rooms", new JsonObject().put("a", -2)), "rooms.a: must be at least 0");
    refused(s, new JsonObject().put("rooms", new JsonArray()), "rooms: must be an object");
  }

  @Test
  @DisplayName("arrays: items with their index, maxItems; enum")
  void arraysAndEnums() {
    CompiledSchema s = schema("""
        {"type":"object","properties":{"ids":{"type":"array","maxItems":2,"items":{"$ref":"#/definitions/id"}},
                                       "kind":{"enum":["read","delivered"]}}}""");
    accepted(s, new JsonObject().put("ids", new JsonArray().add("a").add("b")).put("kind", "read"));
    refused(s, new JsonObject().put("ids", new JsonArray().add("a").add(1)), "ids[1]: must be a string");
    refused(s, new JsonObject().put("ids", new JsonArray().add("a").add("b").add("c")), "ids: must have at most 2 items");
    refused(s, new JsonObject().put("kind", "seen"), "kind: must be one of read, delivered");
  }

  @Test
  @DisplayName("a keyword it does not implement, or a $ref it cannot resolve, fails at compile time")
  void unsupportedKeywordsFailEarly() {
    assertThatThrownBy(() -> schema("""
        {"type":"string","format":"email"}""")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format");
    assertThatThrownBy(() -> schema("""
        {"$ref":"#/definitions/missing"}""")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing");
  }
}

package io.chatplatform.gateway.validation;

import io.chatplatform.contracts.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One JSON schema (draft 7), compiled once into a tree of plain Java checks.
 *
 * <p>Why not a general validator: vertx-json-schema walks the schema document on every call and
 * builds an output report; on the {@code chat.send} path it was the gateway's largest single cost
 * (JFR under 1,000 direct sends/s: a quarter of the event loops' samples). The bodies here are
 * small and the schemas simple, so this covers exactly the keywords {@code request-schemas.json}
 * uses and refuses, at start-up, any other: a new keyword cannot be silently ignored.
 *
 * <p>Supported: {@code type} (object, array, string, integer, number, boolean, null, or a list of
 * them), {@code properties}, {@code required}, {@code additionalProperties} (boolean or schema),
 * {@code propertyNames}, {@code items} (one schema), {@code maxItems}, {@code maxLength} (in code
 * points), {@code pattern} (unanchored, as in JSON schema), {@code minimum}, {@code enum},
 * {@code oneOf}, {@code $ref} to {@code #/definitions/<name>}, {@code $comment}.
 *
 * <p>A refusal is a {@code bad_request} whose message names the field: {@code "roomId: must be a
 * string"}, {@code "clientMsgId is required"}, {@code "unknown or malformed field senderId"}.
 */
final class CompiledSchema {
  private static final Set<String> KEYWORDS =
      Set.of("type", "properties", "required", "additionalProperties", "propertyNames", "items", "maxItems",
          "maxLength", "pattern", "minimum", "enum", "oneOf", "$ref", "$comment");
  private static final Set<String> TYPES = Set.of("object", "array", "string", "integer", "number", "boolean", "null");

  /** A compiled check of one value at a location ({@code ""} for the body, else dotted). */
  @FunctionalInterface
  private interface Rule {
    void check(Object value, String where);
  }

  private final Rule root;

  private CompiledSchema(Rule root) {
    this.root = root;
  }

  /** Compiles {@code schema}; {@code $ref}s resolve against {@code definitions}. */
  static CompiledSchema compile(JsonObject schema, JsonObject definitions) {
    return new CompiledSchema(new Compiler(definitions).rule(schema, "#"));
  }

  /** Fails with {@code bad_request} naming the first offending field when {@code body} does not fit. */
  void check(JsonObject body) {
    root.check(body, "");
  }

  private static ServiceException refuse(String where, String problem) {
    return ServiceException.badRequest((where.isEmpty() ? "body" : where) + ": " + problem);
  }

  private static String child(String where, String name) {
    return where.isEmpty() ? name : where + "." + name;
  }

  private static final class Compiler {
    private final JsonObject definitions;
    private final Map<String, Rule> compiledDefinitions = new LinkedHashMap<>();

    Compiler(JsonObject definitions) {
      this.definitions = definitions == null ? new JsonObject() : definitions;
    }

    Rule rule(Object schema, String at) {
      if (schema instanceof Boolean allowed) {
        return allowed ? (value, where) -> {} : (value, where) -> { throw refuse(where, "is not allowed"); };
      }
      if (!(schema instanceof JsonObject node)) {
        throw new IllegalArgumentException(at + ": a schema must be an object or a boolean");
      }
      for (String keyword : node.fieldNames()) {
        if (!KEYWORDS.contains(keyword)) {
          throw new IllegalArgumentException(at + ": keyword " + keyword + " is not supported by CompiledSchema");
        }
      }
      List<Rule> rules = new ArrayList<>();
      if (node.containsKey("$ref")) {
        rules.add(reference(node.getString("$ref"), at));
      }
      if (node.containsKey("type")) {
        rules.add(type(node.getValue("type"), at));
      }
      if (node.containsKey("enum")) {
        rules.add(oneOfValues(node.getJsonArray("enum")));
      }
      if (node.containsKey("oneOf")) {
        rules.add(oneOf(node.getJsonArray("oneOf"), at));
      }
      addStringRules(node, rules);
      addNumberRules(node, rules);
      addArrayRules(node, rules, at);
      addObjectRules(node, rules, at);
      Rule[] all = rules.toArray(Rule[]::new);
      return all.length == 1 ? all[0] : (value, where) -> {
        for (Rule rule : all) {
          rule.check(value, where);
        }
      };
    }

    private Rule reference(String ref, String at) {
      String prefix = "#/definitions/";
      if (ref == null || !ref.startsWith(prefix) || !definitions.containsKey(ref.substring(prefix.length()))) {
        throw new IllegalArgumentException(at + ": unresolvable $ref " + ref);
      }
      String name = ref.substring(prefix.length());
      Rule known = compiledDefinitions.get(name);
      if (known == null) {
        known = rule(definitions.getValue(name), prefix + name);
        compiledDefinitions.put(name, known);
      }
      return known;
    }

    private static Rule type(Object declared, String at) {
      List<String> types = new ArrayList<>();
      if (declared instanceof String one) {
        types.add(one);
      } else if (declared instanceof JsonArray several) {
        several.forEach(t -> types.add((String) t));
      } else {
        throw new IllegalArgumentException(at + ": type must be a string or a list");
      }
      for (String t : types) {
        if (!TYPES.contains(t)) {
          throw new IllegalArgumentException(at + ": unknown type " + t);
        }
      }
      String[] allowed = types.toArray(String[]::new);
      String expected = String.join(" or ", types);
      return (value, where) -> {
        for (String t : allowed) {
          if (isOfType(value, t)) {
            return;
          }
        }
        throw refuse(where, "must be " + article(expected) + expected);
      };
    }

    private static Rule oneOfValues(JsonArray values) {
      List<Object> allowed = values.getList();
      String listed = String.join(", ", allowed.stream().map(String::valueOf).toList());
      return (value, where) -> {
        if (!allowed.contains(value)) {
          throw refuse(where, "must be one of " + listed);
        }
      };
    }

    private Rule oneOf(JsonArray alternatives, String at) {
      List<Rule> rules = new ArrayList<>();
      for (int i = 0; i < alternatives.size(); i++) {
        rules.add(rule(alternatives.getValue(i), at + "/oneOf/" + i));
      }
      return (value, where) -> {
        int passed = 0;
        ServiceException closest = null;
        for (Rule alternative : rules) {
          try {
            alternative.check(value, where);
            passed++;
          } catch (ServiceException refused) {
            // The last refusal is reported: alternatives are listed most general first.
            closest = refused;
          }
        }
        if (passed == 1) {
          return;
        }
        throw passed == 0 ? closest : refuse(where, "matches more than one of its allowed forms");
      };
    }

    private static void addStringRules(JsonObject node, List<Rule> rules) {
      if (node.containsKey("maxLength")) {
        int max = node.getInteger("maxLength");
        rules.add((value, where) -> {
          // Code points, as JSON schema counts; a string no longer in chars is no longer in those.
          if (value instanceof String s && s.length() > max && s.codePointCount(0, s.length()) > max) {
            throw refuse(where, "must be at most " + max + " characters");
          }
        });
      }
      if (node.containsKey("pattern")) {
        String source = node.getString("pattern");
        Pattern pattern = Pattern.compile(source);
        rules.add((value, where) -> {
          if (value instanceof String s && !pattern.matcher(s).find()) {
            throw refuse(where, "must match " + source);
          }
        });
      }
    }

    private static void addNumberRules(JsonObject node, List<Rule> rules) {
      if (node.containsKey("minimum")) {
        BigDecimal minimum = new BigDecimal(String.valueOf(node.getValue("minimum")));
        rules.add((value, where) -> {
          if (value instanceof Number n && decimal(n).compareTo(minimum) < 0) {
            throw refuse(where, "must be at least " + minimum.toPlainString());
          }
        });
      }
    }

    private void addArrayRules(JsonObject node, List<Rule> rules, String at) {
      if (node.containsKey("maxItems")) {
        int max = node.getInteger("maxItems");
        rules.add((value, where) -> {
          List<?> list = elements(value);
          if (list != null && list.size() > max) {
            throw refuse(where, "must have at most " + max + " items");
          }
        });
      }
      if (node.containsKey("items")) {
        Rule items = rule(node.getValue("items"), at + "/items");
        rules.add((value, where) -> {
          List<?> list = elements(value);
          if (list != null) {
            for (int i = 0; i < list.size(); i++) {
              items.check(list.get(i), where + "[" + i + "]");
            }
          }
        });
      }
    }

    private void addObjectRules(JsonObject node, List<Rule> rules, String at) {
      if (node.containsKey("required")) {
        String[] required = node.getJsonArray("required").stream().map(String.class::cast).toArray(String[]::new);
        rules.add((value, where) -> {
          Map<String, Object> fields = fields(value);
          if (fields != null) {
            for (String name : required) {
              if (!fields.containsKey(name)) {
                throw ServiceException.badRequest((where.isEmpty() ? "" : where + ".") + name + " is required");
              }
            }
          }
        });
      }
      Map<String, Rule> properties = new LinkedHashMap<>();
      JsonObject declared = node.getJsonObject("properties", new JsonObject());
      declared.forEach(p -> properties.put(p.getKey(), rule(p.getValue(), at + "/properties/" + p.getKey())));
      Object additional = node.getValue("additionalProperties", true);
      Rule others = Boolean.FALSE.equals(additional) ? null : rule(additional, at + "/additionalProperties");
      Rule names = node.containsKey("propertyNames") ? rule(node.getValue("propertyNames"), at + "/propertyNames") : null;
      if (properties.isEmpty() && Boolean.TRUE.equals(additional) && names == null) {
        return;
      }
      rules.add((value, where) -> {
        Map<String, Object> fields = fields(value);
        if (fields == null) {
          return;
        }
        for (Map.Entry<String, Object> field : fields.entrySet()) {
          String name = field.getKey();
          Rule declaredRule = properties.get(name);
          if (names != null) {
            try {
              names.check(name, child(where, name));
            } catch (ServiceException malformed) {
              throw unknownField(name, where);
            }
          }
          if (declaredRule != null) {
            declaredRule.check(field.getValue(), child(where, name));
          } else if (others == null) {
            throw unknownField(name, where);
          } else {
            others.check(field.getValue(), child(where, name));
          }
        }
      });
    }

    private static ServiceException unknownField(String name, String where) {
      return ServiceException.badRequest("unknown or malformed field " + name + (where.isEmpty() ? "" : " in " + where));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> fields(Object value) {
    if (value instanceof JsonObject object) {
      return object.getMap();
    }
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
  }

  private static List<?> elements(Object value) {
    return value instanceof JsonArray array ? array.getList() : value instanceof List<?> list ? list : null;
  }

  private static boolean isOfType(Object value, String type) {
    return switch (type) {
      case "object" -> value instanceof JsonObject || value instanceof Map;
      case "array" -> value instanceof JsonArray || value instanceof List;
      case "string" -> value instanceof String;
      case "boolean" -> value instanceof Boolean;
      case "null" -> value == null;
      case "number" -> value instanceof Number;
      case "integer" -> isInteger(value);
      default -> false;
    };
  }

  /** Draft 7: a number with no fractional part is an integer, whatever its JSON spelling. */
  private static boolean isInteger(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
        || value instanceof BigInteger) {
      return true;
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      return Double.isFinite(d) && d == Math.rint(d);
    }
    return value instanceof BigDecimal big && big.stripTrailingZeros().scale() <= 0;
  }

  private static BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal big) {
      return big;
    }
    if (n instanceof BigInteger big) {
      return new BigDecimal(big);
    }
    if (n instanceof Double || n instanceof Float) {
      return BigDecimal.valueOf(n.doubleValue());
    }
    return BigDecimal.valueOf(n.longValue());
  }

  private static String article(String noun) {
    return "aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ";
  }
}

package io.chatplatform.contracts.history;

import io.chatplatform.contracts.Fields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One emoji's reactions to a message as clients see them: how many members reacted with it, and
 * the first of them ({@code REACTION_NAMES_SHOWN}, in the order they reacted). When
 * {@code count} is at most the number of {@code userIds}, the list is complete.
 */
public record Reaction(String emoji, int count, List<String> userIds) {
  public Reaction {
    userIds = List.copyOf(userIds);
  }

  public static List<Reaction> readList(JsonArray array) {
    if (array == null) {
      return List.of();
    }
    return array.stream().map(o -> (JsonObject) o)
        .map(r -> new Reaction(r.getString("emoji"), r.getInteger("count", 0), Fields.strings(r, "userIds", "userIds must be a list")))
        .toList();
  }

  public static JsonArray writeList(List<Reaction> reactions) {
    JsonArray array = new JsonArray();
    reactions.forEach(r -> array.add(new JsonObject().put("emoji", r.emoji()).put("count", r.count()).put("userIds", new JsonArray(r.userIds()))));
    return array;
  }
}

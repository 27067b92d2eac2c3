package io.chatplatform.contracts.history;

import io.chatplatform.contracts.Shape;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of search results ({@code GET /api/v1/search}): messages of several rooms, newest
 * first, and {@code next}, the cursor to pass as {@code before} for the next (older) page; null
 * (and not written) when there is none. The cursor is opaque to clients.
 */
public record SearchPage(List<Message> messages, String next) {
  public SearchPage {
    messages = List.copyOf(messages);
  }

  public static final SearchPage EMPTY = new SearchPage(List.of(), null);

  public static final Shape<SearchPage> SHAPE = Shape.of(SearchPage.class, SearchPage::read, SearchPage::write);

  public static SearchPage read(JsonObject json) {
    List<Message> messages = new ArrayList<>();
    for (Object m : json.getJsonArray("messages", new JsonArray())) {
      messages.add(Message.read((JsonObject) m));
    }
    return new SearchPage(messages, json.getString("next"));
  }

  /** {@code {messages, next}}; {@code next} only when there is a next page. */
  public JsonObject write() {
    JsonArray list = new JsonArray(new ArrayList<>(messages.size()));
    messages.forEach(m -> list.add(m.write()));
    JsonObject json = new JsonObject().put("messages", list);
    if (next != null) {
      json.put("next", next);
    }
    return json;
  }
}

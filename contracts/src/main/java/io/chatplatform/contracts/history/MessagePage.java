package io.chatplatform.contracts.history;

import io.chatplatform.contracts.Shape;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Consecutive messages of one room in ascending {@code seq}, whether the room has more beyond
 * them, and the room's {@code epoch}: the identity of its sequence. A room's epoch changes only
 * when its history was lost or replaced (a store reset or restore), when seqs start again; a
 * client that sees a new epoch drops what it holds of the room and reloads it. Null for a room
 * without messages.
 */
public record MessagePage(List<Message> messages, boolean hasMore, String epoch) {
  public MessagePage {
    messages = List.copyOf(messages);
  }

  public static final Shape<MessagePage> SHAPE = Shape.of(MessagePage.class, MessagePage::read, MessagePage::write);

  public static MessagePage read(JsonObject json) {
    List<Message> messages = new ArrayList<>();
    for (Object m : json.getJsonArray("messages", new JsonArray())) {
      messages.add(Message.read((JsonObject) m));
    }
    return new MessagePage(messages, json.getBoolean("hasMore", false), json.getString("epoch"));
  }

  /** {@code {messages, hasMore, epoch}}. */
  public JsonObject write() {
    JsonArray list = new JsonArray(new ArrayList<>(messages.size()));
    messages.forEach(m -> list.add(m.write()));
    return new JsonObject().put("messages", list).put("hasMore", hasMore).put("epoch", epoch);
  }
}

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
 *
 * <p>A {@code chat.sync} entry of a room whose changes the client asked for also carries
 * {@code changes}: the messages edited or deleted since the client's {@code updatedSeq}; null (and
 * not written) otherwise.
 */
public record MessagePage(List<Message> messages, boolean hasMore, String epoch, Changes changes, Around around) {
  public MessagePage {
    messages = List.copyOf(messages);
  }

  public MessagePage(List<Message> messages, boolean hasMore, String epoch) {
    this(messages, hasMore, epoch, null, null);
  }

  public MessagePage(List<Message> messages, boolean hasMore, String epoch, Changes changes) {
    this(messages, hasMore, epoch, changes, null);
  }

  /**
   * A page asked for {@code around} a seq (a jump to a message): that {@code seq}, and the cursors
   * to page on from the messages given: {@code before} (the oldest one's seq, to pass as
   * {@code before}; null when nothing older is left) and {@code after} (the newest one's seq, to
   * pass as {@code after}; null when nothing newer is left).
   */
  public record Around(long seq, Long before, Long after) {
    static Around read(JsonObject json) {
      return new Around(json.getLong("seq", 0L), json.getLong("before"), json.getLong("after"));
    }

    public JsonObject write() {
      return new JsonObject().put("seq", seq).put("before", before).put("after", after);
    }
  }

  /**
   * A room's messages changed after a client's {@code updatedSeq}, ascending by their own
   * {@code updatedSeq}, as they are now; {@code hasMore} when more follow (ask again from the
   * last one's); {@code updatedSeq} the room's current one (0 before its first change).
   */
  public record Changes(List<Message> messages, boolean hasMore, long updatedSeq) {
    public Changes {
      messages = List.copyOf(messages);
    }

    static Changes read(JsonObject json) {
      List<Message> messages = new ArrayList<>();
      for (Object m : json.getJsonArray("messages", new JsonArray())) {
        messages.add(Message.read((JsonObject) m));
      }
      return new Changes(messages, json.getBoolean("hasMore", false), json.getLong("updatedSeq", 0L));
    }

    public JsonObject write() {
      JsonArray list = new JsonArray(new ArrayList<>(messages.size()));
      messages.forEach(m -> list.add(m.write()));
      return new JsonObject().put("messages", list).put("hasMore", hasMore).put("updatedSeq", updatedSeq);
    }
  }

  public MessagePage withChanges(Changes changes) {
    return new MessagePage(messages, hasMore, epoch, changes, around);
  }

  public static final Shape<MessagePage> SHAPE = Shape.of(MessagePage.class, MessagePage::read, MessagePage::write);

  public static MessagePage read(JsonObject json) {
    List<Message> messages = new ArrayList<>();
    for (Object m : json.getJsonArray("messages", new JsonArray())) {
      messages.add(Message.read((JsonObject) m));
    }
    JsonObject changes = json.getJsonObject("changes");
    JsonObject around = json.getJsonObject("around");
    return new MessagePage(messages, json.getBoolean("hasMore", false), json.getString("epoch"),
        changes == null ? null : Changes.read(changes), around == null ? null : Around.read(around));
  }

  /** {@code {messages, hasMore, epoch}}, and {@code changes} when there are, {@code around} for a jump. */
  public JsonObject write() {
    JsonArray list = new JsonArray(new ArrayList<>(messages.size()));
    messages.forEach(m -> list.add(m.write()));
    JsonObject json = new JsonObject().put("messages", list).put("hasMore", hasMore).put("epoch", epoch);
    if (changes != null) {
      json.put("changes", changes.write());
    }
    if (around != null) {
      json.put("around", around.write());
    }
    return json;
  }
}

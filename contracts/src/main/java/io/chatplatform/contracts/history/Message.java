package io.chatplatform.contracts.history;

import io.chatplatform.contracts.Fields;
import io.chatplatform.contracts.Shape;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A stored message, as clients see it (docs/protocol.md, "Message"). {@code seq} is gap-free per
 * room; {@code messageId} is the server's id; {@link #SHAPE} writes the documented JSON, field
 * for field and in the documented order. {@code attachments} are the files as they were when the
 * message was stored.
 *
 * <p>An edit sets {@code editedAt}; a delete leaves a tombstone ({@code deleted}, {@code deletedAt},
 * no text, no files, no mentions). Both give the message its room's next {@code updatedSeq}, the
 * second sequence of a room that {@code chat.sync} follows for changes; a message never changed
 * has none (null, and the field is not written), so an unchanged message reads as it always did.
 *
 * <p>{@code reactions} (written only when there are some) are its reactions per emoji; a reaction
 * going on or off is a change too, with the next {@code updatedSeq}. {@code quote} (written only
 * for a reply) is what the reply shows of the message {@code replyTo} names.
 */
public record Message(
    String roomId,
    long seq,
    String messageId,
    String senderId,
    String clientMsgId,
    String text,
    List<FileInfo> attachments,
    Long replyTo,
    List<String> mentions,
    long ts,
    Long editedAt,
    boolean deleted,
    Long deletedAt,
    Long updatedSeq,
    List<Reaction> reactions,
    Quote quote) {
  public Message {
    attachments = List.copyOf(attachments);
    mentions = List.copyOf(mentions);
    reactions = reactions == null ? List.of() : List.copyOf(reactions);
  }

  /** A message without reactions and not a reply with a quote. */
  public Message(
      String roomId, long seq, String messageId, String senderId, String clientMsgId, String text, List<FileInfo> attachments,
      Long replyTo, List<String> mentions, long ts, Long editedAt, boolean deleted, Long deletedAt, Long updatedSeq) {
    this(roomId, seq, messageId, senderId, clientMsgId, text, attachments, replyTo, mentions, ts, editedAt, deleted, deletedAt,
        updatedSeq, List.of(), null);
  }

  /** A message as stored, never changed. */
  public Message(
      String roomId, long seq, String messageId, String senderId, String clientMsgId, String text, List<FileInfo> attachments,
      Long replyTo, List<String> mentions, long ts, Long editedAt, boolean deleted) {
    this(roomId, seq, messageId, senderId, clientMsgId, text, attachments, replyTo, mentions, ts, editedAt, deleted, null, null);
  }

  public static final Shape<Message> SHAPE = Shape.of(Message.class, Message::read, Message::write);

  /** Reads the client form; storage-only fields beside it (a document's keys) are ignored. */
  public static Message read(JsonObject json) {
    return new Message(
        json.getString("roomId"),
        json.getLong("seq", 0L),
        json.getString("messageId"),
        json.getString("senderId"),
        json.getString("clientMsgId"),
        json.getString("text", ""),
        FileInfo.readList(json.getJsonArray("attachments")),
        json.getLong("replyTo"),
        Fields.strings(json, "mentions", "mentions must be a list"),
        json.getLong("ts", 0L),
        json.getLong("editedAt"),
        json.getBoolean("deleted", false),
        json.getLong("deletedAt"),
        json.getLong("updatedSeq"),
        Reaction.readList(json.getJsonArray("reactions")),
        Quote.read(json.getJsonObject("quote")));
  }

  public JsonObject write() {
    JsonObject json = new JsonObject()
        .put("roomId", roomId)
        .put("seq", seq)
        .put("messageId", messageId)
        .put("senderId", senderId)
        .put("clientMsgId", clientMsgId)
        .put("text", text)
        .put("attachments", FileInfo.writeList(attachments))
        .put("replyTo", replyTo)
        .put("mentions", new JsonArray(mentions))
        .put("ts", ts)
        .put("editedAt", editedAt)
        .put("deleted", deleted);
    if (deletedAt != null) {
      json.put("deletedAt", deletedAt);
    }
    if (updatedSeq != null) {
      json.put("updatedSeq", updatedSeq);
    }
    if (!reactions.isEmpty()) {
      json.put("reactions", Reaction.writeList(reactions));
    }
    if (quote != null) {
      json.put("quote", quote.write());
    }
    return json;
  }
}

package io.chatplatform.history;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A message as chat-service hands it over to be stored: already validated, sender authenticated.
 */
public record NewMessage(
    String roomId,
    String senderId,
    String clientMsgId,
    String text,
    JsonArray attachments,
    Long replyTo,
    JsonArray mentions,
    long ts) {

  public static NewMessage fromJson(JsonObject json) {
    return new NewMessage(
        json.getString("roomId"),
        json.getString("senderId"),
        json.getString("clientMsgId"),
        json.getString("text", ""),
        json.getJsonArray("attachments", new JsonArray()),
        json.getLong("replyTo"),
        json.getJsonArray("mentions", new JsonArray()),
        json.getLong("ts", System.currentTimeMillis()));
  }

  /** The unique idempotency key; the separator cannot occur in ids. */
  public String clientKey() {
    return roomId + "\u001f" + senderId + "\u001f" + clientMsgId;
  }

  JsonObject toDocument(long seq, String messageId) {
    return new JsonObject()
        .put("_id", MessageStore.messageKey(roomId, seq))
        .put("clientKey", clientKey())
        .put("roomId", roomId)
        .put("seq", seq)
        .put("messageId", messageId)
        .put("senderId", senderId)
        .put("clientMsgId", clientMsgId)
        .put("text", text)
        .put("attachments", attachments)
        .put("replyTo", replyTo)
        .put("mentions", mentions)
        .put("ts", ts)
        .put("editedAt", null)
        .put("deleted", false);
  }
}

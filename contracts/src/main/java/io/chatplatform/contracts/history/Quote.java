package io.chatplatform.contracts.history;

import io.vertx.core.json.JsonObject;

/**
 * What a reply shows of the message it answers, stored with the reply when it was sent: the quoted
 * {@code seq}, its sender and the first {@code REPLY_EXCERPT_CHARS} code points of its text. When
 * the quoted message is deleted, the excerpt is emptied and {@code deleted} set.
 */
public record Quote(long seq, String senderId, String excerpt, boolean deleted) {
  static Quote read(JsonObject json) {
    return json == null ? null
        : new Quote(json.getLong("seq", 0L), json.getString("senderId"), json.getString("excerpt", ""), json.getBoolean("deleted", false));
  }

  public JsonObject write() {
    return new JsonObject().put("seq", seq).put("senderId", senderId).put("excerpt", excerpt).put("deleted", deleted);
  }
}

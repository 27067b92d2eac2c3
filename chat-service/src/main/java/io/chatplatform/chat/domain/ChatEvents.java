package io.chatplatform.chat.domain;

import io.chatplatform.contracts.chat.ChatApi.Sent;
import io.chatplatform.contracts.history.Message;
import java.util.Collection;

/**
 * What chat-service tells clients and the cluster. The domain decides who hears what; the
 * implementation decides how (client JSON, fan-out addresses).
 */
public interface ChatEvents {
  /** A new message, to the whole room: its client JSON as encoded for the sender's reply, not encoded again. */
  void message(Sent sent);

  /** A message was edited or deleted, to the whole room: the message as it now is. */
  void messageUpdated(Message message);

  /** A membership change ({@code joined}, {@code left}, {@code updated}) to the named users, with the room as it now is. */
  void room(String event, Collection<String> userIds, RoomView room);

  /** A moderation act: to the room, and to the user it was done to (who may no longer be in it), once each. */
  void moderation(ModerationAct act);

  /** A member's watermark moved: to every member when {@code wholeRoom}, else only to the member's own sockets. */
  void receipt(String roomId, String userId, String kind, long seq, boolean wholeRoom);

  /** An account was disabled or enabled: every gateway node acts. */
  void accountDisabled(String userId, boolean disabled);
}

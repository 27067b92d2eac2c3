package io.chatplatform.chat.domain;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.history.Message;

/** Who may edit or delete a stored message: plain rules, no I/O. */
public final class MessageRules {
  private MessageRules() {}

  /**
   * An edit: only the sender's own message, not deleted ({@code gone}), and within
   * {@code windowSeconds} of its {@code ts} (0: no limit).
   */
  public static void mayEdit(Message message, String caller, long now, long windowSeconds) {
    if (!message.senderId().equals(caller)) {
      throw ServiceException.forbidden("you may edit only your own messages");
    }
    if (message.deleted()) {
      throw new ServiceException(ErrorCode.GONE, "the message was deleted");
    }
    if (windowSeconds > 0 && now - message.ts() > windowSeconds * 1000) {
      throw ServiceException.forbidden("a message may be edited for " + windowSeconds + " s after it was sent");
    }
  }

  /**
   * A delete: the sender's own message, or another's as {@link RoomPermissions#DELETE_OTHERS_MESSAGES}
   * allows (owners, moderators but not of an owner's message, admins). Deleting a deleted message
   * is allowed (idempotent).
   */
  public static void mayDelete(Room room, Message message, String caller, boolean isAdmin) {
    if (!message.senderId().equals(caller) && !room.canDeleteMessageOf(caller, isAdmin, message.senderId())) {
      throw ServiceException.forbidden("you may delete only your own messages");
    }
  }
}

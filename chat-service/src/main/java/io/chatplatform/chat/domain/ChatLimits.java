package io.chatplatform.chat.domain;

/**
 * The limits the domain enforces; each is a setting of chat-service ({@code ChatConfig} names them).
 * {@code editWindowSeconds}: how long after sending a message its sender may edit it; 0 is no limit.
 * {@code maxReactionEmoji}: most distinct emoji reacted to one message; {@code reactionNamesShown}:
 * how many user ids a message shows per emoji; {@code reactionEmojiMaxLength}: longest emoji or
 * shortcode, in UTF-16 units; {@code replyExcerptChars}: code points of a quoted message a reply keeps.
 */
public record ChatLimits(
    int maxTextLength,
    int maxRoomMembers,
    int maxRoomNameLength,
    int userSearchLimit,
    int syncMaxRooms,
    int maxPageSize,
    int receiptEventsMaxMembers,
    int maxRoomsPerUser,
    int roomListPageMax,
    int maxAttachments,
    long editWindowSeconds,
    int maxReactionEmoji,
    int reactionNamesShown,
    int reactionEmojiMaxLength,
    int replyExcerptChars) {

  /** The production defaults of the reaction and reply limits. */
  public ChatLimits(
      int maxTextLength, int maxRoomMembers, int maxRoomNameLength, int userSearchLimit, int syncMaxRooms, int maxPageSize,
      int receiptEventsMaxMembers, int maxRoomsPerUser, int roomListPageMax, int maxAttachments, long editWindowSeconds) {
    this(maxTextLength, maxRoomMembers, maxRoomNameLength, userSearchLimit, syncMaxRooms, maxPageSize, receiptEventsMaxMembers,
        maxRoomsPerUser, roomListPageMax, maxAttachments, editWindowSeconds, 20, 10, 32, 100);
  }

  /** Without an edit window: messages may be edited whenever. */
  public ChatLimits(
      int maxTextLength, int maxRoomMembers, int maxRoomNameLength, int userSearchLimit, int syncMaxRooms, int maxPageSize,
      int receiptEventsMaxMembers, int maxRoomsPerUser, int roomListPageMax, int maxAttachments) {
    this(maxTextLength, maxRoomMembers, maxRoomNameLength, userSearchLimit, syncMaxRooms, maxPageSize, receiptEventsMaxMembers,
        maxRoomsPerUser, roomListPageMax, maxAttachments, 0);
  }
}

package io.chatplatform.chat.domain;

/**
 * The limits the domain enforces; each is a setting of chat-service ({@code ChatConfig} names them).
 * {@code editWindowSeconds}: how long after sending a message its sender may edit it; 0 is no limit.
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
    long editWindowSeconds) {

  /** Without an edit window: messages may be edited whenever. */
  public ChatLimits(
      int maxTextLength, int maxRoomMembers, int maxRoomNameLength, int userSearchLimit, int syncMaxRooms, int maxPageSize,
      int receiptEventsMaxMembers, int maxRoomsPerUser, int roomListPageMax, int maxAttachments) {
    this(maxTextLength, maxRoomMembers, maxRoomNameLength, userSearchLimit, syncMaxRooms, maxPageSize, receiptEventsMaxMembers,
        maxRoomsPerUser, roomListPageMax, maxAttachments, 0);
  }
}

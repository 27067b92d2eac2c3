package io.chatplatform.chat.domain;

/** The limits the domain enforces; each is a setting of chat-service ({@code ChatConfig} names them). */
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
    int maxAttachments) {}

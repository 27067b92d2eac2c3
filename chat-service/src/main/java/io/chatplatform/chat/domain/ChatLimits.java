package io.chatplatform.chat.domain;

/**
 * The limits the domain enforces; each is a setting of chat-service (see {@code ChatConfig} for
 * the environment variable of each).
 */
public record ChatLimits(
    int maxTextLength,
    int maxRoomMembers,
    int maxRoomNameLength,
    int userSearchLimit,
    int syncMaxRooms,
    int maxPageSize,
    int receiptEventsMaxMembers) {}

package io.chatplatform.notification.domain;

/**
 * What one push says about a room.
 *
 * @param roomName "" for a direct room
 * @param seq the highest seq covered
 * @param count the messages collapsed into this push
 * @param preview null in id-only mode
 * @param collapseKey the room id
 * @param badge may be null
 */
public record PushMessage(
    String roomId,
    String roomName,
    long seq,
    int count,
    String senderName,
    String preview,
    String collapseKey,
    boolean mentioned,
    Integer badge,
    int ttlSeconds) {}

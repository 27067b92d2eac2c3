package io.chatplatform.notification.domain;

/**
 * What one push says about one room.
 *
 * @param roomName "" for a direct room
 * @param seq the highest message seq this push covers
 * @param count how many messages it stands for (collapsed)
 * @param preview the message text; null in id-only mode (nothing but ids leaves the platform)
 * @param collapseKey = roomId: a newer push for the room replaces an undelivered older one
 * @param badge the unread count to show on the app icon; null leaves it unchanged
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

package io.chatplatform.notification.domain;

/**
 * What one push says.
 *
 * @param roomId the room
 * @param roomName the room's name; {@code ""} for a direct room
 * @param seq the highest seq the push covers
 * @param count how many messages it covers (collapsed into one push)
 * @param senderName username of the last sender
 * @param preview the text of the last message, cut; null in id-only mode
 * @param collapseKey {@code = roomId}: a newer push of the room replaces an older one on the device
 * @param mentioned whether the recipient was mentioned in one of the messages
 * @param badge the badge number, or null
 * @param ttlSeconds how long the push service may keep it for an unreachable device
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

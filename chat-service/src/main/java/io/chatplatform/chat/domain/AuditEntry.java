package io.chatplatform.chat.domain;

/**
 * One act of authority, as the audit log keeps it: who did what to whom, where, why and when.
 * Null fields do not apply to the act (a room deletion has no target user).
 *
 * @param id assigned when appended: sorts in the order entries were appended (see {@link AuditLog})
 * @param action one of the {@code AuditEntry} action names, e.g. {@link #ROLE_CHANGE}
 * @param details what the act set, in a word or two ({@code "moderator"}, {@code "3600s"}); may be null
 */
public record AuditEntry(
    String id, long at, String actorId, String action, String targetUserId, String roomId, Long seq, String reason,
    String details) {
  public static final String ROLE_CHANGE = "role.change";
  public static final String MUTE = "moderation.mute";
  public static final String UNMUTE = "moderation.unmute";
  public static final String KICK = "moderation.kick";
  public static final String BAN = "moderation.ban";
  public static final String UNBAN = "moderation.unban";
  public static final String MESSAGE_DELETE = "message.delete";
  public static final String ADMIN_GRANT = "admin.grant";
  public static final String ADMIN_REVOKE = "admin.revoke";
  public static final String USER_DISABLE = "user.disable";
  public static final String USER_ENABLE = "user.enable";
  public static final String ROOM_DELETE = "room.delete";

  /** A new entry, before the log gives it its id. */
  public static AuditEntry of(
      long at, String actorId, String action, String targetUserId, String roomId, Long seq, String reason, String details) {
    return new AuditEntry(null, at, actorId, action, targetUserId, roomId, seq, reason, details);
  }

  public AuditEntry withId(String newId) {
    return new AuditEntry(newId, at, actorId, action, targetUserId, roomId, seq, reason, details);
  }
}

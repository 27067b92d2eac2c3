package io.chatplatform.chat.domain;

import io.chatplatform.contracts.ServiceException;
import java.time.Instant;
import java.util.Set;

/** What a moderation request may say, and what a mute forbids: plain rules, no I/O. */
public final class ModerationRules {
  public static final String MUTE = "mute";
  public static final String UNMUTE = "unmute";
  public static final String KICK = "kick";
  public static final String BAN = "ban";
  public static final String UNBAN = "unban";
  private static final Set<String> ACTIONS = Set.of(MUTE, UNMUTE, KICK, BAN, UNBAN);
  private static final Set<String> ROLES = Set.of(Room.OWNER, Room.MODERATOR, Room.MEMBER);

  private ModerationRules() {}

  public static String action(String action) {
    if (!ACTIONS.contains(action)) {
      throw ServiceException.badRequest("action must be mute, unmute, kick, ban or unban");
    }
    return action;
  }

  /** The table entry that decides whether the actor may do {@code action}. */
  public static RoomPermissions permission(String action) {
    return switch (action) {
      case MUTE, UNMUTE -> RoomPermissions.MUTE;
      case KICK -> RoomPermissions.REMOVE_MEMBER;
      default -> RoomPermissions.BAN;
    };
  }

  /** The audit log's name of the act. */
  public static String auditAction(String action) {
    return switch (action) {
      case MUTE -> AuditEntry.MUTE;
      case UNMUTE -> AuditEntry.UNMUTE;
      case KICK -> AuditEntry.KICK;
      case BAN -> AuditEntry.BAN;
      default -> AuditEntry.UNBAN;
    };
  }

  /** A mute's {@code durationSec}: 1 to {@code maxSeconds}, or none (until unmuted); other acts take none. */
  public static Long duration(String action, Long durationSec, long maxSeconds) {
    if (durationSec == null) {
      return null;
    }
    if (!MUTE.equals(action)) {
      throw ServiceException.badRequest("durationSec is for mute only");
    }
    if (durationSec < 1 || durationSec > maxSeconds) {
      throw ServiceException.badRequest("durationSec must be 1-" + maxSeconds);
    }
    return durationSec;
  }

  /** An optional reason, read by other members and kept in the audit log: a name's rules, up to {@code maxLength}. */
  public static String reason(String reason, int maxLength) {
    return reason == null || reason.isBlank() ? null : Rules.name("reason", reason, maxLength);
  }

  /** The room role a role change asks for. */
  public static String role(String role) {
    if (!ROLES.contains(role)) {
      throw ServiceException.badRequest("role must be owner, moderator or member");
    }
    return role;
  }

  /**
   * A muted member may not send, edit or react: {@code forbidden}, saying when the mute ends
   * ({@code mutedUntil}, epoch ms) or that it lasts until an unmute. A mute past its end is none.
   */
  public static void requireNotMuted(Room room, String userId, long now) {
    room.mutedUntil(userId, now).ifPresent(until -> {
      throw ServiceException.forbidden(until == Room.MUTED_UNTIL_UNMUTED
          ? "you are muted in this room until a moderator unmutes you"
          : "you are muted in this room until " + Instant.ofEpochMilli(until) + " (mutedUntil " + until + ")");
    });
  }
}

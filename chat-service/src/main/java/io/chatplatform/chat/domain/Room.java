package io.chatplatform.chat.domain;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A room and its members; plain data with the membership rules that need no I/O.
 *
 * <p>{@code version} counts the room's membership changes (1 when created, one more for every
 * member added or removed and every role changed). Membership events carry it, so a gateway
 * that receives a {@code joined} and a {@code left} out of order (from two chat-service
 * instances) applies the newer one and ignores the older.
 *
 * <p>{@code mutedUntil} (user id → epoch ms; {@link #MUTED_UNTIL_UNMUTED} for a mute without an
 * end) and {@code banned} are the room's moderation, kept in the room document so that the one
 * read that finds the room also decides a send or an add. Neither raises {@code version}: a ban
 * also removes the member, which does.
 */
public record Room(
    String roomId, String type, String name, List<Member> members, long createdAt, long version,
    Map<String, Long> mutedUntil, Set<String> banned) {
  public static final String GROUP = "group";
  public static final String DIRECT = "direct";

  public static final String OWNER = "owner";
  public static final String MODERATOR = "moderator";
  public static final String MEMBER = "member";

  /** The membership events a room change announces. */
  public static final String JOINED = "joined";
  public static final String LEFT = "left";
  public static final String UPDATED = "updated";

  /** The {@code mutedUntil} of a mute that lasts until an unmute. */
  public static final long MUTED_UNTIL_UNMUTED = Long.MAX_VALUE;

  public record Member(String userId, String role) {}

  public Room {
    members = List.copyOf(members);
    mutedUntil = mutedUntil == null ? Map.of() : Map.copyOf(mutedUntil);
    banned = banned == null ? Set.of() : Set.copyOf(banned);
  }

  /** A room without moderation. */
  public Room(String roomId, String type, String name, List<Member> members, long createdAt, long version) {
    this(roomId, type, name, members, createdAt, version, Map.of(), Set.of());
  }

  /** A new room, at version 1. */
  public Room(String roomId, String type, String name, List<Member> members, long createdAt) {
    this(roomId, type, name, members, createdAt, 1);
  }

  /** When the user's mute ends (epoch ms), if they are muted at {@code now}; a mute past its end is none. */
  public Optional<Long> mutedUntil(String userId, long now) {
    Long until = mutedUntil.get(userId);
    return until != null && until > now ? Optional.of(until) : Optional.empty();
  }

  public boolean isBanned(String userId) {
    return banned.contains(userId);
  }

  /** The one room id of the direct conversation between two users, whatever the order. */
  public static String directRoomId(String a, String b) {
    return a.compareTo(b) < 0 ? "dm_" + a + "_" + b : "dm_" + b + "_" + a;
  }

  public boolean isDirect() {
    return DIRECT.equals(type);
  }

  public Optional<Member> member(String userId) {
    return members.stream().filter(m -> m.userId().equals(userId)).findFirst();
  }

  public boolean hasMember(String userId) {
    return member(userId).isPresent();
  }

  public List<String> memberIds() {
    return members.stream().map(Member::userId).toList();
  }

  /**
   * Whether {@code userId} may delete messages others sent, here one of {@code senderId}
   * ({@link RoomPermissions#DELETE_OTHERS_MESSAGES}).
   */
  public boolean canDeleteMessageOf(String userId, boolean isAdmin, String senderId) {
    return RoomPermissions.DELETE_OTHERS_MESSAGES.allows(this, userId, isAdmin, senderId);
  }
}

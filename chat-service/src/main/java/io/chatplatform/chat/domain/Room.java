package io.chatplatform.chat.domain;

import java.util.List;
import java.util.Optional;

/**
 * A room and its members; plain data with the membership rules that need no I/O.
 *
 * <p>{@code version} counts the room's membership changes (1 when created, one more for every
 * member added or removed and every role changed). Membership events carry it, so a gateway
 * that receives a {@code joined} and a {@code left} out of order (from two chat-service
 * instances) applies the newer one and ignores the older.
 */
public record Room(String roomId, String type, String name, List<Member> members, long createdAt, long version) {
  public static final String GROUP = "group";
  public static final String DIRECT = "direct";

  public static final String OWNER = "owner";
  public static final String MODERATOR = "moderator";
  public static final String MEMBER = "member";

  /** The membership events a room change announces. */
  public static final String JOINED = "joined";
  public static final String LEFT = "left";
  public static final String UPDATED = "updated";

  public record Member(String userId, String role) {}

  /** A new room, at version 1. */
  public Room(String roomId, String type, String name, List<Member> members, long createdAt) {
    this(roomId, type, name, members, createdAt, 1);
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

  /** Whether {@code userId} may add and remove others: owners and moderators of a group, or an admin. */
  public boolean canManageMembers(String userId, boolean isAdmin) {
    if (isDirect()) {
      return false;
    }
    return isAdmin || member(userId).map(m -> OWNER.equals(m.role()) || MODERATOR.equals(m.role())).orElse(false);
  }

  /**
   * Whether {@code userId} may delete messages others sent: a group's owners and moderators (the
   * roles that manage its members), and an admin in any room they are in (a direct room has no
   * moderator, so only an admin there).
   */
  public boolean canDeleteOthersMessages(String userId, boolean isAdmin) {
    return isAdmin || canManageMembers(userId, false);
  }

  /** Whether {@code actor} may remove {@code target}: a moderator may not remove an owner. */
  public boolean canRemove(String actor, String target, boolean isAdmin) {
    if (actor.equals(target)) {
      return true;
    }
    if (!canManageMembers(actor, isAdmin)) {
      return false;
    }
    boolean actorIsOwner = member(actor).map(m -> OWNER.equals(m.role())).orElse(false);
    boolean targetIsOwner = member(target).map(m -> OWNER.equals(m.role())).orElse(false);
    return isAdmin || actorIsOwner || !targetIsOwner;
  }
}

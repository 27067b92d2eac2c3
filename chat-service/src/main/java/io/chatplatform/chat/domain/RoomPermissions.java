package io.chatplatform.chat.domain;

import java.util.EnumMap;
import java.util.Map;

/**
 * Who may do what in a group room: the one table every permission check reads, and the source
 * docs/roles.md is rendered from ({@link RoomPermissionsDoc}). Each action gives, per role of the
 * actor, its {@link Reach}: not at all, on anyone, or on anyone but an owner. A moderator may
 * never act on an owner (remove, mute, ban, change the role of, or delete the message of one).
 *
 * <p>The actor's role is their room role, or {@link Role#ADMIN} for a global admin (the
 * {@code admin} user role), whatever their room role. Being in the room is checked before the
 * table: a room the caller is not in answers {@code not_found}, admin or not. Leaving (removing
 * oneself) needs no permission. Direct rooms have no roles: their members may do none of this
 * (only an admin may delete another's message there).
 */
public enum RoomPermissions {
  ADD_MEMBER("add a member", Reach.ANYONE, Reach.ANYONE, Reach.ANYONE, Reach.NOBODY),
  REMOVE_MEMBER("remove (kick) a member", Reach.ANYONE, Reach.ANYONE, Reach.NOT_OWNERS, Reach.NOBODY),
  MUTE("mute or unmute a member", Reach.ANYONE, Reach.ANYONE, Reach.NOT_OWNERS, Reach.NOBODY),
  BAN("ban or unban a user", Reach.ANYONE, Reach.ANYONE, Reach.NOT_OWNERS, Reach.NOBODY),
  DELETE_OTHERS_MESSAGES("delete another member's message", Reach.ANYONE, Reach.ANYONE, Reach.NOT_OWNERS, Reach.NOBODY),
  CHANGE_ROLE("change a member's role", Reach.ANYONE, Reach.ANYONE, Reach.NOBODY, Reach.NOBODY),
  RENAME("rename the room", Reach.ANYONE, Reach.ANYONE, Reach.ANYONE, Reach.NOBODY),
  ROOM_DELETE("delete the room", Reach.ANYONE, Reach.ANYONE, Reach.NOBODY, Reach.NOBODY);

  /** The actor's standing in a room; {@link #ADMIN} is the global admin, in any room role. */
  public enum Role {
    ADMIN, OWNER, MODERATOR, MEMBER;

    /** The room role's name as rooms store it ({@code owner}, …); {@code admin} for the global role. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The role a stored room role names; an unknown one is a plain member. */
    public static Role ofRoomRole(String roomRole) {
      return switch (roomRole) {
        case Room.OWNER -> OWNER;
        case Room.MODERATOR -> MODERATOR;
        default -> MEMBER;
      };
    }
  }

  /** How far an action reaches for one role. */
  public enum Reach {
    NOBODY("no"),
    ANYONE("yes"),
    NOT_OWNERS("yes, not on an owner");

    private final String word;

    Reach(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }
  }

  private final String description;
  private final Map<Role, Reach> reach = new EnumMap<>(Role.class);

  RoomPermissions(String description, Reach admin, Reach owner, Reach moderator, Reach member) {
    this.description = description;
    reach.put(Role.ADMIN, admin);
    reach.put(Role.OWNER, owner);
    reach.put(Role.MODERATOR, moderator);
    reach.put(Role.MEMBER, member);
  }

  public String description() {
    return description;
  }

  public Reach reach(Role actor) {
    return reach.get(actor);
  }

  /** Whether {@code actor} may do this at all (on someone it reaches, for an action on a member). */
  public boolean allows(Role actor) {
    return reach(actor) != Reach.NOBODY;
  }

  /** Whether {@code actor} may do this to a member whose role is {@code target}. */
  public boolean allows(Role actor, Role target) {
    return switch (reach(actor)) {
      case NOBODY -> false;
      case ANYONE -> true;
      case NOT_OWNERS -> target != Role.OWNER;
    };
  }

  /**
   * The actor's role in the room: {@link Role#ADMIN} for an admin; their room role in a group;
   * null (no rights) for a non-admin outside the room or in a direct room.
   */
  public static Role roleOf(Room room, String userId, boolean isAdmin) {
    if (isAdmin) {
      return Role.ADMIN;
    }
    if (room.isDirect()) {
      return null;
    }
    return room.member(userId).map(m -> Role.ofRoomRole(m.role())).orElse(null);
  }

  /**
   * Whether the user reaches only non-owners with this, so a write of theirs must not land on a
   * member made owner after this check ({@link RoomStore#removeMember}).
   */
  public boolean sparesOwners(Room room, String userId, boolean isAdmin) {
    Role actor = roleOf(room, userId, isAdmin);
    return actor != null && reach(actor) == Reach.NOT_OWNERS;
  }

  /** Whether the user may do this in the room at all. */
  public boolean allows(Room room, String userId, boolean isAdmin) {
    Role actor = roleOf(room, userId, isAdmin);
    return actor != null && allows(actor);
  }

  /**
   * Whether the user may do this to {@code target} in the room; a target who is not (or no
   * longer) a member counts as a member (a banned user, the sender of an old message).
   */
  public boolean allows(Room room, String userId, boolean isAdmin, String target) {
    Role actor = roleOf(room, userId, isAdmin);
    Role targetRole = room.member(target).map(m -> Role.ofRoomRole(m.role())).orElse(Role.MEMBER);
    return actor != null && allows(actor, targetRole);
  }
}

package io.chatplatform.chat.domain;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where rooms and memberships are kept. A room's {@code roomId} is unique (a direct room's id is
 * derived from its pair, so "one direct room per pair" holds under any concurrency).
 */
public interface RoomStore {
  /** Stores a new room; fails when a room with its id exists. */
  Future<Void> insert(Room room);

  /** The room, or null when there is none. */
  Future<Room> get(String roomId);

  /**
   * The room as stored now, or null: never an older copy kept for speed, for a decision that
   * must see every change made so far (the owner hand-over).
   */
  Future<Room> reread(String roomId);

  /** The user's rooms, oldest first. */
  Future<List<Room>> ofMember(String userId);

  /** Those of {@code userIds} listed in at least {@code rooms} rooms: one question, however many users. */
  Future<java.util.Set<String>> inAtLeast(java.util.Collection<String> userIds, int rooms);

  /** The ids of the user's rooms: only those that have the user now (a lost race may have listed others). */
  Future<List<String>> idsOfMember(String userId);

  /**
   * Adds a member unless present, and lists the room among the user's rooms (only while the room
   * has them); true when either changed anything. Idempotent, so a retry finishes an add that
   * failed half-way. The room never grows past {@code maxMembers}, however many adds run at once:
   * a new member beyond it fails with {@code conflict}, and a user the room bans is never added:
   * {@code forbidden} ({@link Rooms#bannedFromRoom}), however the add races the ban.
   */
  Future<Boolean> addMember(String roomId, String userId, String role, int maxMembers);

  /**
   * Lists the room among each member's rooms (idempotent): finishes an {@link #insert} that
   * stored the room but failed before its members' lists were written.
   */
  Future<Void> indexMembers(Room room);

  /**
   * Removes a member if present; true when removed. With {@code sparingOwners} (the actor reaches
   * only non-owners) a member who is an owner when the write applies is not removed:
   * {@code conflict} ({@link Rooms#changedMeanwhile}).
   */
  Future<Boolean> removeMember(String roomId, String userId, boolean sparingOwners);

  /** Removes a member if present, whatever their role; true when removed. */
  default Future<Boolean> removeMember(String roomId, String userId) {
    return removeMember(roomId, userId, false);
  }

  /** Sets a room's name and raises its {@code version}. */
  Future<Void> rename(String roomId, String name);

  /** Sets a member's role (used when ownership passes on). */
  Future<Void> setRole(String roomId, String userId, String role);

  /**
   * Deletes the room: it leaves each member's list of rooms first and goes itself last, so a
   * failure half-way leaves the room in place, and deleting it again finishes (idempotent).
   */
  Future<Void> delete(Room room);

  /**
   * Writes the room's members (the same users, with changed roles) and raises its {@code version},
   * only while the room is still at {@code version}; false when it changed meanwhile. So two role
   * changes racing each other cannot both pass the "a room keeps an owner" check.
   */
  Future<Boolean> setRoles(String roomId, long version, List<Room.Member> members);

  /**
   * Mutes the user in the room until {@code until} (epoch ms), replacing an earlier mute; with
   * {@code sparingOwners}, not an owner ({@code conflict}, as for {@link #removeMember}).
   */
  Future<Void> mute(String roomId, String userId, long until, boolean sparingOwners);

  /** Ends the user's mute in the room; true when there was one (ended or not). */
  Future<Boolean> unmute(String roomId, String userId);

  /**
   * Bans the user from the room ({@link #addMember} refuses them); true when newly banned. With
   * {@code sparingOwners}, not an owner ({@code conflict}, as for {@link #removeMember}).
   */
  Future<Boolean> ban(String roomId, String userId, boolean sparingOwners);

  /** Lifts the user's ban; true when there was one. */
  Future<Boolean> unban(String roomId, String userId);
}

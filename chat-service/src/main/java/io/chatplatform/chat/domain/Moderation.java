package io.chatplatform.chat.domain;

import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.ChangeRole;
import io.chatplatform.contracts.chat.ChatApi.MemberChange;
import io.chatplatform.contracts.chat.ChatApi.Moderate;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Acts of authority in a group room: role changes and moderation (mute, unmute, kick, ban,
 * unban), each allowed by {@link RoomPermissions}, written to the {@link AuditLog}, done, then
 * announced. An act that finds things already so (the same role again, unmuting the unmuted)
 * changes nothing, and is neither audited nor announced.
 *
 * <p>The audit entry is appended before the act, as for the admin acts ({@link Administration}):
 * with the log unreachable the act fails and nothing changes, so no act is ever left
 * unrecorded. An act that then fails (a role change losing a race, a store error) leaves its
 * entry; the moderator's retry appends another.
 */
public final class Moderation {
  private final Rooms rooms;
  private final RoomStore store;
  private final UserStore users;
  private final Accounts accounts;
  private final AuditLog audit;
  private final ChatEvents events;
  private final ModerationLimits limits;
  private final LongSupplier clock;

  public Moderation(
      Rooms rooms, RoomStore store, UserStore users, Accounts accounts, AuditLog audit, ChatEvents events,
      ModerationLimits limits, LongSupplier clock) {
    this.rooms = rooms;
    this.store = store;
    this.users = users;
    this.accounts = accounts;
    this.audit = audit;
    this.events = events;
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * Sets a member's role, as {@link RoomPermissions#CHANGE_ROLE} allows. The room keeps an owner
   * ({@code conflict} otherwise); the write applies only to the room as read, so two demotions
   * racing cannot leave it without one (the loser hears {@code conflict} and may retry). Every
   * member hears {@code updated} with the room's raised {@code version}.
   */
  public Future<RoomView> changeRole(ChangeRole request) {
    String caller = request.callerId();
    String role = ModerationRules.role(request.role());
    return rooms.memberRoom(request.roomId(), caller).compose(room -> accounts.isAdmin(caller).compose(admin -> {
      if (room.isDirect()) {
        return Future.failedFuture(ServiceException.badRequest("a direct room has no roles"));
      }
      Room.Member target = room.member(request.userId()).orElse(null);
      if (target == null) {
        return Future.failedFuture(ServiceException.notFound("not a member of this room"));
      }
      if (!RoomPermissions.CHANGE_ROLE.allows(room, caller, admin, target.userId())) {
        return Future.failedFuture(ServiceException.forbidden("only owners and admins change roles"));
      }
      if (target.role().equals(role)) {
        return rooms.view(room, caller);
      }
      List<Room.Member> members = room.members().stream()
          .map(m -> m.userId().equals(target.userId()) ? new Room.Member(m.userId(), role) : m)
          .toList();
      if (members.stream().noneMatch(m -> Room.OWNER.equals(m.role()))) {
        return Future.failedFuture(ServiceException.conflict("a room keeps at least one owner: make another member owner first"));
      }
      return record(AuditEntry.of(clock.getAsLong(), caller, AuditEntry.ROLE_CHANGE, target.userId(), room.roomId(), null, null, role))
          .compose(x -> store.setRoles(room.roomId(), room.version(), members))
          .compose(written -> written
              ? Future.<Void>succeededFuture()
              : Future.failedFuture(Rooms.changedMeanwhile()))
          .compose(x -> rooms.memberRoom(room.roomId(), caller))
          .compose(changed -> rooms.view(changed, caller).map(view -> {
            events.room(Room.UPDATED, changed.memberIds(), view);
            return view;
          }));
    }));
  }

  /** Removing oneself is leaving; removing another is a kick, audited as one. */
  public Future<Void> removeMember(MemberChange change) {
    if (change.userId().equals(change.callerId())) {
      return rooms.removeMember(change);
    }
    return moderate(new Moderate(change.callerId(), change.roomId(), ModerationRules.KICK, change.userId(), null, null)).mapEmpty();
  }

  /**
   * A moderation act. Mute: the member's sends, edits and reactions are refused until
   * {@code durationSec} has passed (compared at each of them; no timer) or until unmuted. Kick:
   * removed, and may be added again. Ban: removed if a member, and refused every add until
   * unbanned. The act is announced to the room and to the user it was done to.
   *
   * <p>Written to the room as it is when the write applies, not as read: a moderator's act on a
   * member made owner meanwhile is refused ({@code conflict}), and a ban evicts whoever is a
   * member by then (an add racing the ban), announcing a departure only when someone left.
   */
  public Future<ModerationAct> moderate(Moderate request) {
    String caller = request.callerId();
    String action = ModerationRules.action(request.action());
    Long durationSec = ModerationRules.duration(action, request.durationSec(), limits.muteMaxSeconds());
    String reason = ModerationRules.reason(request.reason(), limits.reasonMaxLength());
    String target = request.userId();
    if (target.equals(caller)) {
      throw ServiceException.badRequest("you cannot moderate yourself");
    }
    return rooms.memberRoom(request.roomId(), caller).compose(room -> accounts.isAdmin(caller).compose(admin -> {
      if (room.isDirect()) {
        return Future.failedFuture(ServiceException.badRequest("a direct room has no moderation"));
      }
      if (!ModerationRules.permission(action).allows(room, caller, admin, target)) {
        return Future.failedFuture(ServiceException.forbidden("you may not " + action + " this member"));
      }
      boolean member = room.hasMember(target);
      if (!member && (action.equals(ModerationRules.MUTE) || action.equals(ModerationRules.KICK))) {
        return Future.failedFuture(ServiceException.notFound("not a member of this room"));
      }
      long now = clock.getAsLong();
      Long mutedUntil = durationSec == null ? null : now + durationSec * 1000;
      // Judged on the room as read; an act racing another may still find nothing to do, and its entry stays.
      boolean changes = switch (action) {
        case ModerationRules.UNMUTE -> room.mutedUntil().containsKey(target);
        case ModerationRules.BAN -> member || !room.banned().contains(target);
        case ModerationRules.UNBAN -> room.banned().contains(target);
        default -> true; // a mute (sets a new end) or a kick (of a member)
      };
      if (!changes) {
        return Future.succeededFuture(new ModerationAct(room.roomId(), action, target, caller, now, mutedUntil, reason, false));
      }
      boolean sparingOwners = ModerationRules.permission(action).sparesOwners(room, caller, admin);
      String details = action.equals(ModerationRules.MUTE) ? (durationSec == null ? "until unmuted" : durationSec + "s") : null;
      Future<Void> checked = action.equals(ModerationRules.BAN) ? requireUser(target) : Future.succeededFuture();
      return checked
          .compose(x -> record(AuditEntry.of(now, caller, ModerationRules.auditAction(action), target, room.roomId(), null, reason, details)))
          .compose(x -> switch (action) {
            case ModerationRules.MUTE ->
                store.mute(room.roomId(), target, mutedUntil == null ? Room.MUTED_UNTIL_UNMUTED : mutedUntil, sparingOwners).map(true);
            case ModerationRules.UNMUTE -> store.unmute(room.roomId(), target);
            case ModerationRules.KICK -> rooms.evict(room.roomId(), target, sparingOwners);
            // Evicts whatever the room read said: an add may have landed since (a no-op for a non-member).
            case ModerationRules.BAN -> store.ban(room.roomId(), target, sparingOwners)
                .compose(banned -> rooms.evict(room.roomId(), target, sparingOwners).map(removed -> banned || removed));
            default -> store.unban(room.roomId(), target);
          })
          .map(changed -> {
            ModerationAct act = new ModerationAct(room.roomId(), action, target, caller, now, mutedUntil, reason, changed);
            if (changed) {
              events.moderation(act);
            }
            return act;
          });
    }));
  }

  private Future<Void> requireUser(String userId) {
    return users.byId(userId).compose(user -> user == null
        ? Future.failedFuture(ServiceException.notFound("user not found"))
        : Future.succeededFuture());
  }

  private Future<Void> record(AuditEntry entry) {
    return audit.append(entry).mapEmpty();
  }
}

package io.chatplatform.chat.domain;

import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.AdminUserList;
import io.chatplatform.contracts.chat.ChatApi.AuditQuery;
import io.chatplatform.contracts.chat.ChatApi.DeleteRoom;
import io.chatplatform.contracts.chat.ChatApi.SetAdmin;
import io.chatplatform.contracts.chat.ChatApi.SetDisabled;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What only global admins do: list accounts, grant and revoke admin, disable and enable accounts,
 * delete rooms, read the audit log. Every check reads the caller's stored roles (never the
 * token's), so a grant or a revoke counts on the admin's next request.
 *
 * <p>Every act is written to the audit log once it has been checked and before it is carried out:
 * no act happens without its entry. Should the act then fail, the admin is told and may retry
 * (every act is idempotent); the entry of the failed attempt stays, and the retry writes its own.
 * An act that changes nothing (granting admin to an admin) writes no entry.
 */
public final class Administration {
  private final Accounts accounts;
  private final UserStore users;
  private final RoomStore rooms;
  private final ChatEvents events;
  private final AuditLog audit;
  private final AdminLimits limits;
  private final LongSupplier clock;

  public Administration(
      Accounts accounts, UserStore users, RoomStore rooms, ChatEvents events, AuditLog audit, AdminLimits limits, LongSupplier clock) {
    this.accounts = accounts;
    this.users = users;
    this.rooms = rooms;
    this.events = events;
    this.audit = audit;
    this.limits = limits;
    this.clock = clock;
  }

  /** A page of accounts by username; {@code next} is the username to continue after (null after the last page). */
  public record UserPage(List<User> users, String next) {}

  /** A page of audit entries, newest first; {@code next} is the id to continue before (null after the last page). */
  public record AuditPage(List<AuditEntry> entries, String next) {}

  /** Accounts the query's words find (as the user search does; every account without words), by username. */
  public Future<UserPage> users(AdminUserList request) {
    return asAdmin(request.callerId(), "only admins list accounts", () -> {
      List<String> words = Rules.searchQuery(request.q() == null ? "" : request.q());
      int size = pageSize(request.limit(), limits.userPageMax());
      return users.page(words, request.after(), size + 1)
          .map(found -> new UserPage(found.subList(0, Math.min(size, found.size())), nextOf(found, size, User::username)));
    });
  }

  /** Disables or enables an account ({@link Accounts#setDisabled}), audited. */
  public Future<Void> setDisabled(SetDisabled request) {
    return asAdmin(request.callerId(), "only admins disable accounts", () -> {
      Accounts.requireNotSelf(request);
      String reason = reason(request.reason());
      String action = request.disabled() ? AuditEntry.USER_DISABLE : AuditEntry.USER_ENABLE;
      // Already so: no entry, but the act runs again, which finishes one that failed half-way.
      return accounts.get(request.userId())
          .compose(user -> user.disabled() == request.disabled()
              ? Future.succeededFuture()
              : record(request.callerId(), action, request.userId(), null, reason, null))
          .compose(x -> accounts.setDisabled(request));
    });
  }

  /**
   * Grants or revokes the global admin role. An admin cannot revoke their own: so the last admin
   * cannot leave the platform without one (two admins revoking each other at once still can).
   */
  public Future<Void> setAdmin(SetAdmin request) {
    return asAdmin(request.callerId(), "only admins grant admin", () -> {
      if (!request.admin() && request.callerId().equals(request.userId())) {
        throw ServiceException.badRequest("an admin cannot revoke their own admin role");
      }
      String reason = reason(request.reason());
      String action = request.admin() ? AuditEntry.ADMIN_GRANT : AuditEntry.ADMIN_REVOKE;
      return accounts.get(request.userId()).compose(user -> user.isAdmin() == request.admin()
          ? Future.succeededFuture()
          : record(request.callerId(), action, request.userId(), null, reason, null)
              .compose(x -> users.setAdmin(request.userId(), request.admin()))
              .mapEmpty());
    });
  }

  /**
   * Deletes a group room: it leaves every member's list of rooms, then the room itself goes, so
   * its messages and files (reached only through membership) are no longer reachable; the
   * members hear {@code left}. A failure half-way leaves the room in place (the room is removed
   * last): the admin's retry finds it and finishes. A room already gone is {@code not_found}. A
   * direct room is refused: its id is made from its pair, so a new one would have the old
   * room's id and so its messages. The admin console's act: any room, member of it or not; a
   * non-admin is {@code forbidden} before anything is looked at.
   */
  public Future<Void> deleteRoomAsAdmin(DeleteRoom request) {
    return asAdmin(request.callerId(), "only admins delete rooms", () -> deleteRoom(request, true, true));
  }

  /**
   * A member deletes the room, as {@link RoomPermissions#ROOM_DELETE} allows (its owners, and
   * admins): the same act as {@link #deleteRoomAsAdmin}, but to anyone not in the room it does
   * not exist ({@code not_found}), admin or not.
   */
  public Future<Void> deleteRoom(DeleteRoom request) {
    return accounts.isAdmin(request.callerId()).compose(admin -> deleteRoom(request, admin, false));
  }

  private Future<Void> deleteRoom(DeleteRoom request, boolean admin, boolean anyRoom) {
    String caller = request.callerId();
    String reason = reason(request.reason());
    return rooms.get(request.roomId()).compose(room -> {
      if (room == null || (!anyRoom && !room.hasMember(caller))) {
        return Future.failedFuture(ServiceException.notFound("room not found"));
      }
      if (room.isDirect()) {
        return Future.failedFuture(ServiceException.badRequest("a direct room cannot be deleted"));
      }
      if (!RoomPermissions.ROOM_DELETE.allows(room, caller, admin)) {
        return Future.failedFuture(ServiceException.forbidden("only the room's owners and admins delete a room"));
      }
      return record(caller, AuditEntry.ROOM_DELETE, null, room.roomId(), reason, room.name())
          .compose(x -> rooms.delete(room))
          .map(x -> {
            // One change past the room's last, so no gateway takes it for an older event.
            Room gone = new Room(room.roomId(), room.type(), room.name(), List.of(), room.createdAt(), room.version() + 1);
            events.room(Room.LEFT, room.memberIds(), new RoomView(gone, 0, 0, Map.of()));
            return null;
          });
    });
  }

  /** The audit log, newest first, filtered as the query says. */
  public Future<AuditPage> audit(AuditQuery query) {
    return asAdmin(query.callerId(), "only admins read the audit log", () -> {
      int size = pageSize(query.limit(), limits.auditPageMax());
      AuditLog.Filter filter = new AuditLog.Filter(
          query.actor(), query.target(), query.roomId(), query.action(), query.from(), query.to(), query.before());
      return audit.find(filter, size + 1)
          .map(found -> new AuditPage(found.subList(0, Math.min(size, found.size())), nextOf(found, size, AuditEntry::id)));
    });
  }

  /** {@code work} when the caller holds the admin role; {@code forbidden} (and nothing checked or done) otherwise. */
  private <T> Future<T> asAdmin(String callerId, String refusal, Supplier<Future<T>> work) {
    return accounts.isAdmin(callerId)
        .compose(admin -> admin ? work.get() : Future.failedFuture(ServiceException.forbidden(refusal)));
  }

  private Future<Void> record(String actorId, String action, String targetUserId, String roomId, String reason, String details) {
    return audit.append(AuditEntry.of(clock.getAsLong(), actorId, action, targetUserId, roomId, null, reason, details)).mapEmpty();
  }

  /** The reason as kept: trimmed, null when blank, at most {@code ADMIN_REASON_MAX_LENGTH} code points. */
  private String reason(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String reason = raw.strip();
    if (!UnicodeText.wellFormed(reason) || reason.codePointCount(0, reason.length()) > limits.reasonMaxLength()) {
      throw ServiceException.badRequest("reason must be at most " + limits.reasonMaxLength() + " characters");
    }
    return reason;
  }

  private static int pageSize(Long limit, int max) {
    if (limit != null && (limit < 1 || limit > max)) {
      throw ServiceException.badRequest("limit must be 1-" + max);
    }
    return limit == null ? max : limit.intValue();
  }

  /** With one more found than the page holds, the cursor of the page's last; else null. */
  private static <T> String nextOf(List<T> found, int size, Function<T, String> cursor) {
    return found.size() > size ? cursor.apply(found.get(size - 1)) : null;
  }
}

package io.chatplatform.chat.domain;

import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.CreateRoom;
import io.chatplatform.contracts.chat.ChatApi.MemberChange;
import io.chatplatform.contracts.chat.ChatApi.OpenDirect;
import io.chatplatform.contracts.chat.ChatApi.RenameRoom;
import io.chatplatform.contracts.history.HistoryApi.RoomStates;
import io.chatplatform.contracts.history.HistoryApi.RoomStatesQuery;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rooms and membership. Every operation acts for an authenticated caller; a room the caller is
 * not in answers exactly like a room that does not exist.
 */
public final class Rooms {
  private static final Logger LOG = LoggerFactory.getLogger(Rooms.class);
  /** Reads and writes the owner hand-over tries before it gives up on a room that keeps changing under it. */
  static final int OWNER_HANDOVER_ATTEMPTS = 5;
  private final RoomStore rooms;
  private final UserStore users;
  private final Accounts accounts;
  private final HistoryClient history;
  private final ChatEvents events;
  private final ChatLimits limits;
  private final LongSupplier clock;

  public Rooms(
      RoomStore rooms, UserStore users, Accounts accounts, HistoryClient history, ChatEvents events, ChatLimits limits,
      LongSupplier clock) {
    this.rooms = rooms;
    this.users = users;
    this.accounts = accounts;
    this.history = history;
    this.events = events;
    this.limits = limits;
    this.clock = clock;
  }

  /** A new group room; the caller is its owner, the invited are members, and everyone is told. */
  public Future<RoomView> create(CreateRoom request) {
    String caller = request.callerId();
    String name = Rules.roomName(request.name(), limits.maxRoomNameLength());
    Set<String> invited = new LinkedHashSet<>(request.members());
    invited.remove(caller);
    if (invited.size() + 1 > limits.maxRoomMembers()) {
      throw ServiceException.badRequest("a room has at most " + limits.maxRoomMembers() + " members");
    }
    List<Room.Member> members = new ArrayList<>();
    members.add(new Room.Member(caller, Room.OWNER));
    invited.forEach(id -> members.add(new Room.Member(id, Room.MEMBER)));
    Room room = new Room(newRoomId(), Room.GROUP, name, members, clock.getAsLong());
    return requireUsers(invited)
        .compose(x -> requireRoomSpace(caller, room.memberIds()))
        .compose(x -> rooms.insert(room))
        .compose(x -> view(room, caller))
        .map(view -> {
          events.room(Room.JOINED, room.memberIds(), view);
          return view;
        });
  }

  /** The direct room of the caller and another user, created (and announced) on first use. */
  public Future<RoomView> direct(OpenDirect request) {
    String caller = request.callerId();
    String other = request.userId();
    if (other.equals(caller)) {
      throw ServiceException.badRequest("a direct room needs another user");
    }
    String roomId = Room.directRoomId(caller, other);
    return rooms.get(roomId).compose(existing -> {
      if (existing != null) {
        // Idempotent, and it finishes a creation that stored the room but not both members'
        // lists of rooms (a failure between the two writes, answered or not).
        return rooms.indexMembers(existing).compose(x -> view(existing, caller));
      }
      return users.byId(other).compose(user -> {
        if (user == null) {
          return Future.failedFuture(ServiceException.notFound("user not found"));
        }
        Room room = new Room(
            roomId, Room.DIRECT, "",
            List.of(new Room.Member(caller, Room.MEMBER), new Room.Member(other, Room.MEMBER)), clock.getAsLong());
        return requireRoomSpace(caller, room.memberIds())
            .compose(x -> rooms.insert(room))
            .compose(x -> view(room, caller))
            .map(view -> {
              events.room(Room.JOINED, room.memberIds(), view);
              return view;
            })
            // Lost a race with the other user opening it: the stored one is the one. A failure
            // of the members' lists is repaired here too, or reported if it persists.
            .recover(e -> rooms.get(roomId).compose(r -> r == null
                ? Future.failedFuture(e)
                : rooms.indexMembers(r).compose(x -> view(r, caller))));
      });
    });
  }

  /** One page of the caller's rooms, and the cursor of the next page (null after the last). */
  public record RoomPage(List<RoomView> rooms, String next) {}

  /**
   * A page of the caller's rooms in the order of their ids, which a room's leaving or joining
   * does not shift: {@code after} is the last room id of the previous page. At most
   * {@code ROOM_LIST_PAGE_MAX} rooms are read and viewed per request, whatever the caller is in.
   */
  public Future<RoomPage> list(String caller, Long limit, String after) {
    if (limit != null && (limit < 1 || limit > limits.roomListPageMax())) {
      throw ServiceException.badRequest("limit must be 1-" + limits.roomListPageMax());
    }
    int size = limit == null ? limits.roomListPageMax() : limit.intValue();
    return rooms.idsOfMember(caller).compose(ids -> {
      List<String> ordered = ids.stream().filter(id -> after == null || id.compareTo(after) > 0).sorted().toList();
      List<String> page = ordered.subList(0, Math.min(size, ordered.size()));
      String next = ordered.size() > size ? page.get(page.size() - 1) : null;
      List<Future<Room>> found = page.stream().map(rooms::get).toList();
      return Future.all(found)
          // The room is the truth; the user's list of rooms may lag behind it (RoomStore).
          .compose(x -> views(found.stream().map(Future::result).filter(r -> r != null && r.hasMember(caller)).toList(), caller))
          .map(views -> new RoomPage(views, next));
    });
  }

  public Future<RoomView> get(String caller, String roomId) {
    return memberRoom(roomId, caller).compose(room -> view(room, caller));
  }

  /**
   * The room, with the profiles of those of {@code named} who are members, for notification-service
   * (trusted: no caller); {@code not_found} when gone. Only the named: it asks once per push
   * decision, for the sender's name, and every member's profile would be read for nothing.
   */
  public Future<RoomView> pushInfo(String roomId, Collection<String> named) {
    return rooms.get(roomId).compose(room -> {
      if (room == null) {
        return Future.failedFuture(ServiceException.notFound("room not found"));
      }
      List<String> members = named.stream().distinct().filter(room::hasMember).toList();
      return (members.isEmpty() ? Future.succeededFuture(Map.<String, User>of()) : users.byIds(members).map(Rooms::byId))
          .map(people -> new RoomView(room, 0, 0, people));
    });
  }

  /** Everyone who shares a room with the user, without them. */
  public Future<List<String>> contacts(String userId) {
    return rooms.ofMember(userId).map(found -> {
      Set<String> contacts = new LinkedHashSet<>();
      found.forEach(room -> contacts.addAll(room.memberIds()));
      contacts.remove(userId);
      return List.copyOf(contacts);
    });
  }

  /** The ids of the rooms the user is in. */
  public Future<List<String>> roomIdsOf(String userId) {
    return rooms.idsOfMember(userId);
  }

  /** Owners, moderators and admins add members. */
  public Future<Void> addMember(MemberChange change) {
    return memberRoom(change.roomId(), change.callerId())
        .compose(room -> accounts.isAdmin(change.callerId()).compose(admin -> add(room, change.callerId(), change.userId(), admin)));
  }

  /** Removing oneself is leaving; others need owner, moderator or admin. */
  public Future<Void> removeMember(MemberChange change) {
    return memberRoom(change.roomId(), change.callerId())
        .compose(room -> accounts.isAdmin(change.callerId()).compose(admin -> remove(room, change.callerId(), change.userId(), admin)));
  }

  private Future<Void> add(Room room, String caller, String target, boolean admin) {
    if (room.isDirect()) {
      return Future.failedFuture(ServiceException.badRequest("a direct room has exactly two members"));
    }
    if (!RoomPermissions.ADD_MEMBER.allows(room, caller, admin)) {
      return Future.failedFuture(ServiceException.forbidden("only owners and moderators add members"));
    }
    if (room.isBanned(target)) {
      return Future.failedFuture(bannedFromRoom());
    }
    if (!room.hasMember(target) && room.members().size() >= limits.maxRoomMembers()) {
      return Future.failedFuture(full(limits.maxRoomMembers()));
    }
    // Adding a member again is not a no-op: it finishes an earlier add that stopped between
    // its two writes (the room, then the member's list of rooms), and announces it then.
    return (room.hasMember(target)
            ? Future.<Void>succeededFuture()
            : requireUsers(Set.of(target)).compose(x -> requireRoomSpace(caller, Set.of(target))))
        .compose(x -> rooms.addMember(room.roomId(), target, Room.MEMBER, limits.maxRoomMembers()))
        .compose(added -> added ? announceChange(room.roomId(), Set.of(target), Set.of()) : Future.succeededFuture());
  }

  Future<Void> remove(Room room, String caller, String target, boolean admin) {
    if (room.isDirect()) {
      return Future.failedFuture(ServiceException.badRequest("a direct room cannot be left"));
    }
    if (!room.hasMember(target)) {
      return Future.failedFuture(ServiceException.notFound("not a member of this room"));
    }
    boolean self = caller.equals(target);
    if (!self && !RoomPermissions.REMOVE_MEMBER.allows(room, caller, admin, target)) {
      return Future.failedFuture(ServiceException.forbidden("you may not remove this member"));
    }
    return evict(room.roomId(), target, !self && RoomPermissions.REMOVE_MEMBER.sparesOwners(room, caller, admin)).mapEmpty();
  }

  /**
   * Removes a member with no permission check (the caller checked one); true when removed. Then
   * the member's sockets leave the room at once ({@link #announceChange}), and a room left
   * without an owner gets one ({@link #keepAnOwner}). With {@code sparingOwners}, a member who
   * became owner since the caller's check stays: {@code conflict}.
   */
  Future<Boolean> evict(String roomId, String target, boolean sparingOwners) {
    return rooms
        .removeMember(roomId, target, sparingOwners)
        .compose(removed -> removed
            ? keepAnOwner(roomId, OWNER_HANDOVER_ATTEMPTS).compose(x -> announceChange(roomId, Set.of(), Set.of(target))).map(true)
            : Future.succeededFuture(false));
  }

  /**
   * Owners, moderators and admins rename a group room; every member hears {@code updated} with
   * the room's raised {@code version}. Renaming to the same name changes nothing.
   */
  public Future<RoomView> rename(RenameRoom request) {
    String name = Rules.roomName(request.name(), limits.maxRoomNameLength());
    return memberRoom(request.roomId(), request.callerId())
        .compose(room -> accounts.isAdmin(request.callerId()).compose(admin -> {
          if (room.isDirect()) {
            return Future.failedFuture(ServiceException.badRequest("a direct room has no name"));
          }
          if (!RoomPermissions.RENAME.allows(room, request.callerId(), admin)) {
            return Future.failedFuture(ServiceException.forbidden("only owners and moderators rename a room"));
          }
          if (room.name().equals(name)) {
            return view(room, request.callerId());
          }
          return rooms.rename(room.roomId(), name)
              .compose(x -> rooms.get(room.roomId()))
              .compose(renamed -> view(renamed, request.callerId()).map(view -> {
                events.room(Room.UPDATED, renamed.memberIds(), view);
                return view;
              }));
        }));
  }

  /** The room if {@code userId} is a member; otherwise {@code not_found}, as for a missing room. */
  public Future<Room> memberRoom(String roomId, String userId) {
    return rooms
        .get(roomId)
        .compose(room -> room != null && room.hasMember(userId)
            ? Future.succeededFuture(room)
            : Future.failedFuture(ServiceException.notFound("room not found")));
  }

  /**
   * A group with members left keeps an owner: when it has none, its earliest member becomes one.
   * Judged on the room as stored after the removal, not as read before it (two owners leaving at
   * once each read the other as owner), and written only to that version; a change in between (a
   * third leave, a role change) makes it read and try again, at most {@link #OWNER_HANDOVER_ATTEMPTS}
   * times. A room that still changes under it stays without an owner until the next removal.
   */
  private Future<Void> keepAnOwner(String roomId, int attemptsLeft) {
    return rooms.reread(roomId).compose(room -> {
      if (room == null || room.isDirect() || room.members().isEmpty()
          || room.members().stream().anyMatch(m -> Room.OWNER.equals(m.role()))) {
        return Future.succeededFuture();
      }
      String heir = room.members().get(0).userId();
      List<Room.Member> members =
          room.members().stream().map(m -> m.userId().equals(heir) ? new Room.Member(heir, Room.OWNER) : m).toList();
      return rooms.setRoles(roomId, room.version(), members).compose(written -> {
        if (written) {
          return Future.succeededFuture();
        }
        if (attemptsLeft > 1) {
          return keepAnOwner(roomId, attemptsLeft - 1);
        }
        LOG.warn("room {} has no owner: its hand-over lost {} races in a row", roomId, OWNER_HANDOVER_ATTEMPTS);
        return Future.succeededFuture();
      });
    });
  }

  /** Tells the joined, the left and the members who stayed, with the room as it now is. */
  private Future<Void> announceChange(String roomId, Set<String> joined, Set<String> left) {
    return rooms.get(roomId).compose(room -> {
      List<String> stayed = room.memberIds().stream().filter(id -> !joined.contains(id)).toList();
      if (left.isEmpty()) {
        return view(room, null).map(view -> {
          events.room(Room.JOINED, joined, view);
          events.room(Room.UPDATED, stayed, view);
          return null;
        });
      }
      // A removal takes effect at once: the removed member hears "left" (and every gateway drops
      // them from the room) without waiting for history-service's room state, which a left
      // member does not need. The others' "updated" follows when the state is known.
      return profiles(room).map(people -> {
        events.room(Room.LEFT, left, new RoomView(room, 0, 0, people));
        view(room, null)
            .onSuccess(view -> events.room(Room.UPDATED, stayed, view))
            .onFailure(e -> LOG.warn("could not tell the members of {} of a removal: {}", room.roomId(), e.toString()));
        return null;
      });
    });
  }

  private Future<Map<String, User>> profiles(Room room) {
    return users.byIds(room.memberIds()).map(Rooms::byId);
  }

  private static Map<String, User> byId(List<User> users) {
    Map<String, User> byId = new HashMap<>();
    users.forEach(u -> byId.put(u.userId(), u));
    return byId;
  }

  Future<RoomView> view(Room room, String viewer) {
    return views(List.of(room), viewer).map(list -> list.get(0));
  }

  /** Rooms with their states (unread counted for {@code viewer}, 0 when null) and their members' profiles. */
  private Future<List<RoomView>> views(List<Room> list, String viewer) {
    if (list.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Set<String> people = new LinkedHashSet<>();
    list.forEach(r -> people.addAll(r.memberIds()));
    Future<RoomStates> states = history
        .roomStates(new RoomStatesQuery(viewer, list.stream().map(Room::roomId).toList()))
        // An announcement (no single viewer) must not wait on history-service: a member removed
        // while it is down must still hear "left", and stop receiving the room. Its lastSeq is
        // then 0; a member who joined learns the real one from the next message or a sync.
        .recover(e -> viewer == null ? Future.succeededFuture(new RoomStates(Map.of())) : Future.failedFuture(e));
    Future<List<User>> profiles = users.byIds(people);
    return Future.all(states, profiles).map(x -> {
      Map<String, User> byId = byId(profiles.result());
      return list.stream()
          .map(room -> {
            Map<String, User> members = new HashMap<>();
            room.memberIds().forEach(id -> {
              User user = byId.get(id);
              if (user != null) {
                members.put(id, user);
              }
            });
            var state = states.result().of(room.roomId());
            return new RoomView(room, state.lastSeq(), state.unread(), members);
          })
          .toList();
    });
  }

  /** The refusal of adding a user the room bans. */
  public static ServiceException bannedFromRoom() {
    return ServiceException.forbidden("this user is banned from the room");
  }

  /** The refusal of a write to a room that changed since it was read, so that the check made on it no longer holds. */
  public static ServiceException changedMeanwhile() {
    return ServiceException.conflict("the room changed meanwhile: try again");
  }

  /** The refusal of a member beyond {@code maxMembers}. */
  public static ServiceException full(int maxMembers) {
    return ServiceException.conflict("a room has at most " + maxMembers + " members");
  }

  /**
   * Each user may join one more room: fewer than {@code ROOMS_PER_USER_MAX} rooms so far. Checked
   * before the writes, so concurrent joins of one user can pass it together (by as many as run at
   * once); the per-room cap, by contrast, is exact ({@link RoomStore#addMember}).
   */
  private Future<Void> requireRoomSpace(String caller, java.util.Collection<String> userIds) {
    return rooms.inAtLeast(userIds, limits.maxRoomsPerUser()).compose(full -> full.isEmpty()
        ? Future.succeededFuture()
        : Future.failedFuture(ServiceException.conflict(full.contains(caller)
            ? "you are in " + limits.maxRoomsPerUser() + " rooms, the most allowed: leave one first"
            : "a member is in " + limits.maxRoomsPerUser() + " rooms, the most allowed")));
  }

  private Future<Void> requireUsers(Set<String> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return users
        .byIds(userIds)
        .compose(found -> found.size() == userIds.size()
            ? Future.succeededFuture()
            : Future.failedFuture(ServiceException.badRequest("unknown user in members")));
  }

  private static String newRoomId() {
    return "r_" + UUID.randomUUID().toString().replace("-", "");
  }
}

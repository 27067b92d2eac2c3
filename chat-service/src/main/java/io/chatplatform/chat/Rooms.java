package io.chatplatform.chat;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ClientEvents;
import io.chatplatform.contracts.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Rooms and membership. Every operation takes the authenticated caller as {@code callerId};
 * a room the caller is not in answers exactly like a room that does not exist.
 */
public final class Rooms {
  private final RoomStore rooms;
  private final UserStore users;
  private final Accounts accounts;
  private final Fanout fanout;
  private final EventBus eventBus;
  private final ChatConfig config;

  public Rooms(RoomStore rooms, UserStore users, Accounts accounts, Fanout fanout, EventBus eventBus, ChatConfig config) {
    this.rooms = rooms;
    this.users = users;
    this.accounts = accounts;
    this.fanout = fanout;
    this.eventBus = eventBus;
    this.config = config;
  }

  /** {@code {callerId, name, members:[userId]}} → the new group room; the caller is its owner. */
  public Future<JsonObject> create(JsonObject body) {
    String caller = caller(body);
    String name = Rules.roomName(body, config.maxRoomNameLength());
    Object rawMembers = body.getValue("members", new JsonArray());
    if (!(rawMembers instanceof JsonArray list) || !list.stream().allMatch(v -> v instanceof String)) {
      throw ServiceException.badRequest("members must be a list of user ids");
    }
    Set<String> invited = new LinkedHashSet<>();
    list.forEach(v -> invited.add((String) v));
    invited.remove(caller);
    if (invited.size() + 1 > config.maxRoomMembers()) {
      throw ServiceException.badRequest("a room has at most " + config.maxRoomMembers() + " members");
    }
    return requireUsers(invited)
        .compose(
            x -> {
              List<Room.Member> members = new ArrayList<>();
              members.add(new Room.Member(caller, Room.OWNER));
              invited.forEach(id -> members.add(new Room.Member(id, Room.MEMBER)));
              Room room = new Room(newRoomId(), Room.GROUP, name, members, System.currentTimeMillis());
              return rooms.insert(room).map(y -> room);
            })
        .compose(room -> present(room, caller))
        .map(
            json -> {
              fanout.toUsers(memberIds(json), ClientEvents.room(ClientEvents.ROOM_JOINED, json));
              return json;
            });
  }

  /** {@code {callerId, userId}} → the direct room of the pair, created on first use. */
  public Future<JsonObject> direct(JsonObject body) {
    String caller = caller(body);
    String other = Rules.requiredString(body, "userId");
    if (other.equals(caller)) {
      throw ServiceException.badRequest("a direct room needs another user");
    }
    String roomId = Room.directRoomId(caller, other);
    return rooms
        .get(roomId)
        .compose(
            existing -> {
              if (existing != null) {
                return present(existing, caller);
              }
              return users
                  .byId(other)
                  .compose(
                      user -> {
                        if (user == null) {
                          return Future.failedFuture(ServiceException.notFound("user not found"));
                        }
                        Room room =
                            new Room(
                                roomId,
                                Room.DIRECT,
                                "",
                                List.of(new Room.Member(caller, Room.MEMBER), new Room.Member(other, Room.MEMBER)),
                                System.currentTimeMillis());
                        return rooms
                            .insert(room)
                            .compose(x -> present(room, caller))
                            .map(
                                json -> {
                                  fanout.toUsers(room.memberIds(), ClientEvents.room(ClientEvents.ROOM_JOINED, json));
                                  return json;
                                })
                            // Lost a race with the other user opening it: the stored one is the one.
                            .recover(e -> rooms.get(roomId).compose(r -> r == null ? Future.failedFuture(e) : present(r, caller)));
                      });
            });
  }

  /** {@code {callerId}} → {@code {rooms:[room with lastSeq, unread]}}. */
  public Future<JsonObject> list(JsonObject body) {
    String caller = caller(body);
    return rooms.ofMember(caller).compose(list -> present(list, caller)).map(list -> new JsonObject().put("rooms", new JsonArray(list)));
  }

  /** {@code {callerId, roomId}} → the room. */
  public Future<JsonObject> get(JsonObject body) {
    String caller = caller(body);
    return memberRoom(Rules.requiredString(body, "roomId"), caller).compose(room -> present(room, caller));
  }

  /** {@code {callerId, roomId}} → {@code {}} when the caller is a member; {@code not_found} otherwise. */
  public Future<JsonObject> checkMember(JsonObject body) {
    return memberRoom(Rules.requiredString(body, "roomId"), caller(body)).map(room -> new JsonObject());
  }

  /** {@code {userId}} → {@code {userIds}}: everyone who shares a room with the user, without them. */
  public Future<JsonObject> contacts(JsonObject body) {
    String userId = Rules.requiredString(body, "userId");
    return rooms
        .idsOfMember(userId)
        .compose(ids -> Future.all(ids.stream().map(rooms::get).toList()))
        .map(found -> {
          Set<String> contacts = new LinkedHashSet<>();
          for (int i = 0; i < found.size(); i++) {
            Room room = found.resultAt(i);
            if (room != null && room.hasMember(userId)) {
              contacts.addAll(room.memberIds());
            }
          }
          contacts.remove(userId);
          return new JsonObject().put("userIds", new JsonArray(List.copyOf(contacts)));
        });
  }

  /** {@code {callerId}} → {@code {roomIds:[…]}}: what the gateway indexes when a socket opens. */
  public Future<JsonObject> idsOfUser(JsonObject body) {
    return roomIdsOf(caller(body)).map(ids -> new JsonObject().put("roomIds", new JsonArray(ids)));
  }

  /** The ids of the rooms the user is in. */
  public Future<List<String>> roomIdsOf(String userId) {
    return rooms.idsOfMember(userId);
  }

  /** {@code {callerId, roomId, userId}}: owners, moderators and admins add members. */
  public Future<JsonObject> addMember(JsonObject body) {
    return changeMember(body, this::add);
  }

  /** {@code {callerId, roomId, userId}}: removing oneself is leaving; others need owner/moderator/admin. */
  public Future<JsonObject> removeMember(JsonObject body) {
    return changeMember(body, this::remove);
  }

  /** A change of one member ({@code target}) of a room the caller is in. */
  private interface MemberChange {
    Future<?> apply(Room room, String caller, String target, boolean callerIsAdmin);
  }

  private Future<JsonObject> changeMember(JsonObject body, MemberChange change) {
    String caller = caller(body);
    String target = Rules.requiredString(body, "userId");
    return memberRoom(Rules.requiredString(body, "roomId"), caller)
        .compose(room -> accounts.isAdmin(caller).compose(admin -> change.apply(room, caller, target, admin)))
        .map(x -> new JsonObject());
  }

  private Future<?> add(Room room, String caller, String target, boolean admin) {
    if (!room.canManageMembers(caller, admin)) {
      return Future.failedFuture(
          room.isDirect()
              ? ServiceException.badRequest("a direct room has exactly two members")
              : ServiceException.forbidden("only owners and moderators add members"));
    }
    if (room.hasMember(target)) {
      return Future.succeededFuture();
    }
    if (room.members().size() >= config.maxRoomMembers()) {
      return Future.failedFuture(ServiceException.conflict("a room has at most " + config.maxRoomMembers() + " members"));
    }
    return requireUsers(Set.of(target))
        .compose(x -> rooms.addMember(room.roomId(), target, Room.MEMBER))
        .compose(added -> added ? announceChange(room.roomId(), Set.of(target), Set.of()) : Future.succeededFuture());
  }

  private Future<?> remove(Room room, String caller, String target, boolean admin) {
    if (room.isDirect()) {
      return Future.failedFuture(ServiceException.badRequest("a direct room cannot be left"));
    }
    if (!room.hasMember(target)) {
      return Future.failedFuture(ServiceException.notFound("not a member of this room"));
    }
    if (!room.canRemove(caller, target, admin)) {
      return Future.failedFuture(ServiceException.forbidden("you may not remove this member"));
    }
    return rooms
        .removeMember(room.roomId(), target)
        .compose(removed -> removed ? handOverOwnership(room, target) : Future.succeededFuture())
        .compose(x -> announceChange(room.roomId(), Set.of(), Set.of(target)));
  }

  /** The room if {@code userId} is a member; otherwise {@code not_found}, as for a missing room. */
  public Future<Room> memberRoom(String roomId, String userId) {
    return rooms
        .get(roomId)
        .compose(
            room ->
                room != null && room.hasMember(userId)
                    ? Future.succeededFuture(room)
                    : Future.failedFuture(ServiceException.notFound("room not found")));
  }

  /** When the last owner leaves a group with members left, the earliest member becomes owner. */
  private Future<Void> handOverOwnership(Room before, String leaving) {
    boolean ownerLeft = before.member(leaving).map(m -> Room.OWNER.equals(m.role())).orElse(false);
    List<Room.Member> rest = before.members().stream().filter(m -> !m.userId().equals(leaving)).toList();
    boolean ownerRemains = rest.stream().anyMatch(m -> Room.OWNER.equals(m.role()));
    if (!ownerLeft || ownerRemains || rest.isEmpty()) {
      return Future.succeededFuture();
    }
    return rooms.setRole(before.roomId(), rest.get(0).userId(), Room.OWNER);
  }

  /** Tells the joined, the left and the members who stayed, with the room as it now is. */
  private Future<Void> announceChange(String roomId, Set<String> joined, Set<String> left) {
    return rooms
        .get(roomId)
        .compose(
            room ->
                present(room, null)
                    .map(
                        json -> {
                          List<String> stayed =
                              room.memberIds().stream().filter(id -> !joined.contains(id)).toList();
                          fanout.toUsers(joined, ClientEvents.room(ClientEvents.ROOM_JOINED, json));
                          fanout.toUsers(left, ClientEvents.room(ClientEvents.ROOM_LEFT, json));
                          fanout.toUsers(stayed, ClientEvents.room(ClientEvents.ROOM_UPDATED, json));
                          return null;
                        }));
  }

  private Future<JsonObject> present(Room room, String viewer) {
    return present(List.of(room), viewer).map(list -> list.get(0));
  }

  /**
   * The protocol form of rooms: with each room's {@code lastSeq}, the {@code viewer}'s
   * {@code unread} count (0 when there is no single viewer, as in events sent to every member),
   * and each member's {@code username} and {@code displayName} so clients can name a direct
   * room without a look-up.
   */
  private Future<List<JsonObject>> present(List<Room> list, String viewer) {
    if (list.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Set<String> people = new LinkedHashSet<>();
    list.forEach(r -> people.addAll(r.memberIds()));
    Future<JsonObject> states = roomStates(list.stream().map(Room::roomId).toList(), viewer);
    Future<List<JsonObject>> profiles = users.byIds(people);
    return Future.all(states, profiles)
        .map(
            x -> {
              Map<String, JsonObject> byId = new HashMap<>();
              profiles.result().forEach(u -> byId.put(u.getString("_id"), u));
              return list.stream()
                  .map(
                      room -> {
                        JsonObject state = states.result().getJsonObject(room.roomId(), new JsonObject());
                        JsonObject json =
                            room.toJson().put("lastSeq", state.getLong("lastSeq", 0L)).put("unread", state.getLong("unread", 0L));
                        for (Object m : json.getJsonArray("members")) {
                          JsonObject member = (JsonObject) m;
                          JsonObject user = byId.get(member.getString("userId"));
                          if (user != null) {
                            member.put("username", user.getString("username")).put("displayName", user.getString("displayName"));
                          }
                        }
                        return json;
                      })
                  .toList();
            });
  }

  /** Per room {@code {lastSeq, unread}}, unread counted for {@code viewer} (0 when null). */
  private Future<JsonObject> roomStates(List<String> roomIds, String viewer) {
    return eventBus
        .<JsonObject>request(
            Addresses.History.ROOM_STATES,
            new JsonObject().put("roomIds", new JsonArray(roomIds)).put("userId", viewer),
            new DeliveryOptions().setSendTimeout(config.historyTimeoutMs()))
        .map(reply -> reply.body().getJsonObject("rooms"));
  }

  private static List<String> memberIds(JsonObject room) {
    return room.getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("userId")).toList();
  }

  private Future<Void> requireUsers(Set<String> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return users
        .byIds(userIds)
        .compose(
            found ->
                found.size() == userIds.size()
                    ? Future.succeededFuture()
                    : Future.failedFuture(ServiceException.badRequest("unknown user in members")));
  }

  static String caller(JsonObject body) {
    return Rules.requiredString(body, "callerId");
  }

  private static String newRoomId() {
    return "r_" + UUID.randomUUID().toString().replace("-", "");
  }
}

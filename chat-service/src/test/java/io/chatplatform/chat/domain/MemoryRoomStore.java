package io.chatplatform.chat.domain;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link RoomStore} in memory; room ids are unique as in the MongoDB one. */
final class MemoryRoomStore implements RoomStore {
  final Map<String, Room> rooms = new LinkedHashMap<>();

  @Override
  public Future<Void> insert(Room room) {
    if (rooms.containsKey(room.roomId())) {
      return Future.failedFuture(new IllegalStateException("duplicate room id " + room.roomId()));
    }
    rooms.put(room.roomId(), room);
    return Future.succeededFuture();
  }

  @Override
  public Future<Room> get(String roomId) {
    return Future.succeededFuture(rooms.get(roomId));
  }

  @Override
  public Future<Room> reread(String roomId) {
    return get(roomId);
  }

  @Override
  public Future<List<Room>> ofMember(String userId) {
    return Future.succeededFuture(rooms.values().stream().filter(r -> r.hasMember(userId)).toList());
  }

  @Override
  public Future<java.util.Set<String>> inAtLeast(java.util.Collection<String> userIds, int count) {
    return Future.succeededFuture(userIds.stream()
        .filter(id -> rooms.values().stream().filter(r -> r.hasMember(id)).count() >= count)
        .collect(java.util.stream.Collectors.toSet()));
  }

  @Override
  public Future<List<String>> idsOfMember(String userId) {
    return ofMember(userId).map(list -> list.stream().map(Room::roomId).toList());
  }

  @Override
  public Future<Boolean> addMember(String roomId, String userId, String role, int maxMembers) {
    Room room = rooms.get(roomId);
    if (room == null || room.hasMember(userId)) {
      return Future.succeededFuture(false);
    }
    if (room.isBanned(userId)) {
      return Future.failedFuture(Rooms.bannedFromRoom());
    }
    if (room.members().size() >= maxMembers) {
      return Future.failedFuture(Rooms.full(maxMembers));
    }
    List<Room.Member> members = new ArrayList<>(room.members());
    members.add(new Room.Member(userId, role));
    rooms.put(roomId, withMembers(room, members));
    return Future.succeededFuture(true);
  }

  @Override
  public Future<Void> rename(String roomId, String name) {
    Room room = rooms.get(roomId);
    rooms.put(roomId, new Room(roomId, room.type(), name, room.members(), room.createdAt(), room.version() + 1, room.mutedUntil(), room.banned()));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> indexMembers(Room room) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> removeMember(String roomId, String userId, boolean sparingOwners) {
    Room room = rooms.get(roomId);
    if (room == null || !room.hasMember(userId)) {
      return Future.succeededFuture(false);
    }
    if (spares(room, userId, sparingOwners)) {
      return Future.failedFuture(Rooms.changedMeanwhile());
    }
    List<Room.Member> members = room.members().stream().filter(m -> !m.userId().equals(userId)).toList();
    rooms.put(roomId, withMembers(room, members));
    return Future.succeededFuture(true);
  }

  @Override
  public Future<Void> setRole(String roomId, String userId, String role) {
    Room room = rooms.get(roomId);
    List<Room.Member> members =
        room.members().stream().map(m -> m.userId().equals(userId) ? new Room.Member(userId, role) : m).toList();
    rooms.put(roomId, withMembers(room, members));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> delete(Room room) {
    rooms.remove(room.roomId());
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> setRoles(String roomId, long version, List<Room.Member> members) {
    Room room = rooms.get(roomId);
    if (room == null || room.version() != version) {
      return Future.succeededFuture(false);
    }
    rooms.put(roomId, withMembers(room, members));
    return Future.succeededFuture(true);
  }

  @Override
  public Future<Void> mute(String roomId, String userId, long until, boolean sparingOwners) {
    Room room = rooms.get(roomId);
    if (spares(room, userId, sparingOwners)) {
      return Future.failedFuture(Rooms.changedMeanwhile());
    }
    Map<String, Long> mutes = new java.util.HashMap<>(room.mutedUntil());
    mutes.put(userId, until);
    rooms.put(roomId, withModeration(room, mutes, room.banned()));
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> unmute(String roomId, String userId) {
    Room room = rooms.get(roomId);
    Map<String, Long> mutes = new java.util.HashMap<>(room.mutedUntil());
    boolean was = mutes.remove(userId) != null;
    rooms.put(roomId, withModeration(room, mutes, room.banned()));
    return Future.succeededFuture(was);
  }

  @Override
  public Future<Boolean> ban(String roomId, String userId, boolean sparingOwners) {
    Room room = rooms.get(roomId);
    if (spares(room, userId, sparingOwners)) {
      return Future.failedFuture(Rooms.changedMeanwhile());
    }
    java.util.Set<String> bans = new java.util.HashSet<>(room.banned());
    boolean added = bans.add(userId);
    rooms.put(roomId, withModeration(room, room.mutedUntil(), bans));
    return Future.succeededFuture(added);
  }

  @Override
  public Future<Boolean> unban(String roomId, String userId) {
    Room room = rooms.get(roomId);
    java.util.Set<String> bans = new java.util.HashSet<>(room.banned());
    boolean removed = bans.remove(userId);
    rooms.put(roomId, withModeration(room, room.mutedUntil(), bans));
    return Future.succeededFuture(removed);
  }

  /** Whether a write sparing owners must leave this user alone, as the MongoDB store's filter does. */
  private static boolean spares(Room room, String userId, boolean sparingOwners) {
    return sparingOwners && room.member(userId).map(m -> Room.OWNER.equals(m.role())).orElse(false);
  }

  /** A membership change raises the version; moderation is kept. */
  private static Room withMembers(Room room, List<Room.Member> members) {
    return new Room(room.roomId(), room.type(), room.name(), members, room.createdAt(), room.version() + 1, room.mutedUntil(),
        room.banned());
  }

  private static Room withModeration(Room room, Map<String, Long> mutes, java.util.Set<String> bans) {
    return new Room(room.roomId(), room.type(), room.name(), room.members(), room.createdAt(), room.version(), mutes, bans);
  }
}

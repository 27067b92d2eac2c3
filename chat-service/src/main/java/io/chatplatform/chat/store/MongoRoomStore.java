package io.chatplatform.chat.store;

import io.chatplatform.chat.domain.Room;
import io.chatplatform.chat.domain.RoomStore;
import io.chatplatform.chat.domain.Rooms;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.MongoClientUpdateResult;
import io.vertx.ext.mongo.UpdateOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Rooms in MongoDB ({@code rooms}). A document is
 * {@code {_id, type, name, members:[{userId, role}], memberIds:[userId], createdAt, version,
 * mutes:{userId: until}, bans:[userId]}}; {@code memberIds} exists to be indexed and queried.
 * A mute past its {@code until} stays in {@code mutes} until it is replaced or ended: it is
 * compared with the time where it is read ({@link Room#mutedUntil}). A direct room's {@code _id} is derived from
 * its pair ({@link Room#directRoomId}), so the unique {@code _id} makes "one direct room per pair"
 * hold under any concurrency.
 *
 * <p>The rooms of a user are also kept in {@code memberships} ({@code {_id: userId, roomIds}}), so
 * that "which rooms is this user in", asked at every socket connect and sync, is one point read
 * rather than a query (which the embedded server answers by scanning every room: it ignores
 * non-unique indexes). The room documents are the truth and {@code memberships} only ever lags
 * behind on the safe side: a room is added to it after the member is added to the room, and
 * removed from it before the member is removed, so a failure in between can leave a user without
 * a room they are in, never with a room they left. Every write here is idempotent, and the retry
 * of the failed operation repairs the list: adding the member again ({@link #addMember} writes
 * the list when the room already has the member), opening the direct room again
 * ({@link #indexMembers}), removing again. A group room whose creation failed after the room was
 * stored stays unlisted: the client's retry creates a new room (creation has no idempotency key).
 *
 * <p>Two requests on one room can still interleave their writes so that a room is listed for a
 * user it does not have (an add's list write landing after a removal's last one). So the list is
 * removed from again after a removal's room write, and {@link #idsOfMember} answers only the
 * rooms whose document has the user: search, sync and socket subscriptions never trust the list
 * alone.
 *
 * <p>A moderator reaches only non-owners ({@link io.chatplatform.chat.domain.RoomPermissions}).
 * Their removal, mute or ban of a member made owner after the room was read must not apply, so
 * with {@code sparingOwners} the target's role is in the write's filter, and a write it stops
 * fails with {@link Rooms#changedMeanwhile}.
 */
public final class MongoRoomStore implements RoomStore {
  static final String ROOMS = "rooms";
  static final String MEMBERSHIPS = "memberships";

  private final MongoClient mongo;
  private final RoomCache cache;

  public MongoRoomStore(MongoClient mongo, RoomCache cache) {
    this.mongo = mongo;
    this.cache = cache;
  }

  /** Creates the indexes, and the memberships of rooms stored before memberships existed. */
  public Future<Void> prepare() {
    return mongo
        .createIndex(ROOMS, new JsonObject().put("memberIds", 1))
        .compose(x -> mongo.count(MEMBERSHIPS, new JsonObject()))
        .compose(count -> count > 0 ? Future.succeededFuture() : rebuildMemberships());
  }

  private Future<Void> rebuildMemberships() {
    return mongo
        .find(ROOMS, new JsonObject())
        .compose(
            docs -> {
              List<BulkOperation> adds = new ArrayList<>();
              for (JsonObject doc : docs) {
                Room room = fromDocument(doc);
                room.memberIds().forEach(userId -> adds.add(membershipAdd(userId, room.roomId())));
              }
              return adds.isEmpty() ? Future.succeededFuture() : mongo.bulkWrite(MEMBERSHIPS, adds).mapEmpty();
            });
  }

  @Override
  public Future<Void> insert(Room room) {
    return mongo.insert(ROOMS, toDocument(room)).compose(x -> indexMembers(room));
  }

  /** The room as stored now, never from the cache (which another instance's change may not have reached yet). */
  @Override
  public Future<Room> reread(String roomId) {
    return mongo.findOne(ROOMS, new JsonObject().put("_id", roomId), null).map(doc -> doc == null ? null : fromDocument(doc));
  }

  /** The room, from the cache when it has it; null when there is no such room. */
  @Override
  public Future<Room> get(String roomId) {
    Room cached = cache.get(roomId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    long token = cache.readToken();
    return mongo
        .findOne(ROOMS, new JsonObject().put("_id", roomId), null)
        .map(
            doc -> {
              if (doc == null) {
                return null;
              }
              Room room = fromDocument(doc);
              cache.put(room, token);
              return room;
            });
  }

  /** The user's rooms, oldest first. */
  @Override
  public Future<List<Room>> ofMember(String userId) {
    return idsOfMember(userId)
        .compose(
            ids -> {
              if (ids.isEmpty()) {
                return Future.succeededFuture(List.<JsonObject>of());
              }
              FindOptions options = new FindOptions().setSort(new JsonObject().put("createdAt", 1));
              JsonObject query = new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(ids)));
              return mongo.findWithOptions(ROOMS, query, options);
            })
        .map(
            docs ->
                docs.stream()
                    .map(MongoRoomStore::fromDocument)
                    // The room is the truth; memberships may lag behind it (see the class comment).
                    .filter(room -> room.hasMember(userId))
                    .toList());
  }

  /**
   * Asks only for the ids of the users whose list has an element at index {@code rooms - 1}, so
   * no list is read, however long.
   */
  @Override
  public Future<java.util.Set<String>> inAtLeast(java.util.Collection<String> userIds, int rooms) {
    JsonObject query = new JsonObject()
        .put("_id", new JsonObject().put("$in", new JsonArray(List.copyOf(userIds))))
        .put("roomIds." + (rooms - 1), new JsonObject().put("$exists", true));
    return mongo
        .findWithOptions(MEMBERSHIPS, query, new FindOptions().setFields(new JsonObject().put("_id", 1)))
        .map(docs -> docs.stream().map(doc -> doc.getString("_id")).collect(java.util.stream.Collectors.toSet()));
  }

  /**
   * The listed rooms whose document has the user (see the class comment): one more query, asking
   * only for ids, rather than a read of each room.
   */
  @Override
  public Future<List<String>> idsOfMember(String userId) {
    return mongo
        .findOne(MEMBERSHIPS, new JsonObject().put("_id", userId), null)
        .map(doc -> doc == null ? List.<String>of() : doc.getJsonArray("roomIds", new JsonArray()).stream().map(String::valueOf).toList())
        .compose(listed -> {
          if (listed.isEmpty()) {
            return Future.succeededFuture(listed);
          }
          JsonObject query = new JsonObject()
              .put("_id", new JsonObject().put("$in", new JsonArray(listed)))
              .put("memberIds", userId);
          return mongo
              .findWithOptions(ROOMS, query, new FindOptions().setFields(new JsonObject().put("_id", 1)))
              .map(docs -> {
                java.util.Set<String> member = docs.stream().map(doc -> doc.getString("_id")).collect(java.util.stream.Collectors.toSet());
                return listed.stream().filter(member::contains).toList();
              });
        });
  }

  /**
   * The cap holds under concurrent adds because it is part of the update's filter: the write
   * applies only while the array has no element at index {@code maxMembers - 1}. When nothing was
   * written, the room is read again to tell "already a member" (go on and list it) from "full",
   * "banned", or "removed meanwhile" (list nothing: the removal has already unlisted the room, and
   * listing it again would outlive it).
   */
  @Override
  public Future<Boolean> addMember(String roomId, String userId, String role, int maxMembers) {
    JsonObject query = new JsonObject()
        .put("_id", roomId)
        .put("memberIds", new JsonObject().put("$ne", userId))
        .put("bans", new JsonObject().put("$ne", userId))
        .put("members." + (maxMembers - 1), new JsonObject().put("$exists", false));
    JsonObject update =
        new JsonObject()
            .put("$push", new JsonObject().put("members", new JsonObject().put("userId", userId).put("role", role)))
            .put("$addToSet", new JsonObject().put("memberIds", userId))
            .put("$inc", new JsonObject().put("version", 1));
    return mongo
        .updateCollection(ROOMS, query, update)
        .map(r -> changed(roomId, r.getDocModified() > 0))
        .compose(added -> added
            ? list(userId, roomId).map(true)
            : mongo.findOne(ROOMS, new JsonObject().put("_id", roomId), null).compose(doc -> {
              Room room = doc == null ? null : fromDocument(doc);
              if (room == null) {
                return Future.succeededFuture(false);
              }
              if (room.hasMember(userId)) {
                // Listed now but not before: an earlier add stopped between the two writes.
                return list(userId, roomId);
              }
              if (room.isBanned(userId)) {
                return Future.failedFuture(Rooms.bannedFromRoom());
              }
              return room.members().size() >= maxMembers
                  ? Future.failedFuture(Rooms.full(maxMembers))
                  : Future.succeededFuture(false);
            }));
  }

  /** Lists the room among the user's rooms; true when it was not listed before. */
  private Future<Boolean> list(String userId, String roomId) {
    return mongo
        .bulkWrite(MEMBERSHIPS, List.of(membershipAdd(userId, roomId)))
        .map(indexed -> indexed.getModifiedCount() > 0 || indexed.getUpserts().size() > 0);
  }

  private Future<Void> unlist(String userId, String roomId) {
    JsonObject membership = new JsonObject().put("$pull", new JsonObject().put("roomIds", roomId));
    return mongo.updateCollection(MEMBERSHIPS, new JsonObject().put("_id", userId), membership).mapEmpty();
  }

  @Override
  public Future<Void> indexMembers(Room room) {
    return mongo
        .bulkWrite(MEMBERSHIPS, room.memberIds().stream().map(userId -> membershipAdd(userId, room.roomId())).toList())
        .mapEmpty();
  }

  /**
   * Removes a member if present; true when removed. Unlisted before the room write (so a failure
   * between leaves no listed room the user left) unless owners are spared: an owner the filter
   * spares must keep their listing. Unlisted again after it, in case an add that found the user
   * still a member listed the room in between.
   */
  @Override
  public Future<Boolean> removeMember(String roomId, String userId, boolean sparingOwners) {
    JsonObject query = sparing(new JsonObject().put("_id", roomId).put("memberIds", userId), userId, sparingOwners);
    JsonObject update =
        new JsonObject()
            .put("$pull", new JsonObject().put("members", new JsonObject().put("userId", userId)).put("memberIds", userId))
            .put("$inc", new JsonObject().put("version", 1));
    return (sparingOwners ? Future.<Void>succeededFuture() : unlist(userId, roomId))
        .compose(x -> mongo.updateCollection(ROOMS, query, update))
        .compose(r -> spared(roomId, userId, sparingOwners, r).map(changed(roomId, r.getDocModified() > 0)))
        .compose(removed -> unlist(userId, roomId).map(removed));
  }

  @Override
  public Future<Void> rename(String roomId, String name) {
    JsonObject update = new JsonObject().put("$set", new JsonObject().put("name", name)).put("$inc", new JsonObject().put("version", 1));
    return mongo.updateCollection(ROOMS, new JsonObject().put("_id", roomId), update).map(r -> changed(roomId, true)).mapEmpty();
  }

  /** Sets a member's role (used when ownership passes on). */
  @Override
  public Future<Void> setRole(String roomId, String userId, String role) {
    JsonObject query = new JsonObject().put("_id", roomId).put("members.userId", userId);
    JsonObject update =
        new JsonObject().put("$set", new JsonObject().put("members.$.role", role)).put("$inc", new JsonObject().put("version", 1));
    return mongo.updateCollection(ROOMS, query, update).map(r -> changed(roomId, true)).mapEmpty();
  }

  @Override
  public Future<Void> delete(Room room) {
    JsonObject members = new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(room.memberIds())));
    JsonObject unlist = new JsonObject().put("$pull", new JsonObject().put("roomIds", room.roomId()));
    return mongo
        .updateCollectionWithOptions(MEMBERSHIPS, members, unlist, new UpdateOptions().setMulti(true))
        .compose(x -> mongo.removeDocument(ROOMS, new JsonObject().put("_id", room.roomId())))
        .map(x -> changed(room.roomId(), true))
        .mapEmpty();
  }

  @Override
  public Future<Boolean> setRoles(String roomId, long version, List<Room.Member> members) {
    // A room stored before rooms had versions reads as version 0 and has no field: null matches it.
    JsonObject query = new JsonObject().put("_id", roomId).put("version", version == 0 ? null : version);
    JsonArray array = new JsonArray();
    members.forEach(m -> array.add(new JsonObject().put("userId", m.userId()).put("role", m.role())));
    JsonObject update = new JsonObject().put("$set", new JsonObject().put("members", array)).put("$inc", new JsonObject().put("version", 1));
    return mongo.updateCollection(ROOMS, query, update).map(r -> changed(roomId, r.getDocModified() > 0));
  }

  @Override
  public Future<Void> mute(String roomId, String userId, long until, boolean sparingOwners) {
    JsonObject update = new JsonObject().put("$set", new JsonObject().put(muteField(userId), until));
    return mongo
        .updateCollection(ROOMS, sparing(new JsonObject().put("_id", roomId), userId, sparingOwners), update)
        .compose(r -> spared(roomId, userId, sparingOwners, r))
        .map(x -> changed(roomId, true))
        .mapEmpty();
  }

  @Override
  public Future<Boolean> unmute(String roomId, String userId) {
    JsonObject query = new JsonObject().put("_id", roomId).put(muteField(userId), new JsonObject().put("$exists", true));
    JsonObject update = new JsonObject().put("$unset", new JsonObject().put(muteField(userId), ""));
    return mongo.updateCollection(ROOMS, query, update).map(r -> changed(roomId, r.getDocModified() > 0));
  }

  @Override
  public Future<Boolean> ban(String roomId, String userId, boolean sparingOwners) {
    JsonObject query = sparing(new JsonObject().put("_id", roomId).put("bans", new JsonObject().put("$ne", userId)), userId, sparingOwners);
    JsonObject update = new JsonObject().put("$addToSet", new JsonObject().put("bans", userId));
    return mongo
        .updateCollection(ROOMS, query, update)
        .compose(r -> spared(roomId, userId, sparingOwners, r).map(changed(roomId, r.getDocModified() > 0)));
  }

  /** The query, matching only while the user is no owner of the room when owners are spared. */
  private static JsonObject sparing(JsonObject query, String userId, boolean sparingOwners) {
    if (sparingOwners) {
      JsonObject owner = new JsonObject().put("members",
          new JsonObject().put("$elemMatch", new JsonObject().put("userId", userId).put("role", Room.OWNER)));
      query.put("$nor", new JsonArray().add(owner));
    }
    return query;
  }

  /**
   * Whether a write that matched nothing did so because it spared an owner: {@code conflict} then;
   * otherwise (nothing to do: not a member, already banned, the room gone) it succeeds.
   */
  private Future<Void> spared(String roomId, String userId, boolean sparingOwners, MongoClientUpdateResult written) {
    if (!sparingOwners || written.getDocMatched() > 0) {
      return Future.succeededFuture();
    }
    return mongo.findOne(ROOMS, new JsonObject().put("_id", roomId), null).compose(doc -> {
      boolean owner = doc != null && fromDocument(doc).member(userId).map(m -> Room.OWNER.equals(m.role())).orElse(false);
      return owner ? Future.failedFuture(Rooms.changedMeanwhile()) : Future.succeededFuture();
    });
  }

  @Override
  public Future<Boolean> unban(String roomId, String userId) {
    JsonObject query = new JsonObject().put("_id", roomId).put("bans", userId);
    JsonObject update = new JsonObject().put("$pull", new JsonObject().put("bans", userId));
    return mongo.updateCollection(ROOMS, query, update).map(r -> changed(roomId, r.getDocModified() > 0));
  }

  /**
   * The field of a user's mute: the user id is a key, so it must never hold {@code .} or a
   * leading {@code $}. Ids are made by Accounts ({@code u_} and hex); anything else is refused.
   */
  private static String muteField(String userId) {
    if (!SAFE_KEY.matcher(userId).matches()) {
      throw new IllegalArgumentException("not a user id");
    }
    return "mutes." + userId;
  }

  private static final java.util.regex.Pattern SAFE_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,128}");

  private static BulkOperation membershipAdd(String userId, String roomId) {
    return BulkOperation.createUpdate(
        new JsonObject().put("_id", userId),
        new JsonObject().put("$addToSet", new JsonObject().put("roomIds", roomId)),
        true,
        false);
  }

  private boolean changed(String roomId, boolean modified) {
    if (modified) {
      cache.invalidate(roomId);
    }
    return modified;
  }

  static JsonObject toDocument(Room room) {
    return new JsonObject()
        .put("_id", room.roomId())
        .put("type", room.type())
        .put("name", room.name())
        .put("members", members(room))
        .put("memberIds", new JsonArray(room.memberIds()))
        .put("createdAt", room.createdAt())
        .put("version", room.version())
        .put("mutes", mutes(room))
        .put("bans", new JsonArray(List.copyOf(room.banned())));
  }

  static Room fromDocument(JsonObject doc) {
    List<Room.Member> members =
        doc.getJsonArray("members", new JsonArray()).stream()
            .map(o -> (JsonObject) o)
            .map(m -> new Room.Member(m.getString("userId"), m.getString("role")))
            .toList();
    java.util.Map<String, Long> mutes = new java.util.HashMap<>();
    JsonObject stored = doc.getJsonObject("mutes", new JsonObject());
    stored.fieldNames().forEach(userId -> mutes.put(userId, stored.getLong(userId)));
    java.util.Set<String> bans = new java.util.HashSet<>();
    doc.getJsonArray("bans", new JsonArray()).forEach(id -> bans.add(String.valueOf(id)));
    return new Room(
        doc.getString("_id"), doc.getString("type"), doc.getString("name"), members, doc.getLong("createdAt", 0L),
        doc.getLong("version", 0L), mutes, bans);
  }

  private static JsonObject mutes(Room room) {
    JsonObject mutes = new JsonObject();
    room.mutedUntil().forEach(mutes::put);
    return mutes;
  }

  private static JsonArray members(Room room) {
    JsonArray array = new JsonArray();
    room.members().forEach(m -> array.add(new JsonObject().put("userId", m.userId()).put("role", m.role())));
    return array;
  }
}

package io.chatplatform.chat.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.chat.store.MongoRoomStore;
import io.chatplatform.chat.store.RoomCache;
import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.ChangeRole;
import io.chatplatform.contracts.chat.ChatApi.CreateRoom;
import io.chatplatform.contracts.chat.ChatApi.MemberChange;
import io.chatplatform.contracts.chat.ChatApi.Moderate;
import io.chatplatform.testsupport.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two requests on one room, their writes interleaved on the real (embedded) MongoDB in the order
 * that used to break a rule: {@link Interleaving} runs the second request to its end just before
 * a chosen write or read of the first.
 */
@DisplayName("Membership and moderation racing each other over MongoDB")
class MembershipRacesOnMongoTest {
  final ChatOnMongo chat = new ChatOnMongo(Set.of());
  final ChatDomain memory = chat.memory;
  final Interleaving interleaving = new Interleaving(chat.mongo);
  final MongoRoomStore store =
      new MongoRoomStore(interleaving.client(), new RoomCache(chat.db.vertx.eventBus(), 100, 60_000, System::currentTimeMillis));
  final Rooms rooms = new Rooms(store, chat.users, chat.accounts, memory.history, memory.events, ChatDomain.LIMITS, memory.now::get);
  final Moderation moderation =
      new Moderation(rooms, store, chat.users, chat.accounts, chat.audit, memory.events, ModerationLimits.DEFAULTS, memory.now::get);
  final int cap = ChatDomain.LIMITS.maxRoomMembers();

  final String alice = chat.user("alice");
  final String bob = chat.user("bob");
  final String carol = chat.user("carol");

  @AfterEach
  void close() {
    chat.close();
  }

  String room(String owner, String... members) {
    return Await.result(rooms.create(new CreateRoom(owner, "Team", List.of(members)))).room().roomId();
  }

  /** The user's stored list of rooms, as written, not as the store filters it when asked. */
  List<String> listed(String userId) {
    JsonObject doc = Await.result(chat.mongo.findOne("memberships", new JsonObject().put("_id", userId), null));
    return doc == null ? List.of() : doc.getJsonArray("roomIds", new JsonArray()).stream().map(String::valueOf).toList();
  }

  /** The room as the database holds it, past any cache. */
  Room stored(String roomId) {
    JsonObject doc = Await.result(chat.mongo.findOne("rooms", new JsonObject().put("_id", roomId), null));
    List<Room.Member> members = doc.getJsonArray("members").stream().map(o -> (JsonObject) o)
        .map(m -> new Room.Member(m.getString("userId"), m.getString("role"))).toList();
    java.util.Map<String, Long> mutes = new java.util.HashMap<>();
    JsonObject storedMutes = doc.getJsonObject("mutes", new JsonObject());
    storedMutes.fieldNames().forEach(id -> mutes.put(id, storedMutes.getLong(id)));
    Set<String> bans = new java.util.HashSet<>();
    doc.getJsonArray("bans", new JsonArray()).forEach(id -> bans.add(String.valueOf(id)));
    return new Room(doc.getString("_id"), doc.getString("type"), doc.getString("name"), members, doc.getLong("createdAt"),
        doc.getLong("version", 0L), mutes, bans);
  }

  @Test
  @DisplayName("an add that finds the user a member, then a kick before it re-reads the room: the kicked user is not listed")
  void kickBetweenAnAddsWriteAndItsReRead() {
    String roomId = room(alice, bob);
    interleaving.before("findOne", "rooms", Interleaving.any(), () -> store.removeMember(roomId, bob));
    Await.result(store.addMember(roomId, bob, Room.MEMBER, cap));
    assertThat(interleaving.happened()).isTrue();
    assertThat(stored(roomId).hasMember(bob)).isFalse();
    assertThat(listed(bob)).doesNotContain(roomId);
  }

  @Test
  @DisplayName("an add between a removal's writes (the user still a member): the removed user is not listed")
  void addBetweenARemovalsWrites() {
    String roomId = room(alice, bob);
    interleaving.before("updateCollection", "rooms", Interleaving.updating("$pull", "members"),
        () -> store.addMember(roomId, bob, Room.MEMBER, cap));
    assertThat(Await.result(store.removeMember(roomId, bob))).isTrue();
    assertThat(interleaving.happened()).isTrue();
    assertThat(stored(roomId).hasMember(bob)).isFalse();
    assertThat(listed(bob)).doesNotContain(roomId);
  }

  @Test
  @DisplayName("a room listed for a user it does not have (a lost race) is not among their rooms for search, sync and sockets")
  void roomIdsOfTrustTheRoom() {
    String kept = room(alice, bob);
    String left = room(alice);
    Await.result(chat.mongo.updateCollection("memberships", new JsonObject().put("_id", bob),
        new JsonObject().put("$addToSet", new JsonObject().put("roomIds", left))));
    assertThat(listed(bob)).contains(left);
    assertThat(Await.result(rooms.roomIdsOf(bob))).containsExactly(kept);
  }

  @Test
  @DisplayName("a ban racing an add (the add lands after the moderator read the room): the banned user is not a member")
  void banRacingAnAdd() {
    String roomId = room(alice);
    interleaving.before("updateCollection", "rooms", Interleaving.updating("$addToSet", "bans"),
        () -> rooms.addMember(new MemberChange(alice, roomId, bob)));
    ModerationAct act = Await.result(moderation.moderate(new Moderate(alice, roomId, "ban", bob, null, null)));
    assertThat(interleaving.happened()).isTrue();
    Room room = stored(roomId);
    assertThat(room.isBanned(bob)).isTrue();
    assertThat(room.hasMember(bob)).isFalse();
    assertThat(Await.result(rooms.roomIdsOf(bob))).isEmpty();
    assertThat(act.changed()).isTrue();
    assertThat(memory.events.rooms).anyMatch(e -> e.event().equals(Room.LEFT) && e.userIds().equals(List.of(bob)));
  }

  @Test
  @DisplayName("a ban of a non-member with nothing racing it removes no one and announces no departure")
  void banOfANonMemberAnnouncesNoDeparture() {
    String roomId = room(alice);
    Await.result(moderation.moderate(new Moderate(alice, roomId, "ban", bob, null, null)));
    assertThat(stored(roomId).isBanned(bob)).isTrue();
    assertThat(memory.events.rooms).noneMatch(e -> e.event().equals(Room.LEFT));
  }

  /** Alice owns the room, bob moderates it, carol is a member whom alice makes owner just before bob's act is written. */
  ServiceException actOnWhoJustBecameOwner(String action, String operator, String field) {
    String roomId = room(alice, bob, carol);
    Await.result(moderation.changeRole(new ChangeRole(alice, roomId, bob, Room.MODERATOR)));
    interleaving.before("updateCollection", "rooms", Interleaving.updating(operator, field),
        () -> moderation.changeRole(new ChangeRole(alice, roomId, carol, Room.OWNER)));
    Throwable failure = Await.failure(moderation.moderate(new Moderate(bob, roomId, action, carol, null, null)));
    assertThat(interleaving.happened()).isTrue();
    Room room = stored(roomId);
    assertThat(room.member(carol)).contains(new Room.Member(carol, Room.OWNER));
    assertThat(room.isBanned(carol)).isFalse();
    assertThat(room.mutedUntil()).doesNotContainKey(carol);
    assertThat(listed(carol)).contains(roomId);
    assertThat(failure).isInstanceOf(ServiceException.class);
    return (ServiceException) failure;
  }

  @Test
  @DisplayName("a moderator's kick of a member made owner meanwhile: conflict, and the owner stays")
  void kickOfWhoJustBecameOwner() {
    ServiceException e = actOnWhoJustBecameOwner("kick", "$pull", "members");
    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(e.getMessage()).isEqualTo("the room changed meanwhile: try again");
  }

  @Test
  @DisplayName("a moderator's ban of a member made owner meanwhile: conflict, not banned")
  void banOfWhoJustBecameOwner() {
    assertThat(actOnWhoJustBecameOwner("ban", "$addToSet", "bans").code()).isEqualTo(ErrorCode.CONFLICT);
  }

  @Test
  @DisplayName("a moderator's mute of a member made owner meanwhile: conflict, not muted")
  void muteOfWhoJustBecameOwner() {
    assertThat(actOnWhoJustBecameOwner("mute", "$set", "mutes." + carol).code()).isEqualTo(ErrorCode.CONFLICT);
  }

  @Test
  @DisplayName("two owners leaving at once, each judged on the room read before either left: an owner remains")
  void twoOwnersLeavingAtOnce() {
    String roomId = room(alice, bob, carol);
    Await.result(moderation.changeRole(new ChangeRole(alice, roomId, bob, Room.OWNER)));
    Room readByBoth = Await.result(store.get(roomId));
    // A rename lands just before the hand-over's write: it loses once, reads again and writes.
    interleaving.before("updateCollection", "rooms", Interleaving.updating("$set", "members"),
        () -> store.rename(roomId, "Renamed"));
    Await.result(rooms.remove(readByBoth, alice, alice, false));
    Await.result(rooms.remove(readByBoth, bob, bob, false));
    Room room = stored(roomId);
    assertThat(room.memberIds()).containsExactly(carol);
    assertThat(room.member(carol)).contains(new Room.Member(carol, Room.OWNER));
    assertThat(interleaving.happened()).isTrue();
    assertThat(room.name()).isEqualTo("Renamed");
  }
}

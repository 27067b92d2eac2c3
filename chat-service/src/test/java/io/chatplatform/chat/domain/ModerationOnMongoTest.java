package io.chatplatform.chat.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.chat.store.MongoAuditLog;
import io.chatplatform.chat.store.MongoRoomStore;
import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.ChangeRole;
import io.chatplatform.contracts.chat.ChatApi.CreateRoom;
import io.chatplatform.contracts.chat.ChatApi.MemberChange;
import io.chatplatform.contracts.chat.ChatApi.Moderate;
import io.chatplatform.testsupport.Await;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The room document's roles, mutes and bans over MongoDB: the writes that make the rules hold under concurrency. */
@DisplayName("Roles and moderation over MongoDB")
class ModerationOnMongoTest {
  final ChatOnMongo chat = new ChatOnMongo(Set.of());
  final OnEmbeddedMongo db = chat.db;
  final MongoRoomStore roomStore = chat.roomStore;
  final ChatDomain memory = chat.memory;
  final Rooms rooms = chat.rooms;
  final MongoAuditLog audit = chat.audit;
  final Moderation moderation =
      new Moderation(rooms, roomStore, chat.users, chat.accounts, audit, memory.events, ModerationLimits.DEFAULTS, memory.now::get);

  @AfterEach
  void close() {
    chat.close();
  }

  String user(String name) {
    return chat.user(name);
  }

  @Test
  @DisplayName("mutes and bans are stored in the room document and read back; a ban stops the store's add, whatever the caller checked")
  void storedModeration() {
    String alice = user("alice");
    String bob = user("bob");
    String carol = user("carol");
    String roomId = Await.result(rooms.create(new CreateRoom(alice, "Team", List.of(bob, carol)))).room().roomId();

    Await.result(moderation.moderate(new Moderate(alice, roomId, "mute", bob, 60L, "spam")));
    Await.result(moderation.moderate(new Moderate(alice, roomId, "ban", carol, null, null)));
    Room stored = Await.result(roomStore.get(roomId));
    assertThat(stored.mutedUntil(bob, memory.now.get())).contains(memory.now.get() + 60_000);
    assertThat(stored.isBanned(carol)).isTrue();
    assertThat(stored.hasMember(carol)).isFalse();

    assertThatThrownBy(() -> Await.result(roomStore.addMember(roomId, carol, Room.MEMBER, 10)))
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
    assertThat(Await.result(roomStore.get(roomId)).hasMember(carol)).isFalse();

    assertThat(Await.result(roomStore.unmute(roomId, bob))).isTrue();
    assertThat(Await.result(roomStore.unmute(roomId, bob))).isFalse();
    assertThat(Await.result(roomStore.unban(roomId, carol))).isTrue();
    Await.result(rooms.addMember(new MemberChange(alice, roomId, carol)));
    assertThat(Await.result(roomStore.get(roomId)).hasMember(carol)).isTrue();

    List<AuditEntry> entries = Await.result(audit.find(new AuditLog.Filter(null, null, roomId, null, null, null, null), 10));
    // One clock instant: their order within it is the ids' random tails'.
    assertThat(entries).extracting(AuditEntry::action).containsExactlyInAnyOrder(AuditEntry.BAN, AuditEntry.MUTE);
  }

  @Test
  @DisplayName("a role change applies only to the room as it was read: a stale version writes nothing")
  void rolesCompareAndSet() {
    String alice = user("alice");
    String bob = user("bob");
    Room room = Await.result(rooms.create(new CreateRoom(alice, "Team", List.of(bob)))).room();
    Await.result(moderation.changeRole(new ChangeRole(alice, room.roomId(), bob, Room.OWNER)));
    List<Room.Member> allMembers = List.of(new Room.Member(alice, Room.MEMBER), new Room.Member(bob, Room.MEMBER));
    assertThat(Await.result(roomStore.setRoles(room.roomId(), room.version(), allMembers))).isFalse();
    Room now = Await.result(roomStore.get(room.roomId()));
    assertThat(now.member(bob)).contains(new Room.Member(bob, Room.OWNER));
    assertThat(now.version()).isEqualTo(room.version() + 1);
  }

  @Test
  @DisplayName("a room stored before rooms had a version (read as 0) takes a role change too")
  void roleChangeOfUnversionedRoom() {
    String alice = user("alice");
    String bob = user("bob");
    Await.result(db.mongo.insert("rooms", new io.vertx.core.json.JsonObject().put("_id", "r_old").put("type", Room.GROUP)
        .put("name", "Old").put("createdAt", 1L).put("memberIds", new io.vertx.core.json.JsonArray().add(alice).add(bob))
        .put("members", new io.vertx.core.json.JsonArray()
            .add(new io.vertx.core.json.JsonObject().put("userId", alice).put("role", Room.OWNER))
            .add(new io.vertx.core.json.JsonObject().put("userId", bob).put("role", Room.MEMBER)))));
    assertThat(Await.result(roomStore.get("r_old")).version()).isZero();
    RoomView view = Await.result(moderation.changeRole(new ChangeRole(alice, "r_old", bob, Room.MODERATOR)));
    assertThat(view.room().member(bob)).contains(new Room.Member(bob, Room.MODERATOR));
    assertThat(view.room().version()).isEqualTo(1);
  }
}

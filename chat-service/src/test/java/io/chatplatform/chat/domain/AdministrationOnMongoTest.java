package io.chatplatform.chat.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.chat.store.MongoRoomStore;
import io.chatplatform.chat.store.MongoUserStore;
import io.chatplatform.contracts.chat.ChatApi.AdminUserList;
import io.chatplatform.contracts.chat.ChatApi.AuditQuery;
import io.chatplatform.contracts.chat.ChatApi.CreateRoom;
import io.chatplatform.contracts.chat.ChatApi.DeleteRoom;
import io.chatplatform.contracts.chat.ChatApi.SetAdmin;
import io.chatplatform.testsupport.Await;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link Administration} over the MongoDB stores: a room delete that fails half-way, and its retry; the user list and roles as stored. */
@DisplayName("Administration over MongoDB")
class AdministrationOnMongoTest {
  final ChatOnMongo chat = new ChatOnMongo(Set.of("root"));
  final MongoClient mongo = chat.mongo;
  final MongoUserStore users = chat.users;
  final MongoRoomStore roomStore = chat.roomStore;
  final Rooms rooms = chat.rooms;
  final Administration admin =
      new Administration(chat.accounts, users, roomStore, chat.memory.events, chat.audit, AdministrationTest.LIMITS, chat.memory.now::get);
  final String root = chat.user("root");
  final String bob = chat.user("bob");
  final String carol = chat.user("carol");

  @AfterEach
  void close() {
    chat.close();
  }

  @Test
  @DisplayName("a room delete that fails half-way leaves the room, and the retry finishes it; both attempts are in the audit log")
  void deleteFailsHalfWayThenRetried() {
    String roomId = Await.result(rooms.create(new CreateRoom(bob, "Doomed", List.of(carol)))).room().roomId();
    // carol's list of rooms is no list: unlisting the room from the members' lists fails for real.
    Await.result(mongo.save("memberships", new JsonObject().put("_id", carol).put("roomIds", "not a list")));
    assertThatThrownBy(() -> Await.result(admin.deleteRoomAsAdmin(new DeleteRoom(root, roomId, "abuse"))));
    assertThat(Await.result(roomStore.get(roomId))).isNotNull();

    Await.result(mongo.save("memberships", new JsonObject().put("_id", carol).put("roomIds", List.of(roomId))));
    Await.result(admin.deleteRoomAsAdmin(new DeleteRoom(root, roomId, "abuse")));
    assertThat(Await.result(roomStore.get(roomId))).isNull();
    assertThat(Await.result(roomStore.idsOfMember(bob))).isEmpty();
    assertThat(Await.result(roomStore.idsOfMember(carol))).isEmpty();
    assertThat(Await.result(mongo.findOne("rooms", new JsonObject().put("_id", roomId), null))).isNull();
    assertThat(Await.result(admin.audit(new AuditQuery(root, null, null, roomId, null, null, null, null, null))).entries())
        .hasSize(2).allSatisfy(e -> assertThat(e.action()).isEqualTo(AuditEntry.ROOM_DELETE));
  }

  @Test
  @DisplayName("the user list pages every account by username (no query), and a grant and a revoke change the stored roles")
  void usersAndRoles() {
    Administration.UserPage first = Await.result(admin.users(new AdminUserList(root, null, null, null)));
    assertThat(first.users()).extracting(User::username).containsExactly("bob", "carol");
    Administration.UserPage second = Await.result(admin.users(new AdminUserList(root, "", first.next(), null)));
    assertThat(second.users()).extracting(User::username).containsExactly("root");
    assertThat(second.next()).isNull();

    Await.result(admin.setAdmin(new SetAdmin(root, carol, true, null)));
    assertThat(Await.result(users.byId(carol)).roles()).containsExactly(User.ROLE_USER, User.ROLE_ADMIN);
    Await.result(admin.setAdmin(new SetAdmin(carol, root, false, null)));
    assertThat(Await.result(users.byId(root)).roles()).containsExactly(User.ROLE_USER);
  }
}

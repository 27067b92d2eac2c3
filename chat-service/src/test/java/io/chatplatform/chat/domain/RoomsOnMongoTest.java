package io.chatplatform.chat.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.chat.store.MongoRoomStore;
import io.chatplatform.chat.store.MongoUserStore;
import io.chatplatform.chat.store.RoomCache;
import io.chatplatform.contracts.chat.ChatApi.CreateRoom;
import io.chatplatform.contracts.chat.ChatApi.MemberChange;
import io.chatplatform.contracts.chat.ChatApi.OpenDirect;
import io.chatplatform.contracts.chat.ChatApi.Register;
import io.chatplatform.testsupport.Await;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Rooms over the MongoDB stores, where a membership is two writes (the room, then the user's
 * index of rooms): a failure between them must leave nothing a retry cannot repair.
 */
@DisplayName("Rooms over MongoDB")
class RoomsOnMongoTest {
  final OnEmbeddedMongo db = new OnEmbeddedMongo();
  final MongoClient mongo = db.mongo;
  final MongoUserStore users = new MongoUserStore(mongo);
  final MongoRoomStore roomStore = new MongoRoomStore(mongo, new RoomCache(db.vertx.eventBus(), 100, 60_000, System::currentTimeMillis));
  final ChatDomain memory = new ChatDomain();
  final Accounts accounts =
      new Accounts(users, new PasswordHasher(ChatDomain.HASH_ITERATIONS), memory.inline, memory.events, memory.refreshTokens,
          Set.of(), 5, memory.now::get);
  final Rooms rooms = new Rooms(roomStore, users, accounts, memory.history, memory.events, ChatDomain.LIMITS, memory.now::get);

  @AfterEach
  void close() {
    db.close();
  }

  String user(String name) {
    return Await.result(accounts.register(new Register(name, "password-" + name, null))).userId();
  }

  /** Makes the next index write for {@code userId} fail for real: $addToSet on a field that is no array. */
  void breakIndexOf(String userId) {
    Await.result(mongo.save("memberships", new JsonObject().put("_id", userId).put("roomIds", "not a list")));
  }

  void repairIndexOf(String userId) {
    Await.result(mongo.save("memberships", new JsonObject().put("_id", userId).put("roomIds", List.of())));
  }

  @Test
  @DisplayName("accounts stored before the lookalike keys and search terms existed get them when the store starts")
  void olderAccountsGetTheirDerivedFields() {
    for (String[] older : new String[][] {{"u_older1", "jdoe", "Jane Doe"}, {"u_older2", "bob", "Bob"}}) {
      Await.result(mongo.save("users", new JsonObject().put("_id", older[0]).put("username", older[1]).put("displayName", older[2])
          .put("passwordHash", "x").put("roles", List.of("user")).put("disabled", false).put("createdAt", 0L)));
    }
    Await.result(users.createIndexes());
    assertThat(Await.result(accounts.search("jane")).stream().map(User::username)).containsExactly("jdoe");
    assertThat(Await.result(users.looksTaken(UnicodeText.lookalikeKey("BOB")))).isTrue();
  }

  @Test
  @DisplayName("over MongoDB, a user in ROOMS_PER_USER_MAX rooms cannot create or be added to another; others can")
  void roomsPerUserOnMongo() {
    String alice = user("alice");
    String bob = user("bob");
    for (int i = 0; i < ChatDomain.LIMITS.maxRoomsPerUser(); i++) {
      Await.result(rooms.create(new CreateRoom(alice, "Room " + i, List.of())));
    }
    assertThat(Await.failure(rooms.create(new CreateRoom(alice, "One more", List.of()))).getMessage()).contains("the most allowed");
    assertThat(Await.failure(rooms.create(new CreateRoom(bob, "With alice", List.of(alice)))).getMessage())
        .isEqualTo("a member is in " + ChatDomain.LIMITS.maxRoomsPerUser() + " rooms, the most allowed");
    Await.result(rooms.create(new CreateRoom(bob, "Bob's", List.of())));
  }

  @Test
  @DisplayName("user search over MongoDB: every word a prefix of the username or a display-name word, any case, by username")
  void searchOnMongo() {
    Await.result(accounts.register(new Register("jdoe", "password-jdoe", "Jane Doe")));
    Await.result(accounts.register(new Register("janet", "password-janet", "Janet (Ops)")));
    Await.result(accounts.register(new Register("bob", "password-bob", "Bob")));
    assertThat(Await.result(accounts.search("JAN")).stream().map(User::username)).containsExactly("janet", "jdoe");
    assertThat(Await.result(accounts.search("jane do")).stream().map(User::username)).containsExactly("jdoe");
    assertThat(Await.result(accounts.search("(ops")).stream().map(User::username)).as("regex characters are text").containsExactly("janet");
    assertThat(Await.result(accounts.search(".*"))).isEmpty();
  }

  @Test
  @DisplayName("concurrent adds never push a room past ROOM_MAX_MEMBERS: the cap is in the write's filter")
  void concurrentAddsKeepTheCap() {
    String alice = user("alice");
    String roomId = Await.result(rooms.create(new CreateRoom(alice, "Team", List.of()))).room().roomId();
    int cap = ChatDomain.LIMITS.maxRoomMembers();
    List<String> joiners = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      joiners.add(user("joiner" + i));
    }
    // Twelve writes sent at once, as twelve requests that each checked the room while it had one
    // member would send them: only the cap in the write itself can stop the ninth.
    List<io.vertx.core.Future<Boolean>> adds = joiners.stream().map(id -> roomStore.addMember(roomId, id, Room.MEMBER, cap)).toList();
    Await.result(io.vertx.core.Future.join(adds).otherwiseEmpty());
    assertThat(Await.result(mongo.findOne("rooms", new JsonObject().put("_id", roomId), null)).getJsonArray("members")).hasSize(cap);
    assertThat(adds.stream().filter(io.vertx.core.Future::succeeded).count()).isEqualTo(cap - 1);
    assertThat(adds.stream().filter(io.vertx.core.Future::failed).map(f -> f.cause().getMessage()).distinct())
        .containsExactly("a room has at most " + cap + " members");
    // Through the domain as well, once full: refused before any write.
    String late = user("late");
    Await.failure(rooms.addMember(new MemberChange(alice, roomId, late)));
    assertThat(Await.result(rooms.roomIdsOf(late))).isEmpty();
  }

  @Test
  @DisplayName("a member added to the room whose index write failed is indexed by the retry")
  void addRetryRepairsIndex() {
    String alice = user("alice");
    String bob = user("bob");
    String roomId = Await.result(rooms.create(new CreateRoom(alice, "Team", List.of()))).room().roomId();

    breakIndexOf(bob);
    Await.failure(rooms.addMember(new MemberChange(alice, roomId, bob)));
    repairIndexOf(bob);

    Await.result(rooms.addMember(new MemberChange(alice, roomId, bob)));
    assertThat(Await.result(rooms.roomIdsOf(bob))).containsExactly(roomId);
  }

  @Test
  @DisplayName("a direct room whose index write failed is indexed when either user opens it again")
  void directRetryRepairsIndex() {
    String alice = user("alice");
    String bob = user("bob");

    breakIndexOf(bob);
    // The room is stored, its index write for bob fails: answered or not, bob's list lacks it.
    Await.result(rooms.direct(new OpenDirect(alice, bob)).otherwiseEmpty());
    repairIndexOf(bob);

    String roomId = Await.result(rooms.direct(new OpenDirect(alice, bob))).room().roomId();
    assertThat(Await.result(rooms.roomIdsOf(bob))).containsExactly(roomId);
    assertThat(Await.result(rooms.roomIdsOf(alice))).containsExactly(roomId);
  }
}

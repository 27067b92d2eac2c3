package io.chatplatform.chat.domain;

import static io.chatplatform.chat.domain.ChatDomain.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.CreateRoom;
import io.chatplatform.contracts.chat.ChatApi.MemberChange;
import io.chatplatform.contracts.chat.ChatApi.OpenDirect;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Rooms")
class RoomsTest {
  final ChatDomain chat = new ChatDomain();
  final String alice = chat.user("alice");
  final String bob = chat.user("bob");
  final String carol = chat.user("carol");

  static void assertCode(Runnable call, ErrorCode code) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  @Test
  @DisplayName("create a group with the caller as owner, tell every member, and name members in the view")
  void create() {
    RoomView view = result(chat.rooms.create(new CreateRoom(alice, "  Team ", List.of(bob, alice))));
    assertThat(view.room().name()).isEqualTo("Team");
    assertThat(view.room().members()).containsExactly(new Room.Member(alice, Room.OWNER), new Room.Member(bob, Room.MEMBER));
    assertThat(view.people().get(bob).username()).isEqualTo("bob");
    assertThat(chat.events.rooms).singleElement().satisfies(e -> {
      assertThat(e.event()).isEqualTo(Room.JOINED);
      assertThat(e.userIds()).containsExactly(alice, bob);
    });
  }

  @Test
  @DisplayName("refuse unknown members, too many members and a bad name, storing nothing")
  void createRefusals() {
    assertCode(() -> result(chat.rooms.create(new CreateRoom(alice, "Team", List.of("u_nobody")))), ErrorCode.BAD_REQUEST);
    assertCode(() -> result(chat.rooms.create(new CreateRoom(alice, "Team", List.of("a", "b", "c", "d")))), ErrorCode.BAD_REQUEST);
    assertCode(() -> result(chat.rooms.create(new CreateRoom(alice, "x".repeat(21), List.of()))), ErrorCode.BAD_REQUEST);
    assertThat(chat.roomStore.rooms).isEmpty();
  }

  @Test
  @DisplayName("list rooms in pages of at most ROOM_LIST_PAGE_MAX, each room once, however many a user is in")
  void listPages() {
    java.util.Set<String> created = new java.util.HashSet<>();
    for (int i = 0; i < 5; i++) {
      created.add(result(chat.rooms.create(new CreateRoom(alice, "Room " + i, List.of()))).room().roomId());
    }
    java.util.List<String> seen = new java.util.ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      Rooms.RoomPage page = result(chat.rooms.list(alice, null, after));
      assertThat(page.rooms()).as("pages of ROOM_LIST_PAGE_MAX").hasSizeLessThanOrEqualTo(ChatDomain.LIMITS.roomListPageMax());
      page.rooms().forEach(v -> seen.add(v.room().roomId()));
      after = page.next();
      pages++;
    } while (after != null);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(created);
    assertThat(pages).isEqualTo(3);
    assertThat(result(chat.rooms.list(bob, null, null)).rooms()).isEmpty();
    assertThat(result(chat.rooms.list(alice, 1L, null)).rooms()).hasSize(1);
    assertCode(() -> result(chat.rooms.list(alice, 0L, null)), ErrorCode.BAD_REQUEST);
    assertCode(() -> result(chat.rooms.list(alice, ChatDomain.LIMITS.roomListPageMax() + 1L, null)), ErrorCode.BAD_REQUEST);
  }

  @Test
  @DisplayName("a user in ROOMS_PER_USER_MAX rooms cannot create, join or be added to another")
  void roomsPerUser() {
    for (int i = 0; i < ChatDomain.LIMITS.maxRoomsPerUser(); i++) {
      result(chat.rooms.create(new CreateRoom(alice, "Room " + i, List.of())));
    }
    assertCode(() -> result(chat.rooms.create(new CreateRoom(alice, "One more", List.of()))), ErrorCode.CONFLICT);
    assertCode(() -> result(chat.rooms.direct(new OpenDirect(alice, bob))), ErrorCode.CONFLICT);
    assertCode(() -> result(chat.rooms.direct(new OpenDirect(bob, alice))), ErrorCode.CONFLICT);
    assertCode(() -> result(chat.rooms.create(new CreateRoom(bob, "With alice", List.of(alice)))), ErrorCode.CONFLICT);
    String bobs = result(chat.rooms.create(new CreateRoom(bob, "Bob's", List.of()))).room().roomId();
    assertCode(() -> result(chat.rooms.addMember(new MemberChange(bob, bobs, alice))), ErrorCode.CONFLICT);
    assertThat(result(chat.rooms.roomIdsOf(alice))).hasSize(ChatDomain.LIMITS.maxRoomsPerUser());
  }

  @Test
  @DisplayName("owners and moderators rename a group: the version rises and every member hears updated; others may not")
  void rename() {
    RoomView created = result(chat.rooms.create(new CreateRoom(alice, "Team", List.of(bob))));
    String roomId = created.room().roomId();
    chat.events.rooms.clear();
    RoomView renamed = result(chat.rooms.rename(new io.chatplatform.contracts.chat.ChatApi.RenameRoom(alice, roomId, "  Garden ")));
    assertThat(renamed.room().name()).isEqualTo("Garden");
    assertThat(renamed.room().version()).isEqualTo(created.room().version() + 1);
    assertThat(chat.events.rooms).singleElement().satisfies(e -> {
      assertThat(e.event()).isEqualTo(Room.UPDATED);
      assertThat(e.userIds()).containsExactlyInAnyOrder(alice, bob);
    });
    assertCode(() -> result(chat.rooms.rename(new io.chatplatform.contracts.chat.ChatApi.RenameRoom(bob, roomId, "Mine"))), ErrorCode.FORBIDDEN);
    assertCode(() -> result(chat.rooms.rename(new io.chatplatform.contracts.chat.ChatApi.RenameRoom(carol, roomId, "Mine"))), ErrorCode.NOT_FOUND);
    assertCode(() -> result(chat.rooms.rename(new io.chatplatform.contracts.chat.ChatApi.RenameRoom(alice, roomId, "\u202E"))), ErrorCode.BAD_REQUEST);
    String direct = result(chat.rooms.direct(new OpenDirect(alice, carol))).room().roomId();
    assertCode(() -> result(chat.rooms.rename(new io.chatplatform.contracts.chat.ChatApi.RenameRoom(alice, direct, "Us"))), ErrorCode.BAD_REQUEST);
    assertThat(result(chat.rooms.get(alice, roomId)).room().name()).isEqualTo("Garden");
  }

  @Test
  @DisplayName("open one direct room per pair, whoever opens it, announced once")
  void direct() {
    RoomView first = result(chat.rooms.direct(new OpenDirect(alice, bob)));
    RoomView second = result(chat.rooms.direct(new OpenDirect(bob, alice)));
    assertThat(second.room().roomId()).isEqualTo(first.room().roomId());
    assertThat(chat.events.rooms).hasSize(1);
    assertCode(() -> result(chat.rooms.direct(new OpenDirect(alice, alice))), ErrorCode.BAD_REQUEST);
    assertCode(() -> result(chat.rooms.direct(new OpenDirect(alice, "u_nobody"))), ErrorCode.NOT_FOUND);
    assertCode(() -> result(chat.rooms.addMember(new MemberChange(alice, first.room().roomId(), carol))), ErrorCode.BAD_REQUEST);
  }

  @Test
  @DisplayName("answer a room the caller is not in exactly like a missing one")
  void membersOnly() {
    String roomId = result(chat.rooms.create(new CreateRoom(alice, "Team", List.of(bob)))).room().roomId();
    assertCode(() -> result(chat.rooms.get(carol, roomId)), ErrorCode.NOT_FOUND);
    assertCode(() -> result(chat.rooms.get(carol, "r_missing")), ErrorCode.NOT_FOUND);
    assertThat(result(chat.rooms.get(bob, roomId)).room().roomId()).isEqualTo(roomId);
  }

  @Test
  @DisplayName("let owners add members, not plain members, and tell the joined and those who stayed")
  void add() {
    String roomId = result(chat.rooms.create(new CreateRoom(alice, "Team", List.of(bob)))).room().roomId();
    chat.events.rooms.clear();
    assertCode(() -> result(chat.rooms.addMember(new MemberChange(bob, roomId, carol))), ErrorCode.FORBIDDEN);
    result(chat.rooms.addMember(new MemberChange(alice, roomId, carol)));
    assertThat(chat.events.rooms).extracting(RecordedEvents.RoomEvent::event, RecordedEvents.RoomEvent::userIds)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Room.JOINED, List.of(carol)),
            org.assertj.core.groups.Tuple.tuple(Room.UPDATED, List.of(alice, bob)));
    result(chat.rooms.addMember(new MemberChange(alice, roomId, carol)));
    assertThat(chat.events.rooms).as("adding a member twice changes nothing").hasSize(2);
  }

  @Test
  @DisplayName("hand ownership to the earliest member when the last owner leaves")
  void leave() {
    String roomId = result(chat.rooms.create(new CreateRoom(alice, "Team", List.of(bob, carol)))).room().roomId();
    assertCode(() -> result(chat.rooms.removeMember(new MemberChange(bob, roomId, alice))), ErrorCode.FORBIDDEN);
    result(chat.rooms.removeMember(new MemberChange(alice, roomId, alice)));
    Room room = chat.roomStore.rooms.get(roomId);
    assertThat(room.hasMember(alice)).isFalse();
    assertThat(room.member(bob).orElseThrow().role()).isEqualTo(Room.OWNER);
    assertThat(chat.events.rooms.get(chat.events.rooms.size() - 2).userIds()).containsExactly(alice);
    assertThat(result(chat.rooms.contacts(bob))).containsExactly(carol);
  }

  @Test
  @DisplayName("removes a member and tells them even while history-service does not answer")
  void removalDoesNotWaitForHistory() {
    String roomId = result(chat.rooms.create(new CreateRoom(alice, "Team", List.of(bob, carol)))).room().roomId();
    chat.events.rooms.clear();
    chat.history.down = true;

    result(chat.rooms.removeMember(new MemberChange(alice, roomId, bob)));
    assertThat(chat.roomStore.rooms.get(roomId).hasMember(bob)).isFalse();
    assertThat(chat.events.rooms).extracting(RecordedEvents.RoomEvent::event, RecordedEvents.RoomEvent::userIds)
        .contains(org.assertj.core.groups.Tuple.tuple(Room.LEFT, List.of(bob)));
  }

  @Test
  @DisplayName("numbers every membership change, so events from two chat instances can be put back in order")
  void membershipVersions() {
    String roomId = result(chat.rooms.create(new CreateRoom(alice, "Team", List.of()))).room().roomId();
    result(chat.rooms.addMember(new MemberChange(alice, roomId, bob)));
    result(chat.rooms.removeMember(new MemberChange(alice, roomId, bob)));
    result(chat.rooms.addMember(new MemberChange(alice, roomId, bob)));
    assertThat(chat.events.rooms).filteredOn(e -> e.userIds().contains(bob))
        .extracting(e -> e.event() + "@" + e.room().room().version())
        .containsExactly("joined@2", "left@3", "joined@4");
  }

  @Test
  @DisplayName("removes a member and tells them at once while history-service hangs, without waiting for its timeout")
  void removalDoesNotWaitForAHangingHistory() {
    String roomId = result(chat.rooms.create(new CreateRoom(alice, "Team", List.of(bob, carol)))).room().roomId();
    chat.events.rooms.clear();
    chat.history.hanging = true;

    io.vertx.core.Future<Void> removal = chat.rooms.removeMember(new MemberChange(alice, roomId, bob));
    assertThat(removal.succeeded()).as("answered without history").isTrue();
    assertThat(chat.events.rooms).extracting(RecordedEvents.RoomEvent::event, RecordedEvents.RoomEvent::userIds)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Room.LEFT, List.of(bob)));
  }

  @Test
  @DisplayName("push info: the room's members and the sender's profile only, never every member's (a push decision reads it per batch)")
  void pushInfoReadsTheSendersProfileOnly() {
    String roomId = result(chat.rooms.create(new CreateRoom(alice, "Team", List.of(bob, carol)))).room().roomId();
    chat.users.profilesRead.set(0);
    RoomView info = result(chat.rooms.pushInfo(roomId, List.of(bob)));
    assertThat(info.room().memberIds()).containsExactly(alice, bob, carol);
    assertThat(info.people().keySet()).containsExactly(bob);
    assertThat(info.people().get(bob).username()).isEqualTo("bob");
    assertThat(chat.users.profilesRead).as("profiles read for one push decision").hasValue(1);

    String dave = chat.user("dave");
    chat.users.profilesRead.set(0);
    assertThat(result(chat.rooms.pushInfo(roomId, List.of(dave))).people()).as("not a member: not named").isEmpty();
    assertThat(chat.users.profilesRead).hasValue(0);
    assertCode(() -> result(chat.rooms.pushInfo("r_gone", List.of(bob))), ErrorCode.NOT_FOUND);
  }
}

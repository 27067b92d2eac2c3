package io.chatplatform.chat.domain;

import static io.chatplatform.chat.domain.ChatDomain.code;
import static io.chatplatform.chat.domain.ChatDomain.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.chat.ChatApi.CreateRoom;
import io.chatplatform.contracts.chat.ChatApi.Delete;
import io.chatplatform.contracts.chat.ChatApi.Edit;
import io.chatplatform.contracts.chat.ChatApi.OpenDirect;
import io.chatplatform.contracts.chat.ChatApi.Send;
import io.chatplatform.contracts.chat.ChatApi.SyncRequest;
import io.chatplatform.contracts.history.Message;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Who may edit and delete messages ({@link MessageRules}), through {@link Messaging} over in-memory stores. */
@DisplayName("Editing and deleting messages")
class MessageChangesTest {
  final ChatDomain chat = new ChatDomain();
  final String alice = chat.user("alice");
  final String bob = chat.user("bob");
  final String carol = chat.user("carol");
  final String root = chat.user("root");
  final String roomId = result(chat.rooms.create(new CreateRoom(alice, "Team", List.of(bob, carol, root)))).room().roomId();

  Message sent(String sender, String text) {
    return result(chat.messaging.send(new Send(sender, roomId, "c" + System.nanoTime(), text, List.of(), null))).message();
  }

  @Test
  @DisplayName("the sender edits: same seq, new text, editedAt, mentions of the new text, one message.updated; the same text again changes nothing")
  void editOwn() {
    Message original = sent(bob, "helo");
    Message edited = result(chat.messaging.edit(new Edit(bob, roomId, original.seq(), "hello @carol")));
    assertThat(edited.seq()).isEqualTo(original.seq());
    assertThat(edited.text()).isEqualTo("hello @carol");
    assertThat(edited.editedAt()).isEqualTo(chat.now.get());
    assertThat(edited.mentions()).containsExactly(carol);
    assertThat(chat.events.updates).containsExactly(edited);

    Message again = result(chat.messaging.edit(new Edit(bob, roomId, original.seq(), "hello @carol")));
    assertThat(again).isEqualTo(edited);
    assertThat(chat.events.updates).hasSize(1);
  }

  @Test
  @DisplayName("nobody edits another's message, not even the owner or an admin; the text rules of a send apply")
  void editRules() {
    Message bobs = sent(bob, "mine");
    assertThat(code(() -> result(chat.messaging.edit(new Edit(alice, roomId, bobs.seq(), "owner's"))))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(code(() -> result(chat.messaging.edit(new Edit(root, roomId, bobs.seq(), "admin's"))))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThatThrownBy(() -> result(chat.messaging.edit(new Edit(bob, roomId, bobs.seq(), "x".repeat(41)))))
        .hasMessageContaining("text must be at most 40 characters");
    assertThatThrownBy(() -> result(chat.messaging.edit(new Edit(bob, roomId, bobs.seq(), "\uD800"))))
        .hasMessageContaining("valid Unicode");
    assertThatThrownBy(() -> result(chat.messaging.edit(new Edit(bob, roomId, bobs.seq(), " \u200B"))))
        .hasMessageContaining("a message needs text or attachments");
    assertThat(code(() -> result(chat.messaging.edit(new Edit(bob, roomId, 99L, "where"))))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(chat.events.updates).isEmpty();
  }

  @Test
  @DisplayName("an edit after the window is refused; 0 means no window")
  void editWindow() {
    Message message = new Message(roomId, 1, "m1", bob, "c1", "hi", List.of(), null, List.of(), 1_000_000, null, false);
    MessageRules.mayEdit(message, bob, 1_000_000 + 60_000, 60);
    assertThat(code(() -> MessageRules.mayEdit(message, bob, 1_000_000 + 60_001, 60))).isEqualTo(ErrorCode.FORBIDDEN);
    MessageRules.mayEdit(message, bob, 1_000_000 + 365L * 24 * 3600 * 1000, 0);
  }

  @Test
  @DisplayName("the sender deletes: a tombstone without text, one message.updated; deleting again succeeds without an event; editing it is gone")
  void deleteOwn() {
    Message original = sent(bob, "oops");
    Message tombstone = result(chat.messaging.delete(new Delete(bob, roomId, original.seq())));
    assertThat(tombstone.deleted()).isTrue();
    assertThat(tombstone.deletedAt()).isEqualTo(chat.now.get());
    assertThat(tombstone.text()).isEmpty();
    assertThat(chat.events.updates).containsExactly(tombstone);

    assertThat(result(chat.messaging.delete(new Delete(bob, roomId, original.seq())))).isEqualTo(tombstone);
    assertThat(chat.events.updates).hasSize(1);
    assertThat(code(() -> result(chat.messaging.edit(new Edit(bob, roomId, original.seq(), "back"))))).isEqualTo(ErrorCode.GONE);
  }

  @Test
  @DisplayName("owners, moderators (not an owner's) and admins delete others' messages; a plain member may not; a non-member hears not_found")
  void deleteOthers() {
    Message carols = sent(carol, "spam");
    assertThat(code(() -> result(chat.messaging.delete(new Delete(bob, roomId, carols.seq()))))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(result(chat.messaging.delete(new Delete(alice, roomId, carols.seq()))).deleted()).isTrue();

    Message alices = sent(alice, "the owner's");
    result(chat.roomStore.setRole(roomId, bob, Room.MODERATOR));
    // RoomPermissions: a moderator never acts on an owner, the owner's messages included.
    assertThat(code(() -> result(chat.messaging.delete(new Delete(bob, roomId, alices.seq()))))).isEqualTo(ErrorCode.FORBIDDEN);
    Message moreSpam = sent(carol, "more spam");
    assertThat(result(chat.messaging.delete(new Delete(bob, roomId, moreSpam.seq()))).deleted()).isTrue();

    Message bobs = sent(bob, "the moderator's");
    assertThat(result(chat.messaging.delete(new Delete(root, roomId, bobs.seq()))).deleted()).isTrue();

    String dave = chat.user("dave");
    Message another = sent(alice, "private");
    assertThat(code(() -> result(chat.messaging.delete(new Delete(dave, roomId, another.seq()))))).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  @DisplayName("in a direct room only the sender, or an admin member, deletes a message")
  void deleteInDirectRoom() {
    String dm = result(chat.rooms.direct(new OpenDirect(alice, bob))).room().roomId();
    Message bobs = result(chat.messaging.send(new Send(bob, dm, "d1", "hi", List.of(), null))).message();
    assertThat(code(() -> result(chat.messaging.delete(new Delete(alice, dm, bobs.seq()))))).isEqualTo(ErrorCode.FORBIDDEN);
    Room direct = new Room(dm, Room.DIRECT, "", List.of(new Room.Member(alice, Room.MEMBER), new Room.Member(bob, Room.MEMBER)), 0);
    assertThat(direct.canDeleteMessageOf(alice, true, bob)).isTrue();
    assertThat(direct.canDeleteMessageOf(alice, false, bob)).isFalse();
  }

  @Test
  @DisplayName("chat.sync passes on changes only for rooms the caller is in and also names in rooms")
  void syncChangesOfOwnRooms() {
    String elsewhere = result(chat.rooms.create(new CreateRoom(carol, "Elsewhere", List.of()))).room().roomId();
    String otherOfBob = result(chat.rooms.create(new CreateRoom(bob, "Bob's", List.of()))).room().roomId();
    Map<String, Long> rooms = new LinkedHashMap<>();
    rooms.put(roomId, 0L);
    rooms.put(elsewhere, 0L);
    Map<String, Long> changes = new LinkedHashMap<>();
    changes.put(roomId, 3L);
    changes.put(elsewhere, 0L);
    changes.put(otherOfBob, 0L);
    result(chat.messaging.sync(new SyncRequest(bob, rooms, changes)));
    assertThat(chat.history.lastSync.rooms()).containsOnlyKeys(roomId);
    assertThat(chat.history.lastSync.changes()).containsExactly(Map.entry(roomId, 3L));
  }
}

package io.chatplatform.chat.domain;

import static io.chatplatform.chat.domain.ChatDomain.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.AdminUserList;
import io.chatplatform.contracts.chat.ChatApi.AuditQuery;
import io.chatplatform.contracts.chat.ChatApi.CreateRoom;
import io.chatplatform.contracts.chat.ChatApi.Delete;
import io.chatplatform.contracts.chat.ChatApi.DeleteRoom;
import io.chatplatform.contracts.chat.ChatApi.OpenDirect;
import io.chatplatform.contracts.chat.ChatApi.Send;
import io.chatplatform.contracts.chat.ChatApi.SetAdmin;
import io.chatplatform.contracts.chat.ChatApi.SetDisabled;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The admin acts and their audit entries ({@link Administration}, {@link Messaging#delete}), over in-memory stores. */
@DisplayName("Administration and its audit entries")
class AdministrationTest {
  /** Pages of two, a 20-character reason: small enough to see both bounds. */
  static final AdminLimits LIMITS = new AdminLimits(2, 2, 1_000_000, 20);

  final ChatDomain chat = new ChatDomain();
  final Administration admin =
      new Administration(chat.accounts, chat.users, chat.roomStore, chat.events, chat.audit, LIMITS, chat.now::get);
  final String root = chat.user("root");
  final String bob = chat.user("bob");
  final String carol = chat.user("carol");

  static ErrorCode code(Future<?> future) {
    try {
      result(future);
    } catch (ServiceException e) {
      return e.code();
    }
    throw new AssertionError("expected a refusal");
  }

  AuditQuery query(String actor, String target, String roomId, String action, String before, Long limit) {
    return new AuditQuery(root, actor, target, roomId, action, null, null, before, limit);
  }

  String groupRoom() {
    return result(chat.rooms.create(new CreateRoom(bob, "Doomed", List.of(carol)))).room().roomId();
  }

  @Test
  @DisplayName("a non-admin is forbidden everywhere, and nothing changes or is recorded")
  void nonAdminsAreForbidden() {
    String roomId = groupRoom();
    assertThat(code(admin.users(new AdminUserList(bob, null, null, null)))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(code(admin.setAdmin(new SetAdmin(bob, bob, true, null)))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(code(admin.setDisabled(new SetDisabled(bob, carol, true, null)))).isEqualTo(ErrorCode.FORBIDDEN);
    // The admin console's delete, even by the room's owner.
    assertThat(code(admin.deleteRoomAsAdmin(new DeleteRoom(bob, roomId, null)))).isEqualTo(ErrorCode.FORBIDDEN);
    // carol is a plain member of bob's room: the table (docs/roles.md) gives room deletion to owners and admins.
    assertThat(code(admin.deleteRoom(new DeleteRoom(carol, roomId, null)))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(code(admin.audit(new AuditQuery(bob, null, null, null, null, null, null, null, null)))).isEqualTo(ErrorCode.FORBIDDEN);
    // Even a malformed request: the refusal comes before anything about it is looked at.
    assertThat(code(admin.users(new AdminUserList(bob, null, null, 0L)))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(result(chat.users.byId(bob)).isAdmin()).isFalse();
    assertThat(result(chat.users.byId(carol)).disabled()).isFalse();
    assertThat(chat.roomStore.rooms).containsKey(roomId);
    assertThat(chat.audit.entries).isEmpty();
  }

  @Test
  @DisplayName("grant and revoke: recorded with actor, target, reason and time; a no-op records nothing; no revoking oneself; unknown users are not_found")
  void grantAndRevoke() {
    chat.now.set(5_000_000);
    result(admin.setAdmin(new SetAdmin(root, bob, true, "  on call  ")));
    assertThat(result(chat.accounts.isAdmin(bob))).isTrue();
    result(admin.setAdmin(new SetAdmin(root, bob, true, "again")));
    assertThat(chat.audit.entries).hasSize(1);
    AuditEntry grant = chat.audit.entries.get(0);
    assertThat(grant.actorId()).isEqualTo(root);
    assertThat(grant.action()).isEqualTo(AuditEntry.ADMIN_GRANT);
    assertThat(grant.targetUserId()).isEqualTo(bob);
    assertThat(grant.reason()).isEqualTo("on call");
    assertThat(grant.at()).isEqualTo(5_000_000);

    assertThat(code(admin.setAdmin(new SetAdmin(bob, bob, false, null)))).isEqualTo(ErrorCode.BAD_REQUEST);
    result(admin.setAdmin(new SetAdmin(bob, root, false, " ")));
    assertThat(result(chat.accounts.isAdmin(root))).isFalse();
    assertThat(chat.audit.of(AuditEntry.ADMIN_REVOKE)).singleElement()
        .satisfies(e -> {
          assertThat(e.actorId()).isEqualTo(bob);
          assertThat(e.targetUserId()).isEqualTo(root);
          assertThat(e.reason()).isNull();
        });
    assertThat(code(admin.setAdmin(new SetAdmin(bob, "u_missing", true, null)))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(code(admin.setAdmin(new SetAdmin(bob, carol, true, "x".repeat(21))))).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(chat.audit.entries).hasSize(2);
  }

  @Test
  @DisplayName("disable and enable are recorded; disabling a disabled account records nothing but is carried out again; not oneself")
  void disableAndEnable() {
    result(admin.setDisabled(new SetDisabled(root, bob, true, "spam")));
    result(admin.setDisabled(new SetDisabled(root, bob, true, "spam")));
    result(admin.setDisabled(new SetDisabled(root, bob, false, null)));
    assertThat(chat.audit.entries).extracting(AuditEntry::action).containsExactly(AuditEntry.USER_DISABLE, AuditEntry.USER_ENABLE);
    assertThat(chat.audit.entries.get(0).reason()).isEqualTo("spam");
    // Carried out every time: a retry finishes an act that failed half-way.
    assertThat(chat.events.disabled).hasSize(3);
    assertThat(code(admin.setDisabled(new SetDisabled(root, root, true, null)))).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(code(admin.setDisabled(new SetDisabled(root, "u_missing", true, null)))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(chat.audit.entries).hasSize(2);
  }

  @Test
  @DisplayName("deleting a room: gone from the store and the members' lists, each member hears left (one version on), recorded; again not_found; a direct room is refused")
  void deleteRoom() {
    String roomId = groupRoom();
    chat.messaging.send(new Send(bob, roomId, "c1", "hello", List.of(), null));
    long version = chat.roomStore.rooms.get(roomId).version();
    chat.events.rooms.clear();

    result(admin.deleteRoomAsAdmin(new DeleteRoom(root, roomId, "abuse")));
    assertThat(chat.roomStore.rooms).doesNotContainKey(roomId);
    assertThat(result(chat.rooms.roomIdsOf(bob))).doesNotContain(roomId);
    assertThat(code(chat.messaging.send(new Send(carol, roomId, "c2", "still there?", List.of(), null)))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(chat.events.rooms).singleElement().satisfies(event -> {
      assertThat(event.event()).isEqualTo(Room.LEFT);
      assertThat(event.userIds()).containsExactlyInAnyOrder(bob, carol);
      assertThat(event.room().room().roomId()).isEqualTo(roomId);
      assertThat(event.room().room().members()).isEmpty();
      assertThat(event.room().room().version()).isEqualTo(version + 1);
    });
    assertThat(chat.audit.entries).singleElement().satisfies(e -> {
      assertThat(e.action()).isEqualTo(AuditEntry.ROOM_DELETE);
      assertThat(e.roomId()).isEqualTo(roomId);
      assertThat(e.targetUserId()).isNull();
      assertThat(e.reason()).isEqualTo("abuse");
      assertThat(e.details()).isEqualTo("Doomed");
    });

    assertThat(code(admin.deleteRoomAsAdmin(new DeleteRoom(root, roomId, null)))).isEqualTo(ErrorCode.NOT_FOUND);
    String direct = result(chat.rooms.direct(new OpenDirect(bob, carol))).room().roomId();
    assertThat(code(admin.deleteRoomAsAdmin(new DeleteRoom(root, direct, null)))).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(chat.audit.entries).hasSize(1);
  }

  @Test
  @DisplayName("a room's owner deletes it (RoomPermissions.ROOM_DELETE), recorded; someone outside the room gets not_found")
  void ownerDeletesTheRoom() {
    String roomId = groupRoom();
    String outsider = chat.user("outsider");
    assertThat(code(admin.deleteRoom(new DeleteRoom(outsider, roomId, null)))).isEqualTo(ErrorCode.NOT_FOUND);
    result(admin.deleteRoom(new DeleteRoom(bob, roomId, "done with it")));
    assertThat(chat.roomStore.rooms).doesNotContainKey(roomId);
    assertThat(chat.audit.entries).singleElement().satisfies(e -> {
      assertThat(e.actorId()).isEqualTo(bob);
      assertThat(e.action()).isEqualTo(AuditEntry.ROOM_DELETE);
    });
  }

  @Test
  @DisplayName("no act without its entry: with the audit log unreachable, grant, disable and room delete fail and change nothing")
  void actsFailClosedWithoutTheLog() {
    String roomId = groupRoom();
    chat.audit.failure = new IllegalStateException("the audit log cannot be reached");
    assertThatThrownBy(() -> result(admin.setAdmin(new SetAdmin(root, bob, true, null)))).hasMessageContaining("audit log");
    assertThatThrownBy(() -> result(admin.setDisabled(new SetDisabled(root, bob, true, null)))).hasMessageContaining("audit log");
    assertThatThrownBy(() -> result(admin.deleteRoomAsAdmin(new DeleteRoom(root, roomId, null)))).hasMessageContaining("audit log");
    assertThat(result(chat.accounts.isAdmin(bob))).isFalse();
    assertThat(result(chat.users.byId(bob)).disabled()).isFalse();
    assertThat(chat.roomStore.rooms).containsKey(roomId);

    chat.audit.failure = null;
    result(admin.deleteRoomAsAdmin(new DeleteRoom(root, roomId, null)));
    assertThat(chat.roomStore.rooms).doesNotContainKey(roomId);
  }

  @Test
  @DisplayName("deleting someone else's message records message.delete with room, seq and the sender; one's own, or a deleted one again, records nothing")
  void othersMessageDeletion() {
    String roomId = groupRoom();
    long carols = result(chat.messaging.send(new Send(carol, roomId, "c1", "rude", List.of(), null))).message().seq();
    long bobs = result(chat.messaging.send(new Send(bob, roomId, "c2", "typo", List.of(), null))).message().seq();
    result(chat.messaging.delete(new Delete(bob, roomId, bobs)));
    assertThat(chat.audit.entries).isEmpty();

    result(chat.messaging.delete(new Delete(bob, roomId, carols)));
    result(chat.messaging.delete(new Delete(bob, roomId, carols)));
    assertThat(chat.audit.entries).singleElement().satisfies(e -> {
      assertThat(e.action()).isEqualTo(AuditEntry.MESSAGE_DELETE);
      assertThat(e.actorId()).isEqualTo(bob);
      assertThat(e.targetUserId()).isEqualTo(carol);
      assertThat(e.roomId()).isEqualTo(roomId);
      assertThat(e.seq()).isEqualTo(carols);
    });

    // A plain member may not, and their refused attempt is not an act.
    long bobsNext = result(chat.messaging.send(new Send(bob, roomId, "c3", "mine", List.of(), null))).message().seq();
    assertThat(code(chat.messaging.delete(new Delete(carol, roomId, bobsNext)))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(chat.audit.entries).hasSize(1);
  }

  @Test
  @DisplayName("the audit log reads newest first, filtered, in pages of at most AUDIT_PAGE_MAX joined by next; limit beyond it is bad_request")
  void auditPages() {
    for (String target : List.of(bob, carol, bob)) {
      chat.now.addAndGet(1_000);
      result(admin.setDisabled(new SetDisabled(root, target, !result(chat.users.byId(target)).disabled(), null)));
    }
    List<AuditEntry> all = new ArrayList<>();
    String before = null;
    do {
      Administration.AuditPage page = result(admin.audit(query(null, null, null, null, before, null)));
      assertThat(page.entries()).hasSizeLessThanOrEqualTo(2);
      all.addAll(page.entries());
      before = page.next();
    } while (before != null);
    assertThat(all).extracting(AuditEntry::targetUserId).containsExactly(bob, carol, bob);
    assertThat(all).extracting(AuditEntry::action).containsExactly(AuditEntry.USER_ENABLE, AuditEntry.USER_DISABLE, AuditEntry.USER_DISABLE);

    assertThat(result(admin.audit(query(null, carol, null, null, null, null))).entries()).singleElement()
        .extracting(AuditEntry::targetUserId).isEqualTo(carol);
    assertThat(result(admin.audit(query(null, bob, null, AuditEntry.USER_ENABLE, null, null))).entries()).hasSize(1);
    assertThat(result(admin.audit(query(bob, null, null, null, null, null))).entries()).isEmpty();
    long newest = all.get(0).at();
    assertThat(result(admin.audit(new AuditQuery(root, null, null, null, null, newest, null, null, null))).entries()).hasSize(1);
    assertThat(result(admin.audit(new AuditQuery(root, null, null, null, null, null, newest, null, null))).entries()).hasSize(2);
    assertThat(code(admin.audit(query(null, null, null, null, null, 3L)))).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(code(admin.audit(query(null, null, null, null, null, 0L)))).isEqualTo(ErrorCode.BAD_REQUEST);
  }

  @Test
  @DisplayName("the user list finds by the search terms (everyone without a query), by username, in pages joined by next, with the flags")
  void listUsers() {
    result(admin.setDisabled(new SetDisabled(root, carol, true, null)));
    List<User> everyone = new ArrayList<>();
    String after = null;
    do {
      Administration.UserPage page = result(admin.users(new AdminUserList(root, null, after, null)));
      assertThat(page.users()).hasSizeLessThanOrEqualTo(2);
      everyone.addAll(page.users());
      after = page.next();
    } while (after != null);
    assertThat(everyone).extracting(User::username).containsExactly("bob", "carol", "root");
    assertThat(everyone.get(1).disabled()).isTrue();
    assertThat(everyone.get(2).isAdmin()).isTrue();
    assertThat(result(admin.users(new AdminUserList(root, "CAR", null, null))).users()).extracting(User::userId).containsExactly(carol);
    assertThat(code(admin.users(new AdminUserList(root, null, null, 3L)))).isEqualTo(ErrorCode.BAD_REQUEST);
  }
}

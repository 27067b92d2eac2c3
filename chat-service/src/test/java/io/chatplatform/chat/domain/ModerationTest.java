package io.chatplatform.chat.domain;

import static io.chatplatform.chat.domain.ChatDomain.code;
import static io.chatplatform.chat.domain.ChatDomain.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.ChangeRole;
import io.chatplatform.contracts.chat.ChatApi.CreateRoom;
import io.chatplatform.contracts.chat.ChatApi.Edit;
import io.chatplatform.contracts.chat.ChatApi.MemberChange;
import io.chatplatform.contracts.chat.ChatApi.Moderate;
import io.chatplatform.contracts.chat.ChatApi.React;
import io.chatplatform.contracts.chat.ChatApi.Send;
import io.chatplatform.contracts.history.Message;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Role changes and moderation ({@link Moderation}, {@link ModerationRules}) over in-memory stores, with a clock the test moves. */
@DisplayName("Roles and moderation")
class ModerationTest {
  static final ModerationLimits LIMITS = new ModerationLimits(20, 3_600);
  final ChatDomain chat = new ChatDomain();
  final MemoryAuditLog audit = new MemoryAuditLog();
  final Moderation moderation =
      new Moderation(chat.rooms, chat.roomStore, chat.users, chat.accounts, audit, chat.events, LIMITS, chat.now::get);
  final String owner = chat.user("alice");
  final String mod = chat.user("bob");
  final String carol = chat.user("carol");
  final String dave = chat.user("dave");
  final String roomId = result(chat.rooms.create(new CreateRoom(owner, "Team", List.of(mod, carol, dave)))).room().roomId();

  ModerationTest() {
    result(moderation.changeRole(new ChangeRole(owner, roomId, mod, Room.MODERATOR)));
    audit.entries.clear();
    chat.events.rooms.clear();
  }

  static String message(Runnable action) {
    try {
      action.run();
    } catch (ServiceException e) {
      return e.getMessage();
    }
    throw new AssertionError("no error");
  }

  Room room() {
    return chat.roomStore.rooms.get(roomId);
  }

  ModerationAct act(String caller, String action, String target, Long durationSec, String reason) {
    return result(moderation.moderate(new Moderate(caller, roomId, action, target, durationSec, reason)));
  }

  Message send(String sender) {
    return result(chat.messaging.send(new Send(sender, roomId, "c" + System.nanoTime(), "hi", List.of(), null))).message();
  }

  @Test
  @DisplayName("an owner changes a role: the version rises, every member hears updated, one ROLE_CHANGE entry; the same role again changes nothing")
  void changeRole() {
    long before = room().version();
    RoomView view = result(moderation.changeRole(new ChangeRole(owner, roomId, carol, Room.MODERATOR)));
    assertThat(view.room().member(carol)).contains(new Room.Member(carol, Room.MODERATOR));
    assertThat(view.room().version()).isEqualTo(before + 1);
    assertThat(chat.events.rooms).singleElement().satisfies(e -> {
      assertThat(e.event()).isEqualTo(Room.UPDATED);
      assertThat(e.userIds()).containsExactlyInAnyOrder(owner, mod, carol, dave);
    });
    assertThat(audit.entries).singleElement().satisfies(e -> {
      assertThat(e.action()).isEqualTo(AuditEntry.ROLE_CHANGE);
      assertThat(e.actorId()).isEqualTo(owner);
      assertThat(e.targetUserId()).isEqualTo(carol);
      assertThat(e.roomId()).isEqualTo(roomId);
      assertThat(e.details()).isEqualTo(Room.MODERATOR);
    });

    result(moderation.changeRole(new ChangeRole(owner, roomId, carol, Room.MODERATOR)));
    assertThat(audit.entries).hasSize(1);
    assertThat(room().version()).isEqualTo(before + 1);
  }

  @Test
  @DisplayName("moderators and members may not change roles; an unknown role is bad_request; a non-member target not_found")
  void roleRefusals() {
    assertThat(code(() -> result(moderation.changeRole(new ChangeRole(mod, roomId, carol, Room.MODERATOR))))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(code(() -> result(moderation.changeRole(new ChangeRole(carol, roomId, carol, Room.OWNER))))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(code(() -> result(moderation.changeRole(new ChangeRole(owner, roomId, carol, "admin"))))).isEqualTo(ErrorCode.BAD_REQUEST);
    String eve = chat.user("eve");
    assertThat(code(() -> result(moderation.changeRole(new ChangeRole(owner, roomId, eve, Room.MEMBER))))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(audit.entries).isEmpty();
  }

  @Test
  @DisplayName("a room keeps an owner: the last one cannot step down until another is made owner")
  void lastOwner() {
    assertThat(code(() -> result(moderation.changeRole(new ChangeRole(owner, roomId, owner, Room.MEMBER))))).isEqualTo(ErrorCode.CONFLICT);
    result(moderation.changeRole(new ChangeRole(owner, roomId, carol, Room.OWNER)));
    result(moderation.changeRole(new ChangeRole(owner, roomId, owner, Room.MEMBER)));
    assertThat(room().members().stream().filter(m -> m.role().equals(Room.OWNER)).map(Room.Member::userId)).containsExactly(carol);
  }

  @Test
  @DisplayName("a role change written against a room that changed meanwhile is conflict, and nothing is written")
  void staleRoleChange() {
    Room stale = room();
    result(chat.roomStore.setRole(roomId, dave, Room.MODERATOR));
    assertThat(result(chat.roomStore.setRoles(roomId, stale.version(), stale.members()))).isFalse();
    assertThat(room().member(dave)).contains(new Room.Member(dave, Room.MODERATOR));
  }

  @Test
  @DisplayName("a muted member may not send, edit or react (forbidden, with the mute's end) until the mute has passed")
  void muteExpires() {
    Message before = send(carol);
    ModerationAct muted = act(mod, ModerationRules.MUTE, carol, 60L, "  spam ");
    long until = chat.now.get() + 60_000;
    assertThat(muted.mutedUntil()).isEqualTo(until);
    assertThat(muted.reason()).isEqualTo("spam");

    assertThat(message(() -> send(carol))).contains("mutedUntil " + until);
    assertThat(code(() -> send(carol))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(code(() -> result(chat.messaging.edit(new Edit(carol, roomId, before.seq(), "x"))))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(code(() -> result(chat.messaging.react(new React(carol, roomId, before.seq(), "👍", true))))).isEqualTo(ErrorCode.FORBIDDEN);
    send(dave);

    chat.now.set(until - 1);
    assertThat(code(() -> send(carol))).isEqualTo(ErrorCode.FORBIDDEN);
    chat.now.set(until);
    assertThat(send(carol).senderId()).isEqualTo(carol);

    assertThat(chat.events.moderation).containsExactly(muted);
    assertThat(audit.entries).singleElement().satisfies(e -> {
      assertThat(e.action()).isEqualTo(AuditEntry.MUTE);
      assertThat(e.actorId()).isEqualTo(mod);
      assertThat(e.targetUserId()).isEqualTo(carol);
      assertThat(e.reason()).isEqualTo("spam");
      assertThat(e.details()).isEqualTo("60s");
    });
  }

  @Test
  @DisplayName("a mute without a duration lasts until unmuted; unmuting again changes nothing and is not audited")
  void muteUntilUnmuted() {
    act(owner, ModerationRules.MUTE, carol, null, null);
    chat.now.addAndGet(365L * 24 * 3600 * 1000);
    assertThat(message(() -> send(carol))).contains("until a moderator unmutes you");
    assertThat(act(mod, ModerationRules.UNMUTE, carol, null, null).changed()).isTrue();
    send(carol);
    assertThat(act(mod, ModerationRules.UNMUTE, carol, null, null).changed()).isFalse();
    assertThat(audit.entries).extracting(AuditEntry::action).containsExactly(AuditEntry.MUTE, AuditEntry.UNMUTE);
    assertThat(audit.entries.get(0).details()).isEqualTo("until unmuted");
    assertThat(chat.events.moderation).hasSize(2);
  }

  @Test
  @DisplayName("a moderator may not moderate an owner; a member may not moderate; bounds and self are bad_request")
  void moderationRefusals() {
    assertThat(code(() -> act(mod, ModerationRules.MUTE, owner, 60L, null))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(code(() -> act(mod, ModerationRules.BAN, owner, null, null))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(code(() -> act(mod, ModerationRules.KICK, owner, null, null))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(code(() -> act(carol, ModerationRules.MUTE, dave, 60L, null))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(code(() -> act(mod, ModerationRules.MUTE, carol, LIMITS.muteMaxSeconds() + 1, null))).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(code(() -> act(mod, ModerationRules.MUTE, carol, 0L, null))).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(code(() -> act(mod, ModerationRules.BAN, carol, 60L, null))).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(code(() -> act(mod, ModerationRules.MUTE, carol, 60L, "x".repeat(LIMITS.reasonMaxLength() + 1)))).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(code(() -> act(mod, "silence", carol, null, null))).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(code(() -> act(mod, ModerationRules.MUTE, mod, 60L, null))).isEqualTo(ErrorCode.BAD_REQUEST);
    act(mod, ModerationRules.MUTE, carol, LIMITS.muteMaxSeconds(), "x".repeat(LIMITS.reasonMaxLength()));
    assertThat(audit.entries).hasSize(1);
  }

  @Test
  @DisplayName("kick removes (the member hears left) and may be added again; removing another by DELETE is an audited kick, leaving is not")
  void kick() {
    act(mod, ModerationRules.KICK, carol, null, "off topic");
    assertThat(room().hasMember(carol)).isFalse();
    assertThat(chat.events.rooms).anySatisfy(e -> {
      assertThat(e.event()).isEqualTo(Room.LEFT);
      assertThat(e.userIds()).containsExactly(carol);
    });
    result(chat.rooms.addMember(new MemberChange(mod, roomId, carol)));
    assertThat(room().hasMember(carol)).isTrue();

    result(moderation.removeMember(new MemberChange(owner, roomId, carol)));
    result(moderation.removeMember(new MemberChange(dave, roomId, dave)));
    assertThat(audit.entries).extracting(AuditEntry::action).containsExactly(AuditEntry.KICK, AuditEntry.KICK);
    assertThat(audit.entries).extracting(AuditEntry::reason).containsExactly("off topic", null);
  }

  @Test
  @DisplayName("a ban removes, survives leaving and every re-add (by owner too) until unbanned; each act audited")
  void banSurvives() {
    act(mod, ModerationRules.BAN, carol, null, "abuse");
    assertThat(room().hasMember(carol)).isFalse();
    assertThat(code(() -> result(chat.rooms.addMember(new MemberChange(owner, roomId, carol))))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(code(() -> result(chat.rooms.addMember(new MemberChange(mod, roomId, carol))))).isEqualTo(ErrorCode.FORBIDDEN);

    act(owner, ModerationRules.BAN, dave, null, null);
    assertThat(code(() -> result(chat.rooms.addMember(new MemberChange(owner, roomId, dave))))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(room().isBanned(dave)).isTrue();

    act(mod, ModerationRules.UNBAN, carol, null, null);
    result(chat.rooms.addMember(new MemberChange(owner, roomId, carol)));
    assertThat(room().hasMember(carol)).isTrue();
    assertThat(audit.entries).extracting(AuditEntry::action).containsExactly(AuditEntry.BAN, AuditEntry.BAN, AuditEntry.UNBAN);
    assertThat(chat.events.moderation).extracting(ModerationAct::action)
        .containsExactly(ModerationRules.BAN, ModerationRules.BAN, ModerationRules.UNBAN);
  }

  @Test
  @DisplayName("a banned member who left is still banned; a user who was never a member can be banned ahead")
  void banOutsider() {
    act(mod, ModerationRules.BAN, carol, null, null);
    String eve = chat.user("eve");
    act(mod, ModerationRules.BAN, eve, null, null);
    assertThat(code(() -> result(chat.rooms.addMember(new MemberChange(owner, roomId, eve))))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(code(() -> act(mod, ModerationRules.BAN, "u_nobody", null, null))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(code(() -> act(mod, ModerationRules.MUTE, eve, 60L, null))).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  @DisplayName("no act without its entry: when the audit log cannot be written the request fails, nothing changes, nothing is announced; the retry does it")
  void auditFailure() {
    audit.failure = new IllegalStateException("audit store down");
    var answer = moderation.moderate(new Moderate(mod, roomId, ModerationRules.MUTE, carol, 60L, null));
    assertThat(answer.failed()).isTrue();
    assertThat(room().mutedUntil(carol, chat.now.get())).as("not muted without its entry").isEmpty();
    assertThat(chat.events.moderation).as("not announced when not audited").isEmpty();

    audit.failure = null;
    result(moderation.moderate(new Moderate(mod, roomId, ModerationRules.MUTE, carol, 60L, null)));
    assertThat(room().mutedUntil(carol, chat.now.get())).isPresent();
    assertThat(chat.events.moderation).hasSize(1);
  }
}

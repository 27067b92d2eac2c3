package io.chatplatform.chat.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.chat.domain.RoomPermissions.Role;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("RoomPermissions: the table of actions by role")
class RoomPermissionsTest {
  static final Room GROUP = new Room("r1", Room.GROUP, "Team",
      List.of(new Room.Member("own", Room.OWNER), new Room.Member("mod", Room.MODERATOR), new Room.Member("mem", Room.MEMBER),
          new Room.Member("mod2", Room.MODERATOR)), 0);
  static final Room DIRECT = new Room(Room.directRoomId("a", "b"), Room.DIRECT, "",
      List.of(new Room.Member("a", Room.MEMBER), new Room.Member("b", Room.MEMBER)), 0);

  /**
   * The table, written out independently of the enum: per action, what admin, owner,
   * moderator, member may do ("-" nothing, "all" on anyone, "!own" on anyone but an owner).
   */
  static final String[][] EXPECTED = {
      {"ADD_MEMBER", "all", "all", "all", "-"},
      {"REMOVE_MEMBER", "all", "all", "!own", "-"},
      {"MUTE", "all", "all", "!own", "-"},
      {"BAN", "all", "all", "!own", "-"},
      {"DELETE_OTHERS_MESSAGES", "all", "all", "!own", "-"},
      {"CHANGE_ROLE", "all", "all", "-", "-"},
      {"RENAME", "all", "all", "all", "-"},
      {"ROOM_DELETE", "all", "all", "-", "-"},
  };

  static Stream<Arguments> cells() {
    return Arrays.stream(EXPECTED).flatMap(row -> Stream.of(Role.values())
        .map(role -> Arguments.of(RoomPermissions.valueOf(row[0]), role, row[1 + role.ordinal()])));
  }

  @ParameterizedTest(name = "{1} → {0}: {2}")
  @MethodSource("cells")
  @DisplayName("each role may do each action as the issue's table says, on owners only where it says so")
  void cell(RoomPermissions action, Role actor, String expected) {
    assertThat(action.allows(actor)).isEqualTo(!expected.equals("-"));
    assertThat(action.allows(actor, Role.MEMBER)).isEqualTo(!expected.equals("-"));
    assertThat(action.allows(actor, Role.MODERATOR)).isEqualTo(!expected.equals("-"));
    assertThat(action.allows(actor, Role.OWNER)).isEqualTo(expected.equals("all"));
  }

  @Test
  @DisplayName("the table has exactly the issue's actions")
  void everyActionIsSpecified() {
    assertThat(Arrays.stream(RoomPermissions.values()).map(Enum::name))
        .containsExactlyElementsOf(Arrays.stream(EXPECTED).map(row -> row[0]).toList());
  }

  @Test
  @DisplayName("an admin acts with the admin column whatever their room role, even outside the room; others with their room role")
  void rolesInARoom() {
    assertThat(RoomPermissions.roleOf(GROUP, "mem", true)).isEqualTo(Role.ADMIN);
    assertThat(RoomPermissions.roleOf(GROUP, "stranger", true)).isEqualTo(Role.ADMIN);
    assertThat(RoomPermissions.roleOf(GROUP, "mod", false)).isEqualTo(Role.MODERATOR);
    assertThat(RoomPermissions.roleOf(GROUP, "stranger", false)).isNull();
    assertThat(RoomPermissions.ROOM_DELETE.allows(GROUP, "stranger", false)).isFalse();
  }

  @Test
  @DisplayName("a moderator acts on members and moderators, never on an owner; a gone target counts as a member")
  void moderatorOnTargets() {
    assertThat(RoomPermissions.REMOVE_MEMBER.allows(GROUP, "mod", false, "mem")).isTrue();
    assertThat(RoomPermissions.REMOVE_MEMBER.allows(GROUP, "mod", false, "mod2")).isTrue();
    assertThat(RoomPermissions.REMOVE_MEMBER.allows(GROUP, "mod", false, "own")).isFalse();
    assertThat(RoomPermissions.BAN.allows(GROUP, "mod", false, "gone")).isTrue();
    assertThat(RoomPermissions.REMOVE_MEMBER.allows(GROUP, "own", false, "own")).isTrue();
    assertThat(RoomPermissions.REMOVE_MEMBER.allows(GROUP, "mem", false, "mod")).isFalse();
  }

  @Test
  @DisplayName("a direct room gives its members no rights; an admin in it may delete another's message")
  void directRooms() {
    for (RoomPermissions action : RoomPermissions.values()) {
      assertThat(action.allows(DIRECT, "a", false, "b")).as(action.name()).isFalse();
    }
    assertThat(RoomPermissions.DELETE_OTHERS_MESSAGES.allows(DIRECT, "a", true, "b")).isTrue();
  }
}

package io.chatplatform.chat.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Room membership rules")
class RoomTest {
  static final Room GROUP = new Room("r1", Room.GROUP, "Team",
      List.of(new Room.Member("own", Room.OWNER), new Room.Member("mod", Room.MODERATOR), new Room.Member("mem", Room.MEMBER)), 0);
  static final Room DIRECT = new Room(Room.directRoomId("a", "b"), Room.DIRECT, "",
      List.of(new Room.Member("a", Room.MEMBER), new Room.Member("b", Room.MEMBER)), 0);

  @Test
  @DisplayName("the direct room id is the same whichever user opens it")
  void directRoomIdIsSymmetric() {
    assertThat(Room.directRoomId("u_1", "u_2")).isEqualTo(Room.directRoomId("u_2", "u_1"));
    assertThat(Room.directRoomId("u_1", "u_2")).isNotEqualTo(Room.directRoomId("u_1", "u_3"));
  }

  @Test
  @DisplayName("owners and moderators manage members; members, outsiders and direct rooms do not")
  void managing() {
    assertThat(GROUP.canManageMembers("own", false)).isTrue();
    assertThat(GROUP.canManageMembers("mod", false)).isTrue();
    assertThat(GROUP.canManageMembers("mem", false)).isFalse();
    assertThat(GROUP.canManageMembers("stranger", false)).isFalse();
    assertThat(GROUP.canManageMembers("stranger", true)).isTrue();
    assertThat(DIRECT.canManageMembers("a", true)).isFalse();
  }

  @Test
  @DisplayName("anyone may leave; a moderator may not remove an owner; an owner may remove anyone")
  void removing() {
    assertThat(GROUP.canRemove("mem", "mem", false)).isTrue();
    assertThat(GROUP.canRemove("mem", "mod", false)).isFalse();
    assertThat(GROUP.canRemove("mod", "mem", false)).isTrue();
    assertThat(GROUP.canRemove("mod", "own", false)).isFalse();
    assertThat(GROUP.canRemove("own", "mod", false)).isTrue();
    assertThat(GROUP.canRemove("mod", "own", true)).isTrue();
  }
}

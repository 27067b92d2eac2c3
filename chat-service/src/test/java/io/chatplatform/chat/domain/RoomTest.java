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
  @DisplayName("a mute past its end is none; a mute without an end lasts")
  void mutes() {
    Room muted = new Room("r1", Room.GROUP, "Team", GROUP.members(), 0, 1,
        java.util.Map.of("mem", 2_000L, "mod", Room.MUTED_UNTIL_UNMUTED), java.util.Set.of("gone"));
    assertThat(muted.mutedUntil("mem", 1_999)).contains(2_000L);
    assertThat(muted.mutedUntil("mem", 2_000)).isEmpty();
    assertThat(muted.mutedUntil("mod", Long.MAX_VALUE - 1)).contains(Room.MUTED_UNTIL_UNMUTED);
    assertThat(muted.mutedUntil("own", 0)).isEmpty();
    assertThat(muted.isBanned("gone")).isTrue();
    assertThat(muted.isBanned("mem")).isFalse();
  }
}

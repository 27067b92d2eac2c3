package io.chatplatform.chat.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.chat.domain.Room;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The MongoDB room document")
class MongoRoomStoreTest {
  static final Room GROUP = new Room("r1", Room.GROUP, "Team",
      List.of(new Room.Member("own", Room.OWNER), new Room.Member("mod", Room.MODERATOR), new Room.Member("mem", Room.MEMBER)), 5);

  @Test
  @DisplayName("round-trips a room, with the member ids indexed beside the members")
  void documentRoundTrip() {
    assertThat(MongoRoomStore.fromDocument(MongoRoomStore.toDocument(GROUP))).isEqualTo(GROUP);
    assertThat(MongoRoomStore.toDocument(GROUP).getJsonArray("memberIds")).containsExactly("own", "mod", "mem");
  }

  @Test
  @DisplayName("round-trips a room's mutes and bans")
  void moderationRoundTrip() {
    Room moderated = new Room("r1", Room.GROUP, "Team", GROUP.members(), 0, 3,
        java.util.Map.of("mem", 1_000L, "mod", Room.MUTED_UNTIL_UNMUTED), java.util.Set.of("u_gone"));
    assertThat(MongoRoomStore.fromDocument(MongoRoomStore.toDocument(moderated))).isEqualTo(moderated);
  }
}

package io.chatplatform.chat.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.chat.domain.Room;
import io.chatplatform.chat.domain.RoomView;
import io.chatplatform.chat.domain.Rooms;
import io.chatplatform.chat.domain.User;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Client views")
class ClientViewsTest {

  /** A room of {@code size} members, each with a profile: about 150 bytes of JSON a member. */
  static RoomView bigRoom(String roomId, int size) {
    List<Room.Member> members = new ArrayList<>();
    Map<String, User> people = new HashMap<>();
    for (int i = 0; i < size; i++) {
      String id = String.format("u_%032d", i);
      members.add(new Room.Member(id, i == 0 ? Room.OWNER : Room.MEMBER));
      people.put(id, new User(id, "member" + i, "Member Number " + i, "hash", List.of(User.ROLE_USER), false, 0));
    }
    return new RoomView(new Room(roomId, Room.GROUP, "Big", members, 0), 0, 0, people);
  }

  @Test
  @DisplayName("a room page stops before ROOM_LIST_MAX_BYTES, one room at least, and next points after the last room given")
  void roomPageBudget() {
    List<RoomView> views = List.of(bigRoom("r_a", 1000), bigRoom("r_b", 1000), bigRoom("r_c", 1000));
    int oneRoom = ClientViews.room(views.get(0)).toBuffer().length();
    JsonObject page = ClientViews.roomPage(new Rooms.RoomPage(views, null), oneRoom * 2 + 10);
    assertThat(page.getJsonArray("rooms")).hasSize(2);
    assertThat(page.getString("next")).isEqualTo("r_b");
    assertThat(page.toBuffer().length()).isLessThanOrEqualTo(oneRoom * 2 + 100);

    JsonObject tiny = ClientViews.roomPage(new Rooms.RoomPage(views, "r_z"), 10);
    assertThat(tiny.getJsonArray("rooms")).as("one room however small the budget: the client advances").hasSize(1);
    assertThat(tiny.getString("next")).isEqualTo("r_a");

    JsonObject all = ClientViews.roomPage(new Rooms.RoomPage(views, "r_c"), Integer.MAX_VALUE);
    assertThat(all.getJsonArray("rooms")).hasSize(3);
    assertThat(all.getString("next")).as("the domain's cursor when everything fits").isEqualTo("r_c");
    assertThat(ClientViews.roomPage(new Rooms.RoomPage(views, null), Integer.MAX_VALUE).containsKey("next")).isFalse();
  }
}

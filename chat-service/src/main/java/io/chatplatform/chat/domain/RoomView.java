package io.chatplatform.chat.domain;

import java.util.Map;

/**
 * A room as one viewer sees it: its last {@code seq}, the viewer's {@code unread} count (0 when
 * there is no single viewer, as in events sent to every member), and the members' profiles so
 * clients can name a direct room without a look-up.
 */
public record RoomView(Room room, long lastSeq, long unread, Map<String, User> people) {
  public RoomView {
    people = Map.copyOf(people);
  }
}

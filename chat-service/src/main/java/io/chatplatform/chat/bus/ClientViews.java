package io.chatplatform.chat.bus;

import io.chatplatform.chat.domain.ModerationAct;
import io.chatplatform.chat.domain.Room;
import io.chatplatform.chat.domain.RoomView;
import io.chatplatform.chat.domain.Rooms;
import io.chatplatform.chat.domain.User;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The client-facing JSON of chat-service's replies and events, as docs/protocol.md gives it. */
final class ClientViews {
  private ClientViews() {}

  /** {@code {userId, username, displayName}}: the only form of an account that leaves the service. */
  static JsonObject profile(User user) {
    return new JsonObject().put("userId", user.userId()).put("username", user.username()).put("displayName", user.displayName());
  }

  /** The profile with {@code roles}, for the account's owner (and the gateway's tokens). */
  static JsonObject profileWithRoles(User user) {
    return profile(user).put("roles", new JsonArray(user.roles()));
  }

  /** {@code {roomId, type, name, members:[{userId, role, username, displayName}], createdAt, version, lastSeq, unread}}. */
  /**
   * A page of {@code GET /rooms}: its rooms while their JSON stays within {@code maxBytes} (one
   * room at least, so a client always advances); {@code next} then points after the last one
   * given, so rooms left out come on the next page. A room carries its members' profiles, so
   * 100 rooms of 1,000 members would otherwise be megabytes.
   */
  static JsonObject roomPage(Rooms.RoomPage page, int maxBytes) {
    return CappedPage.of("rooms", page.rooms(), ClientViews::room, "roomId", page.next(), maxBytes);
  }

  static JsonObject room(RoomView view) {
    Room room = view.room();
    JsonArray members = new JsonArray();
    for (Room.Member m : room.members()) {
      JsonObject member = new JsonObject().put("userId", m.userId()).put("role", m.role());
      // Seen where the view is made: a mute past its end is none (Room#mutedUntil).
      room.mutedUntil(m.userId(), System.currentTimeMillis()).ifPresent(until -> {
        member.put("muted", true);
        if (until != Room.MUTED_UNTIL_UNMUTED) {
          member.put("mutedUntil", until);
        }
      });
      User user = view.people().get(m.userId());
      if (user != null) {
        member.put("username", user.username()).put("displayName", user.displayName());
      }
      members.add(member);
    }
    return new JsonObject()
        .put("roomId", room.roomId())
        .put("type", room.type())
        .put("name", room.name())
        .put("members", members)
        .put("createdAt", room.createdAt())
        .put("version", room.version())
        .put("lastSeq", view.lastSeq())
        .put("unread", view.unread());
  }

  /** {@code {roomId, action, userId, actorId, at, mutedUntil?, reason?}}: a mute without an end has no {@code mutedUntil}. */
  static JsonObject moderation(ModerationAct act) {
    JsonObject json = new JsonObject()
        .put("roomId", act.roomId()).put("action", act.action()).put("userId", act.userId()).put("actorId", act.actorId())
        .put("at", act.at());
    if (act.mutedUntil() != null) {
      json.put("mutedUntil", act.mutedUntil());
    }
    if (act.reason() != null) {
      json.put("reason", act.reason());
    }
    return json;
  }
}

package io.chatplatform.presence.domain;

import io.vertx.core.Future;
import java.util.List;

/** What presence needs of chat-service: membership and room-mates. */
public interface ChatDirectory {
  /** Succeeds when the user is a member of the room; {@code not_found} otherwise. */
  Future<Void> checkMember(String userId, String roomId);

  /** Everyone who shares a room with the user, the user left out. */
  Future<List<String>> contacts(String userId);
}

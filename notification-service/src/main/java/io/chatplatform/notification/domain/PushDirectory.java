package io.chatplatform.notification.domain;

import io.chatplatform.contracts.chat.ChatApi.PushRoom;
import io.chatplatform.contracts.history.HistoryApi.Behind;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the other services know that a push decision needs; one request per room for each. */
public interface PushDirectory {
  /**
   * The room's name, type and membership version, its members when {@code members} is asked, and
   * the username of {@code senderId} (chat-service: the one profile a push shows); fails
   * {@code not_found} when the room is gone.
   */
  Future<PushRoom> room(String roomId, String senderId, boolean members);

  /**
   * The members whose delivered watermark is below {@code seq} (history-service), from the room's
   * index built at membership {@code version}: costs those members only. Not {@code current} when
   * the index is of another version; asked again with every member in {@code memberIds}, it is
   * rebuilt and answered.
   */
  Future<Behind> behind(String roomId, long seq, long version, List<String> memberIds);

  /** userId → delivered watermark in the room (history-service). */
  Future<Map<String, Long>> delivered(String roomId, Collection<String> userIds);

  /** Those of the users who chose do-not-disturb (presence-service), connected or not: an app in the background keeps its user's choice. */
  Future<Set<String>> inDoNotDisturb(Collection<String> userIds);

  /** Succeeds when the user is a member of the room; {@code not_found} otherwise. */
  Future<Void> checkMember(String userId, String roomId);
}

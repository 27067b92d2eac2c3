package io.chatplatform.notification.domain;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.Map;

/** Each member's notification mode per room ({@code all}, {@code mentions}, {@code none}); {@code all} when never set. */
public interface RoomModes {
  String ALL = "all";
  String MENTIONS = "mentions";
  String NONE = "none";

  Future<Void> set(String userId, String roomId, String mode);

  /** userId → mode, for those of {@code userIds} who set one in the room. */
  Future<Map<String, String>> of(String roomId, Collection<String> userIds);
}

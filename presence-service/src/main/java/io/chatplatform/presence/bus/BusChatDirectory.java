package io.chatplatform.presence.bus;

import io.chatplatform.contracts.chat.ChatApi;
import io.chatplatform.contracts.chat.ChatApi.RoomRef;
import io.chatplatform.contracts.chat.ChatApi.UserIds;
import io.chatplatform.contracts.chat.ChatApi.UserRef;
import io.chatplatform.presence.domain.ChatDirectory;
import io.chatplatform.runtime.ServiceClient;
import io.vertx.core.Future;
import java.util.List;

/** chat-service over the event bus, each call with {@code PRESENCE_CHAT_TIMEOUT_MS}. */
final class BusChatDirectory implements ChatDirectory {
  private final ServiceClient services;

  BusChatDirectory(ServiceClient services) {
    this.services = services;
  }

  @Override
  public Future<Void> checkMember(String userId, String roomId) {
    return services.request(ChatApi.ROOM_CHECK_MEMBER, new RoomRef(userId, roomId)).mapEmpty();
  }

  @Override
  public Future<List<String>> contacts(String userId) {
    return services.request(ChatApi.USER_CONTACTS, new UserRef(userId)).map(UserIds::userIds);
  }
}

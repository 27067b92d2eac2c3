package io.chatplatform.notification.bus;

import io.chatplatform.contracts.chat.ChatApi;
import io.chatplatform.contracts.chat.ChatApi.PushRoom;
import io.chatplatform.contracts.history.HistoryApi;
import io.chatplatform.contracts.presence.PresenceApi;
import io.chatplatform.notification.domain.PushDirectory;
import io.chatplatform.runtime.ServiceClient;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@link PushDirectory} over the event bus; every request has the ServiceClient's timeout. */
final class BusPushDirectory implements PushDirectory {
  private final ServiceClient services;
  private final int presenceBatch;

  BusPushDirectory(ServiceClient services, int presenceBatch) {
    this.services = services;
    this.presenceBatch = presenceBatch;
  }

  @Override
  public Future<PushRoom> room(String roomId, String senderId, boolean members) {
    return services.request(ChatApi.ROOM_PUSH_INFO,
        new ChatApi.PushInfoRequest(roomId, senderId == null ? List.of() : List.of(senderId), members));
  }

  @Override
  public Future<HistoryApi.Behind> behind(String roomId, long seq, long version, List<String> memberIds) {
    return services.request(HistoryApi.RECEIPT_BEHIND, new HistoryApi.BehindQuery(roomId, seq, version, memberIds));
  }

  @Override
  public Future<Map<String, Long>> delivered(String roomId, Collection<String> userIds) {
    return services.request(HistoryApi.RECEIPT_LIST, new HistoryApi.ListReceipts(roomId, List.copyOf(userIds))).map(marks -> {
      Map<String, Long> delivered = new HashMap<>();
      marks.members().forEach(m -> delivered.put(m.userId(), m.delivered()));
      return delivered;
    });
  }

  @Override
  public Future<Set<String>> inDoNotDisturb(Collection<String> userIds) {
    List<String> all = List.copyOf(userIds);
    List<Future<PresenceApi.DoNotDisturb>> parts = new ArrayList<>();
    for (int from = 0; from < all.size(); from += presenceBatch) {
      parts.add(services.request(PresenceApi.DO_NOT_DISTURB, new PresenceApi.DoNotDisturb(all.subList(from, Math.min(all.size(), from + presenceBatch)))));
    }
    return Future.all(parts).map(x -> {
      Set<String> dnd = new HashSet<>();
      parts.forEach(part -> dnd.addAll(part.result().userIds()));
      return dnd;
    });
  }

  @Override
  public Future<Void> checkMember(String userId, String roomId) {
    return services.request(ChatApi.ROOM_CHECK_MEMBER, new ChatApi.RoomRef(userId, roomId)).mapEmpty();
  }
}

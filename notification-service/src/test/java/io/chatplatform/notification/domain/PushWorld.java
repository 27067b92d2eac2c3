package io.chatplatform.notification.domain;

import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.PushRoom;
import io.chatplatform.contracts.history.HistoryApi.Behind;
import io.chatplatform.contracts.history.HistoryApi.MemberMarks;
import io.chatplatform.contracts.notification.NotificationApi.NewMessage;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicLong;

/** The push domain on in-memory stores and a directory the test fills: no event bus, no network. */
final class PushWorld {
  static final PushPolicy POLICY = new PushPolicy(10_000, 60_000, 3, 1_000, 60_000, false, 20, 3600, 86_400_000);

  final AtomicLong now = new AtomicLong(1_000_000);
  final MemoryPendingStore pending = new MemoryPendingStore();
  final MemoryDeviceStore devices = new MemoryDeviceStore();
  final RecordingProvider fcm = new RecordingProvider("fcm");
  final Map<String, PushRoom> rooms = new HashMap<>();
  final Map<String, Long> delivered = new HashMap<>();
  final Map<String, String> statuses = new HashMap<>();
  final Map<String, String> modeByUserRoom = new HashMap<>();
  /** roomId → the membership version history-service's delivered index was built at. */
  final Map<String, Long> indexVersions = new HashMap<>();
  int directoryRequests;
  int memberListsFetched;
  int watermarksRead;

  final RoomModes modes = new RoomModes() {
    @Override
    public Future<Void> set(String userId, String roomId, String mode) {
      modeByUserRoom.put(userId + "|" + roomId, mode);
      return Future.succeededFuture();
    }

    @Override
    public Future<Map<String, String>> of(String roomId, Collection<String> userIds) {
      Map<String, String> found = new HashMap<>();
      userIds.forEach(id -> {
        String mode = modeByUserRoom.get(id + "|" + roomId);
        if (mode != null) {
          found.put(id, mode);
        }
      });
      return Future.succeededFuture(found);
    }
  };

  final PushDirectory directory = new PushDirectory() {
    @Override
    public Future<PushRoom> room(String roomId, String senderId, boolean members) {
      directoryRequests++;
      PushRoom room = rooms.get(roomId);
      if (room == null) {
        return Future.failedFuture(ServiceException.notFound("room not found"));
      }
      if (members) {
        memberListsFetched++;
      }
      // As chat-service answers: the members only when asked, and the username of the sender only.
      Map<String, String> named = room.usernames().containsKey(senderId) ? Map.of(senderId, room.usernames().get(senderId)) : Map.of();
      return Future.succeededFuture(
          new PushRoom(room.roomId(), room.type(), room.name(), room.version(), members ? room.memberIds() : List.of(), named));
    }

    /**
     * As history-service answers: from an index built at a version, naming only the members below
     * the seq; each watermark it reads counts in {@link #watermarksRead}.
     */
    @Override
    public Future<Behind> behind(String roomId, long seq, long version, List<String> memberIds) {
      directoryRequests++;
      List<String> asked;
      if (!memberIds.isEmpty()) {
        indexVersions.put(roomId, version);
        asked = memberIds;
      } else if (indexVersions.getOrDefault(roomId, -1L) == version) {
        asked = rooms.get(roomId).memberIds().stream().filter(id -> delivered.getOrDefault(id, 0L) < seq).toList();
      } else {
        return Future.succeededFuture(Behind.OUT_OF_DATE);
      }
      watermarksRead += asked.size();
      return Future.succeededFuture(new Behind(true, asked.stream()
          .filter(id -> delivered.getOrDefault(id, 0L) < seq)
          .map(id -> new MemberMarks(id, delivered.getOrDefault(id, 0L), 0))
          .toList()));
    }

    @Override
    public Future<Map<String, Long>> delivered(String roomId, Collection<String> userIds) {
      directoryRequests++;
      watermarksRead += userIds.size();
      Map<String, Long> found = new HashMap<>();
      userIds.forEach(id -> found.put(id, delivered.getOrDefault(id, 0L)));
      return Future.succeededFuture(found);
    }

    @Override
    public Future<Set<String>> inDoNotDisturb(Collection<String> userIds) {
      directoryRequests++;
      return Future.succeededFuture(userIds.stream().filter(id -> "dnd".equals(statuses.get(id))).collect(Collectors.toSet()));
    }

    @Override
    public Future<Void> checkMember(String userId, String roomId) {
      PushRoom room = rooms.get(roomId);
      return room != null && room.memberIds().contains(userId)
          ? Future.succeededFuture() : Future.failedFuture(ServiceException.notFound("room not found"));
    }
  };

  /** Notices whose write failed, as the verticle's meter counts them. */
  final AtomicLong unwritten = new AtomicLong();

  /** Notices lingering {@code lingerMs} on the world's clock, at most {@code maxRooms} rooms. */
  NoticeBuffer notices(long lingerMs, int maxRooms) {
    return notices(pending, lingerMs, maxRooms);
  }

  NoticeBuffer notices(PendingStore store, long lingerMs, int maxRooms) {
    return new NoticeBuffer(store, POLICY, lingerMs, maxRooms, now::get, unwritten::addAndGet);
  }

  PushScheduler scheduler() {
    return new PushScheduler(pending, devices, modes, directory, List.of(fcm), POLICY, now::get, () -> 0.5);
  }

  /** A group room "Team" of these users (userId = username); again for a room: its membership changed. */
  void room(String roomId, String... members) {
    Map<String, String> usernames = new LinkedHashMap<>();
    for (String m : members) {
      usernames.put(m, m);
    }
    PushRoom before = rooms.get(roomId);
    rooms.put(roomId, new PushRoom(roomId, "group", "Team", before == null ? 1 : before.version() + 1, List.of(members), usernames));
  }

  Device device(String userId) {
    Device d = new Device("d_" + userId + "_" + devices.byId.size(), userId, "fcm", "token-" + userId + "-" + devices.byId.size(),
        null, null, null, null, now.get());
    devices.byId.put(d.deviceId(), d);
    return d;
  }

  static NewMessage message(String roomId, long seq, String senderId, String text, String... mentions) {
    return new NewMessage(roomId, seq, senderId, List.of(mentions), text);
  }
}

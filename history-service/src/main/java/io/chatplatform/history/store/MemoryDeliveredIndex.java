package io.chatplatform.history.store;

import io.chatplatform.history.domain.DeliveredIndex;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The delivered index in this process's memory: right for the embedded platform and for one
 * history-service instance. With several instances and no Redis, each sees only the receipts it
 * stored, so its entries lag (too low, the safe side): decisions stay correct, and cost a
 * MongoDB read for every member the lagging entries name. At most {@code maxRooms} rooms are kept,
 * the least recently used dropped (rebuilt at their next decision).
 */
public final class MemoryDeliveredIndex implements DeliveredIndex {
  private static final class RoomIndex {
    final long version;
    final Map<String, Long> byMember = new HashMap<>();
    final NavigableMap<Long, Set<String>> byWatermark = new TreeMap<>();

    RoomIndex(long version, Map<String, Long> delivered) {
      this.version = version;
      delivered.forEach(this::put);
    }

    void put(String userId, long delivered) {
      Long was = byMember.put(userId, delivered);
      if (was != null) {
        Set<String> at = byWatermark.get(was);
        at.remove(userId);
        if (at.isEmpty()) {
          byWatermark.remove(was);
        }
      }
      byWatermark.computeIfAbsent(delivered, k -> new TreeSet<>()).add(userId);
    }
  }

  private final Map<String, RoomIndex> rooms;

  public MemoryDeliveredIndex(int maxRooms) {
    this.rooms = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, RoomIndex> eldest) {
        return size() > maxRooms;
      }
    };
  }

  @Override
  public synchronized Future<Void> raise(String roomId, String userId, long delivered) {
    RoomIndex room = rooms.get(roomId);
    Long was = room == null ? null : room.byMember.get(userId);
    if (was != null && was < delivered) {
      room.put(userId, delivered);
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<List<String>> below(String roomId, long seq, long version) {
    RoomIndex room = rooms.get(roomId);
    if (room == null || room.version != version) {
      return Future.succeededFuture(null);
    }
    List<String> found = new ArrayList<>();
    room.byWatermark.headMap(seq, false).values().forEach(found::addAll);
    return Future.succeededFuture(found);
  }

  @Override
  public synchronized Future<Void> rebuild(String roomId, long version, Map<String, Long> delivered) {
    rooms.put(roomId, new RoomIndex(version, delivered));
    return Future.succeededFuture();
  }
}

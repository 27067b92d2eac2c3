package io.chatplatform.chat.store;

import io.chatplatform.chat.domain.Room;
import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.Codecs;
import io.chatplatform.contracts.chat.ChatApi.RoomChanged;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Rooms read recently, so that a message send does not read its room from MongoDB each time.
 *
 * <p>Correctness comes from invalidation: the instance that changes a room drops its copy and
 * publishes the room id on {@link Addresses.Chat#ROOM_CHANGED}, and every chat-service instance
 * drops its copy too. A read that was under way while any invalidation happened is not cached,
 * so a stale room cannot be put back. The time-to-live only bounds the damage of a lost
 * invalidation (an instance that was partitioned away, say).
 *
 * <p>Used on its verticle's event loop only.
 */
public final class RoomCache {
  private record Entry(Room room, long storedAt) {}

  private final EventBus eventBus;
  private final long ttlMs;
  private final LongSupplier clock;
  private final Map<String, Entry> entries;
  private long invalidations;
  private MessageConsumer<RoomChanged> changes;

  public RoomCache(EventBus eventBus, int capacity, long ttlMs, LongSupplier clock) {
    this.eventBus = Codecs.register(eventBus);
    this.ttlMs = ttlMs;
    this.clock = clock;
    this.entries =
        new LinkedHashMap<>(1024, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > capacity;
          }
        };
  }

  public Future<Void> start() {
    changes = eventBus.consumer(Addresses.Chat.ROOM_CHANGED, message -> drop(message.body().roomId()));
    return changes.completion();
  }

  /** The cached room, or null when absent or too old. */
  Room get(String roomId) {
    Entry entry = entries.get(roomId);
    if (entry == null) {
      return null;
    }
    if (clock.getAsLong() - entry.storedAt() > ttlMs) {
      entries.remove(roomId);
      return null;
    }
    return entry.room();
  }

  /** A token to take before reading a room from the store, for {@link #put}. */
  long readToken() {
    return invalidations;
  }

  /** Caches a room read from the store, unless any room changed since {@code readToken}. */
  void put(Room room, long readToken) {
    if (readToken == invalidations) {
      entries.put(room.roomId(), new Entry(room, clock.getAsLong()));
    }
  }

  /** Drops the room here and on every other chat-service instance. */
  void invalidate(String roomId) {
    drop(roomId);
    eventBus.publish(Addresses.Chat.ROOM_CHANGED, new RoomChanged(roomId));
  }

  private void drop(String roomId) {
    invalidations++;
    entries.remove(roomId);
  }
}

package io.chatplatform.chat.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.chat.domain.Room;
import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.chat.ChatApi.RoomChanged;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("The room cache")
class RoomCacheTest {
  static final Room ROOM = new Room("r1", Room.GROUP, "Team", List.of(new Room.Member("a", Room.OWNER)), 0);
  final AtomicLong now = new AtomicLong(1_000);

  @Test
  @DisplayName("keeps a room until its time-to-live, and never caches a read that overlapped a change")
  void ttlAndStaleReads(Vertx vertx) {
    RoomCache cache = new RoomCache(vertx.eventBus(), 10, 100, now::get);
    cache.put(ROOM, cache.readToken());
    assertThat(cache.get("r1")).isEqualTo(ROOM);
    now.addAndGet(101);
    assertThat(cache.get("r1")).isNull();

    long token = cache.readToken();
    cache.invalidate("r2");
    cache.put(ROOM, token);
    assertThat(cache.get("r1")).as("a read that started before a change is not cached").isNull();
  }

  @Test
  @DisplayName("drops a room when another instance announces a change to it")
  void invalidationFromAnotherInstance(Vertx vertx, VertxTestContext ctx) {
    RoomCache cache = new RoomCache(vertx.eventBus(), 10, 60_000, now::get);
    cache.start().onComplete(ctx.succeeding(x -> {
      cache.put(ROOM, cache.readToken());
      vertx.eventBus().publish(Addresses.Chat.ROOM_CHANGED, new RoomChanged("r1"));
      // The publish is delivered on this event loop after this handler returns.
      vertx.runOnContext(y -> ctx.verify(() -> {
        assertThat(cache.get("r1")).isNull();
        ctx.completeNow();
      }));
    }));
  }
}

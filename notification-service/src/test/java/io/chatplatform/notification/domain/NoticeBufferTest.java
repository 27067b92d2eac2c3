package io.chatplatform.notification.domain;

import static io.chatplatform.notification.domain.PushWorld.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Notices of a room lingering in memory, written as one")
class NoticeBufferTest {
  static final long LINGER_MS = 200;
  final PushWorld world = new PushWorld();
  final long delay = PushWorld.POLICY.delayMs();

  @Test
  @DisplayName("the notices of a room within the linger are one store write with what one write each would have stored")
  void oneRoomOneWrite() {
    NoticeBuffer notices = world.notices(LINGER_MS, 10);
    long firstArrival = world.now.get();
    Await.result(notices.add(message("r1", 1, "alice", "one")));
    world.now.addAndGet(50);
    Await.result(notices.add(message("r1", 2, "bob", "two", "carol")));
    Await.result(notices.add(message("r1", 3, "alice", "three", "dave", "carol")));
    assertThat(world.pending.writes).as("nothing written within the linger").isEmpty();
    assertThat(notices.isEmpty()).isFalse();

    Await.result(notices.flush());
    assertThat(world.pending.writes).containsExactly(
        new RoomNotices("r1", 1, 3, "alice", "three", 3, Set.of("carol", "dave"), firstArrival + delay));
    assertThat(notices.isEmpty()).isTrue();
  }

  @Test
  @DisplayName("out of seq order: merged by seq, the due from the first to arrive; a seq announced twice counts once")
  void outOfOrder() {
    NoticeBuffer notices = world.notices(LINGER_MS, 10);
    long firstArrival = world.now.get();
    Await.result(notices.add(message("r1", 7, "carol", "seven")));
    world.now.addAndGet(30);
    Await.result(notices.add(message("r1", 9, "bob", "nine")));
    Await.result(notices.add(message("r1", 5, "alice", "five", "dave")));
    Await.result(notices.add(message("r1", 8, "alice", "eight")));
    Await.result(notices.add(message("r1", 9, "bob", "nine")));
    Await.result(notices.flush());
    assertThat(world.pending.writes).containsExactly(
        new RoomNotices("r1", 5, 9, "bob", "nine", 4, Set.of("dave"), firstArrival + delay));
  }

  @Test
  @DisplayName("two rooms: one write each, with its own notices")
  void twoRooms() {
    NoticeBuffer notices = world.notices(LINGER_MS, 10);
    long start = world.now.get();
    Await.result(notices.add(message("r1", 1, "alice", "one")));
    world.now.addAndGet(10);
    Await.result(notices.add(message("r2", 4, "bob", "four", "alice")));
    Await.result(notices.add(message("r1", 2, "carol", "two")));
    Await.result(notices.flush());
    assertThat(world.pending.writes).containsExactlyInAnyOrder(
        new RoomNotices("r1", 1, 2, "carol", "two", 2, Set.of(), start + delay),
        new RoomNotices("r2", 4, 4, "bob", "four", 1, Set.of("alice"), start + 10 + delay));
  }

  @Test
  @DisplayName("PUSH_NOTICE_LINGER_MS=0: each notice is written at once, nothing waits")
  void lingerZero() {
    NoticeBuffer notices = world.notices(0, 10);
    Await.result(notices.add(message("r1", 1, "alice", "one")));
    assertThat(world.pending.writes).hasSize(1);
    Await.result(notices.add(message("r1", 2, "alice", "two")));
    assertThat(world.pending.writes).hasSize(2);
    assertThat(notices.isEmpty()).isTrue();
  }

  @Test
  @DisplayName("when PUSH_NOTICE_BUFFER_MAX_ROOMS rooms wait, all of them are written at once")
  void roomBoundFlushesEarly() {
    NoticeBuffer notices = world.notices(LINGER_MS, 2);
    Await.result(notices.add(message("r1", 1, "alice", "one")));
    Await.result(notices.add(message("r1", 2, "alice", "two")));
    assertThat(world.pending.writes).isEmpty();
    Await.result(notices.add(message("r2", 1, "alice", "one")));
    assertThat(world.pending.writes).extracting(RoomNotices::roomId).containsExactlyInAnyOrder("r1", "r2");
    assertThat(notices.isEmpty()).isTrue();
    Await.result(notices.add(message("r3", 1, "alice", "one")));
    assertThat(world.pending.writes).as("the next room waits again").hasSize(2);
  }

  @Test
  @DisplayName("a failed write is counted by its notices and does not fail the flush nor stop the other rooms")
  void failedWriteCounted() {
    NoticeBuffer notices = world.notices(LINGER_MS, 10);
    world.pending.failingRooms.add("r1");
    Await.result(notices.add(message("r1", 1, "alice", "one")));
    Await.result(notices.add(message("r1", 2, "alice", "two")));
    Await.result(notices.add(message("r2", 1, "alice", "one")));
    Await.result(notices.flush());
    assertThat(world.unwritten.get()).isEqualTo(2);
    assertThat(world.pending.writes).extracting(RoomNotices::roomId).containsExactly("r2");
    assertThat(notices.isEmpty()).as("a failed room is not kept to grow").isTrue();
  }

  @Test
  @DisplayName("lingered notices become the same push as notices written one by one")
  void lingeredBatchIsPushed() {
    world.room("r1", "alice", "bob");
    world.device("bob");
    NoticeBuffer notices = world.notices(LINGER_MS, 10);
    Await.result(notices.add(message("r1", 2, "alice", "two", "bob")));
    Await.result(notices.add(message("r1", 1, "alice", "one")));
    Await.result(notices.flush());
    world.now.addAndGet(delay);
    assertThat(Await.result(world.scheduler().poll(100))).isEqualTo(1);
    PushMessage pushed = world.fcm.sent.get(0).message();
    assertThat(pushed.seq()).isEqualTo(2);
    assertThat(pushed.count()).isEqualTo(2);
    assertThat(pushed.preview()).isEqualTo("two");
    assertThat(pushed.mentioned()).isTrue();
  }
}

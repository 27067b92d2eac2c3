package io.chatplatform.notification.domain;

import static io.chatplatform.notification.domain.PushWorld.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Who gets a push")
class PushSchedulerTest {
  final PushWorld world = new PushWorld();
  final PushScheduler scheduler = world.scheduler();
  /** Each notice written at once ({@code PUSH_NOTICE_LINGER_MS=0}): NoticeBufferTest covers the lingering. */
  final NoticeBuffer notices = world.notices(0, 10);

  @BeforeEach
  void team() {
    world.room("r1", "alice", "bob", "carol");
    world.device("bob");
  }

  void send(long seq, String sender, String text, String... mentions) {
    Await.result(notices.add(message("r1", seq, sender, text, mentions)));
  }

  int pollAfterDelay() {
    world.now.addAndGet(PushWorld.POLICY.delayMs());
    return Await.result(scheduler.poll(100));
  }

  @Test
  @DisplayName("an offline member with a device is pushed once the delay has passed, not before")
  void offlineMemberPushed() {
    send(1, "alice", "hello bob");
    assertThat(Await.result(scheduler.poll(100))).as("nothing is due before PUSH_DELAY_MS").isZero();
    assertThat(pollAfterDelay()).isEqualTo(1);
    assertThat(world.fcm.sent).hasSize(1);
    PushMessage pushed = world.fcm.sent.get(0).message();
    assertThat(pushed.roomId()).isEqualTo("r1");
    assertThat(pushed.seq()).isEqualTo(1);
    assertThat(pushed.count()).isEqualTo(1);
    assertThat(pushed.senderName()).isEqualTo("alice");
    assertThat(pushed.preview()).isEqualTo("hello bob");
    assertThat(pushed.collapseKey()).isEqualTo("r1");
    assertThat(pushed.roomName()).isEqualTo("Team");
    assertThat(world.pending.size()).as("the batch is done").isZero();
  }

  @Test
  @DisplayName("a member whose delivered watermark covers the seq is not pushed")
  void deliveredNotPushed() {
    send(1, "alice", "hi");
    world.delivered.put("bob", 1L);
    pollAfterDelay();
    assertThat(world.fcm.sent).isEmpty();
  }

  @Test
  @DisplayName("mode none: no push; mentions mode: only with a mention")
  void modes() {
    Await.result(world.modes.set("bob", "r1", RoomModes.NONE));
    send(1, "alice", "@bob look");
    pollAfterDelay();
    assertThat(world.fcm.sent).as("mode none, even mentioned").isEmpty();

    Await.result(world.modes.set("bob", "r1", RoomModes.MENTIONS));
    send(2, "alice", "no mention");
    pollAfterDelay();
    assertThat(world.fcm.sent).as("mentions mode without a mention").isEmpty();

    send(3, "alice", "@bob now", "bob");
    pollAfterDelay();
    assertThat(world.fcm.sent).hasSize(1);
    assertThat(world.fcm.sent.get(0).message().mentioned()).isTrue();
  }

  @Test
  @DisplayName("a member in dnd is not pushed")
  void dnd() {
    world.statuses.put("bob", "dnd");
    send(1, "alice", "hi", "bob");
    pollAfterDelay();
    assertThat(world.fcm.sent).isEmpty();
  }

  @Test
  @DisplayName("a burst in one room inside the delay is one push with its count, and the sender is not pushed")
  void burstCollapsed() {
    world.device("alice");
    send(1, "alice", "one");
    world.now.addAndGet(1_000);
    send(2, "alice", "two");
    send(3, "alice", "three");
    send(3, "alice", "three");
    pollAfterDelay();
    assertThat(world.fcm.sent).hasSize(1);
    PushMessage pushed = world.fcm.sent.get(0).message();
    assertThat(pushed.count()).as("a repeated announcement of seq 3 is not counted twice (the store counts it, the push spans seqs 1..3)").isEqualTo(3);
    assertThat(pushed.seq()).isEqualTo(3);
    assertThat(pushed.preview()).isEqualTo("three");
    assertThat(world.fcm.sent.get(0).device().userId()).isEqualTo("bob");
  }

  @Test
  @DisplayName("members who acknowledged cost nothing: no member list, no watermark read, once the room's index is built")
  void acknowledgedCostNothing() {
    world.delivered.put("bob", 1L);
    world.delivered.put("carol", 1L);
    send(1, "alice", "hi");
    pollAfterDelay();
    assertThat(world.memberListsFetched).as("the first decision builds the room's index").isEqualTo(1);

    int requestsBefore = world.directoryRequests;
    int readBefore = world.watermarksRead;
    world.delivered.put("bob", 2L);
    world.delivered.put("carol", 2L);
    send(2, "alice", "again");
    pollAfterDelay();
    assertThat(world.memberListsFetched).as("no member list while the membership is unchanged").isEqualTo(1);
    assertThat(world.watermarksRead - readBefore)
        .as("no watermark read for members up to date: only alice's, who never acknowledges her own messages")
        .isEqualTo(1);
    assertThat(world.directoryRequests - requestsBefore).as("room + index, no presence query").isEqualTo(2);
    assertThat(world.fcm.sent).isEmpty();
  }

  @Test
  @DisplayName("a membership change rebuilds the index once; a new member who never acknowledged is pushed")
  void membershipChangeRebuildsTheIndex() {
    world.delivered.put("bob", 1L);
    world.delivered.put("carol", 1L);
    send(1, "alice", "hi");
    pollAfterDelay();
    world.room("r1", "alice", "bob", "carol", "dave");
    world.device("dave");

    send(2, "alice", "welcome dave");
    world.delivered.put("bob", 2L);
    world.delivered.put("carol", 2L);
    pollAfterDelay();
    assertThat(world.memberListsFetched).as("one rebuild per membership version").isEqualTo(2);
    assertThat(world.fcm.sent).extracting(s -> s.device().userId()).containsExactly("dave");

    int readBefore = world.watermarksRead;
    send(3, "alice", "still there?");
    world.delivered.put("bob", 3L);
    world.delivered.put("carol", 3L);
    pollAfterDelay();
    assertThat(world.memberListsFetched).isEqualTo(2);
    assertThat(world.watermarksRead - readBefore).as("only dave, who is behind, and alice, the sender, are read").isEqualTo(2);
  }

  @Test
  @DisplayName("InvalidDevice deletes the device")
  void invalidDeviceDeleted() {
    world.fcm.outcomes.add(new PushOutcome.InvalidDevice("Unregistered"));
    send(1, "alice", "hi");
    pollAfterDelay();
    assertThat(world.devices.byId.values()).noneMatch(d -> d.userId().equals("bob"));
  }

  @Test
  @DisplayName("Retry then success: sent again after the backoff (honouring Retry-After), delivered once")
  void retryThenSuccess() {
    world.fcm.outcomes.add(new PushOutcome.Retry(30_000, "429"));
    send(1, "alice", "hi");
    pollAfterDelay();
    assertThat(world.fcm.sent).hasSize(1);
    assertThat(world.pending.dues()).hasSize(1);
    long due = world.pending.dues().get(0);
    System.out.println("retry due in " + (due - world.now.get()) + " ms (Retry-After 30000, jitter 0.5)");
    assertThat(due - world.now.get()).isEqualTo(30_000 + 7_500);
    assertThat(Await.result(scheduler.poll(100))).as("not before it is due").isZero();
    world.now.set(due);
    assertThat(Await.result(scheduler.poll(100))).isEqualTo(1);
    assertThat(world.fcm.sent).hasSize(2);
    assertThat(world.pending.size()).isZero();
    world.now.addAndGet(600_000);
    assertThat(Await.result(scheduler.poll(100))).as("nothing left to send").isZero();
    assertThat(world.fcm.sent).hasSize(2);
  }

  @Test
  @DisplayName("a retry is dropped when the member has meanwhile received the messages, and when they chose dnd")
  void retryRechecksTheMember() {
    world.fcm.outcomes.add(new PushOutcome.Retry(-1, "503"));
    send(1, "alice", "hi");
    pollAfterDelay();
    assertThat(world.pending.dues()).hasSize(1);
    world.delivered.put("bob", 1L);
    world.now.set(world.pending.dues().get(0));
    assertThat(Await.result(scheduler.poll(100))).isEqualTo(1);
    assertThat(world.fcm.sent).as("bob's app fetched the message before the retry").hasSize(1);
    assertThat(world.pending.size()).isZero();

    world.fcm.outcomes.add(new PushOutcome.Retry(-1, "503"));
    send(2, "alice", "again");
    pollAfterDelay();
    world.statuses.put("bob", "dnd");
    world.now.set(world.pending.dues().get(0));
    Await.result(scheduler.poll(100));
    assertThat(world.fcm.sent).as("bob chose dnd before the retry").hasSize(2);
    assertThat(world.pending.size()).isZero();
  }

  @Test
  @DisplayName("Retry is bounded by PUSH_MAX_ATTEMPTS")
  void retryBounded() {
    for (int i = 0; i < 5; i++) {
      world.fcm.outcomes.add(new PushOutcome.Retry(-1, "503"));
    }
    send(1, "alice", "hi");
    for (int i = 0; i < 5; i++) {
      world.now.addAndGet(PushWorld.POLICY.retryMaxMs() * 2);
      Await.result(scheduler.poll(100));
    }
    assertThat(world.fcm.sent).hasSize(PushWorld.POLICY.maxAttempts());
    assertThat(world.pending.size()).isZero();
  }

  @Test
  @DisplayName("two schedulers on one store: the record is claimed by one, the push sent once")
  void twoSchedulersOneSend() {
    PushScheduler other = world.scheduler();
    send(1, "alice", "hi");
    world.now.addAndGet(PushWorld.POLICY.delayMs());
    int first = Await.result(scheduler.poll(100));
    int second = Await.result(other.poll(100));
    assertThat(first + second).isEqualTo(1);
    assertThat(world.fcm.sent).hasSize(1);
  }

  @Test
  @DisplayName("a batch handled again after a crash (lease expired) does not resend to devices already marked sent")
  void crashAfterMarkNoDoubleSend() {
    send(1, "alice", "hi");
    world.now.addAndGet(PushWorld.POLICY.delayMs());
    Pending claimed = Await.result(world.pending.claim(world.now.get(), PushWorld.POLICY.leaseMs()));
    // The crashed instance had sent and marked bob's device, then died before deleting the record.
    Device bob = world.devices.byId.values().iterator().next();
    Await.result(world.pending.markSent("r1:1:" + bob.deviceId(), world.now.get(), 1_000_000));
    assertThat(claimed).isNotNull();
    world.now.addAndGet(PushWorld.POLICY.leaseMs());
    assertThat(Await.result(scheduler.poll(100))).as("the expired claim is taken again").isEqualTo(1);
    assertThat(world.fcm.sent).isEmpty();
  }

  @Test
  @DisplayName("id-only pushes carry room and seq only; previews are cut")
  void privacy() {
    PushPolicy idOnly = new PushPolicy(10_000, 60_000, 3, 1_000, 60_000, true, 20, 3600, 86_400_000);
    assertThat(idOnly.preview("secret")).isNull();
    PushMessage m = new PushDecider(idOnly).message(
        new Pending.RoomBatch("x", "c", "r1", 1, 1, 1, "alice", java.util.Set.of(), null), world.rooms.get("r1"), "bob", 0);
    assertThat(m.preview()).isNull();
    assertThat(m.senderName()).isEmpty();
    assertThat(m.roomName()).isEmpty();
    assertThat(PushWorld.POLICY.preview("x".repeat(50))).hasSize(20).endsWith("…");
  }
}

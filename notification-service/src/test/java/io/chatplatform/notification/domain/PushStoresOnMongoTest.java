package io.chatplatform.notification.domain;

import io.chatplatform.notification.providers.webpush.WebPushEndpoints;
import static io.chatplatform.notification.domain.PushWorld.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.notification.NotificationApi.NewMessage;
import io.chatplatform.embeddedstore.EmbeddedMongo;
import io.chatplatform.notification.store.MongoDeviceStore;
import io.chatplatform.notification.store.MongoPendingStore;
import io.chatplatform.notification.store.MongoRoomModes;
import io.chatplatform.runtime.MongoConfig;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mongo.MongoClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The push stores on the embedded MongoDB (the same client code as production). */
@DisplayName("Push stores over MongoDB")
class PushStoresOnMongoTest {
  final Vertx vertx = Vertx.vertx();
  @TempDir Path dir;
  EmbeddedMongo embedded;
  MongoClient mongo;

  void open() {
    embedded = EmbeddedMongo.onFile(dir.resolve("push.mv.db"));
    mongo = MongoClient.create(vertx, MongoConfig.from(Settings.of(Map.of("MONGO_URI", embedded.connectionString()))).clientConfig());
  }

  void restart() {
    Await.result(mongo.close());
    embedded.close();
    open();
  }

  @AfterEach
  void close() {
    Await.result(vertx.close());
    if (embedded != null) {
      embedded.close();
    }
  }

  /** One notice as the buffer writes it with PUSH_NOTICE_LINGER_MS=0: its preview is its text. */
  static RoomNotices notice(NewMessage m, long due) {
    return RoomNotices.of(m, m.text(), due);
  }

  MongoPendingStore pendingStore() {
    MongoPendingStore store = new MongoPendingStore(mongo);
    Await.result(store.createIndexes());
    return store;
  }

  @Test
  @DisplayName("devices: the cap drops the oldest, a re-registered token moves and is never duplicated")
  void devices() {
    open();
    MongoDeviceStore store = new MongoDeviceStore(mongo);
    Await.result(store.createIndexes());
    AtomicLong now = new AtomicLong(1000);
    Devices devices = new Devices(store, WebPushEndpoints.parse(WebPushEndpoints.DEFAULT), 2, now::incrementAndGet);
    Device a = Await.result(devices.register(DevicesTest.fcm("u1", "fcm-token-aaaaaaaaaa")));
    Await.result(devices.register(DevicesTest.fcm("u1", "fcm-token-bbbbbbbbbb")));
    Device again = Await.result(devices.register(DevicesTest.fcm("u2", "fcm-token-aaaaaaaaaa")));
    assertThat(again.deviceId()).isEqualTo(a.deviceId());
    assertThat(Await.result(store.ofUser("u1"))).extracting(Device::token).containsExactly("fcm-token-bbbbbbbbbb");
    assertThat(Await.result(store.ofUser("u2"))).extracting(Device::deviceId).containsExactly(a.deviceId());
    Await.result(devices.register(DevicesTest.fcm("u1", "fcm-token-cccccccccc")));
    Await.result(devices.register(DevicesTest.fcm("u1", "fcm-token-dddddddddd")));
    assertThat(Await.result(store.ofUser("u1"))).extracting(Device::token).containsExactly("fcm-token-dddddddddd", "fcm-token-cccccccccc");
    assertThat(Await.result(store.ofUsers(List.of("u1", "u2")))).hasSize(3);
  }

  @Test
  @DisplayName("pending: messages of a room collapse into one batch; a repeated seq adds to the count only; modes round-trip")
  void collapse() {
    open();
    MongoPendingStore store = pendingStore();
    Await.result(store.add(notice(message("r1", 1, "alice", "one"), 5_000)));
    Await.result(store.add(notice(message("r1", 2, "bob", "two", "carol"), 9_000)));
    Await.result(store.add(notice(message("r1", 2, "bob", "two", "carol"), 9_000)));
    Await.result(store.add(notice(message("r2", 7, "bob", "x"), 6_000)));
    Pending.RoomBatch batch = (Pending.RoomBatch) Await.result(store.claim(5_000, 60_000));
    assertThat(batch.roomId()).isEqualTo("r1");
    assertThat(batch.count())
        .as("seq 2 announced again is counted again: the push's count never exceeds the seqs spanned (PushSchedulerTest#burstCollapsed)")
        .isEqualTo(3);
    assertThat(batch.firstSeq()).isEqualTo(1);
    assertThat(batch.lastSeq()).isEqualTo(2);
    assertThat(batch.lastSenderId()).isEqualTo("bob");
    assertThat(batch.mentions()).containsExactly("carol");
    assertThat(batch.preview()).isEqualTo("two");
    // While r1's batch is being handled, a new message opens a new batch instead of joining it.
    Await.result(store.add(notice(message("r1", 3, "alice", "three"), 20_000)));
    Await.result(store.done(batch));
    Pending.RoomBatch next = (Pending.RoomBatch) Await.result(store.claim(20_000, 60_000));
    assertThat(next.roomId()).isEqualTo("r2");
    Pending.RoomBatch third = (Pending.RoomBatch) Await.result(store.claim(20_000, 60_000));
    assertThat(third.roomId()).isEqualTo("r1");
    assertThat(third.firstSeq()).isEqualTo(3);

    MongoRoomModes modes = new MongoRoomModes(mongo);
    Await.result(modes.set("u1", "r1", RoomModes.MENTIONS));
    Await.result(modes.set("u2", "r1", RoomModes.NONE));
    Await.result(modes.set("u2", "r1", RoomModes.ALL));
    assertThat(Await.result(modes.of("r1", List.of("u1", "u2", "u3")))).isEqualTo(Map.of("u1", RoomModes.MENTIONS));
  }

  @Test
  @DisplayName("pending: merged notices are one upsert; a later one moves the batch on; an older one adds its count, mentions and first seq")
  void mergedNotices() {
    open();
    MongoPendingStore store = pendingStore();
    Await.result(store.add(new RoomNotices("r1", 4, 6, "bob", "six", 3, Set.of("carol"), 5_000)));
    Await.result(store.add(new RoomNotices("r1", 7, 9, "carol", "nine", 2, Set.of("dave"), 7_000)));
    // Late: another instance's notices of seqs the batch already passed.
    Await.result(store.add(new RoomNotices("r1", 2, 5, "alice", "five", 2, Set.of("erin"), 6_000)));
    Pending.RoomBatch batch = (Pending.RoomBatch) Await.result(store.claim(5_000, 60_000));
    assertThat(batch).isNotNull();
    assertThat(batch.roomId()).isEqualTo("r1");
    assertThat(batch.firstSeq()).isEqualTo(2);
    assertThat(batch.lastSeq()).isEqualTo(9);
    assertThat(batch.lastSenderId()).isEqualTo("carol");
    assertThat(batch.preview()).isEqualTo("nine");
    assertThat(batch.count()).isEqualTo(7);
    assertThat(batch.mentions()).containsExactlyInAnyOrder("carol", "dave", "erin");
    assertThat(Await.result(store.claim(64_999, 60_000))).as("one batch (within its lease): the later writes joined it").isNull();

    // Notices of a batch claimed meanwhile open the next one, due from their own first arrival.
    Await.result(store.add(new RoomNotices("r1", 8, 8, "bob", "eight", 1, Set.of(), 20_000)));
    assertThat(Await.result(store.claim(19_999, 60_000))).isNull();
    Pending.RoomBatch next = (Pending.RoomBatch) Await.result(store.claim(20_000, 60_000));
    assertThat(next.firstSeq()).isEqualTo(8);
    assertThat(next.count()).isEqualTo(1);
  }

  @Test
  @DisplayName("pending: of many claims at once exactly one gets the record; an expired claim can be taken again")
  void claimAtomic() {
    open();
    MongoPendingStore store = pendingStore();
    MongoPendingStore other = new MongoPendingStore(mongo);
    Await.result(store.add(notice(message("r1", 1, "alice", "hi"), 1_000)));
    List<Future<Pending>> claims = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      claims.add((i % 2 == 0 ? store : other).claim(1_000, 60_000));
    }
    Await.result(Future.join(claims));
    List<Pending> won = claims.stream().map(Future::result).filter(Objects::nonNull).toList();
    assertThat(won).hasSize(1);
    assertThat(Await.result(other.claim(60_999, 60_000))).as("within the lease").isNull();
    Pending retaken = Await.result(other.claim(61_000, 60_000));
    assertThat(retaken).as("after the lease (the claimer crashed)").isNotNull();
    Await.result(store.done(won.get(0)));
    Pending still = Await.result(other.claim(200_000, 60_000));
    assertThat(still).as("the stale claim could not delete it").isNotNull();
    Await.result(other.done(still));
    assertThat(Await.result(other.claim(400_000, 60_000))).as("the current claim did").isNull();
  }

  @Test
  @DisplayName("pending pushes, retries and sent markers survive a restart of the store and the service")
  void surviveRestart() {
    open();
    MongoPendingStore before = pendingStore();
    Await.result(before.add(notice(message("r1", 4, "alice", "hi"), 10_000)));
    PushMessage m = new PushMessage("r1", "Team", 4, 1, "alice", "hi", "r1", false, null, 60);
    Await.result(before.retry("bob", List.of("d_1"), m, 1, 12_000));
    Await.result(before.markSent("r1:4:d_2", 0, 3_600_000));
    restart();
    MongoPendingStore after = new MongoPendingStore(mongo);
    assertThat(Await.result(after.claim(9_999, 60_000))).as("not yet due").isNull();
    assertThat(Await.result(after.claim(12_000, 60_000))).isInstanceOf(Pending.RoomBatch.class);
    Pending.MemberRetry retry = (Pending.MemberRetry) Await.result(after.claim(12_000, 60_000));
    assertThat(retry.message()).isEqualTo(m);
    assertThat(retry.deviceIds()).containsExactly("d_1");
    assertThat(retry.attempts()).isEqualTo(1);
    assertThat(Await.result(after.wasSent("r1:4:d_2"))).isTrue();
    assertThat(Await.result(after.wasSent("r1:4:d_1"))).isFalse();
  }
}

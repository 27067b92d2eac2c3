package io.chatplatform.history.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.history.HistoryApi.Behind;
import io.chatplatform.contracts.history.HistoryApi.BehindQuery;
import io.chatplatform.contracts.history.HistoryApi.MemberMarks;
import io.chatplatform.history.store.MemoryDeliveredIndex;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Who is behind, for the push decision")
class BehindMembersTest {
  /** MongoDB's receipts, as the truth: counts every watermark it is asked for. */
  final Map<String, Long> stored = new HashMap<>();
  final List<String> read = new ArrayList<>();
  final MemoryDeliveredIndex index = new MemoryDeliveredIndex(100);
  final BehindMembers behind = new BehindMembers(index, (roomId, userIds) -> {
    read.addAll(userIds);
    return Future.succeededFuture(userIds.stream().map(id -> new MemberMarks(id, stored.getOrDefault(id, 0L), 0)).toList());
  });

  List<String> members(int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add("u_" + i);
    }
    return ids;
  }

  @Test
  @DisplayName("a 100-member room where everyone acknowledged reads no watermark once its index is built")
  void upToDateRoomCostsNothing() {
    List<String> members = members(100);
    members.forEach(id -> stored.put(id, 5L));
    assertThat(Await.result(behind.find(new BehindQuery("r", 5, 7, List.of())))).isEqualTo(Behind.OUT_OF_DATE);
    Behind built = Await.result(behind.find(new BehindQuery("r", 5, 7, members)));
    assertThat(built.current()).isTrue();
    assertThat(built.members()).isEmpty();
    assertThat(read).as("the build reads every member once").hasSize(100);

    read.clear();
    members.forEach(id -> stored.put(id, 6L));
    members.forEach(id -> Await.result(index.raise("r", id, 6L)));
    Behind next = Await.result(behind.find(new BehindQuery("r", 6, 7, List.of())));
    assertThat(next.current()).isTrue();
    assertThat(next.members()).isEmpty();
    assertThat(read).as("nobody named, nobody read").isEmpty();
  }

  @Test
  @DisplayName("an entry that lags (a lost raise) is checked against MongoDB and not reported; one truly behind is")
  void laggingEntriesAreChecked() {
    List<String> members = members(3);
    Await.result(behind.find(new BehindQuery("r", 1, 2, members)));
    stored.put("u_0", 4L); // acknowledged, but the raise never reached the index
    stored.put("u_1", 4L);
    Await.result(index.raise("r", "u_1", 4L));
    Behind found = Await.result(behind.find(new BehindQuery("r", 4, 2, List.of())));
    assertThat(found.members()).containsExactly(new MemberMarks("u_2", 0, 0));
    assertThat(read.subList(3, read.size())).as("only the two the index named").containsExactlyInAnyOrder("u_0", "u_2");
  }

  @Test
  @DisplayName("another membership version, or no version known, is out of date: the caller sends the members")
  void versionMismatch() {
    Await.result(behind.find(new BehindQuery("r", 1, 2, members(2))));
    assertThat(Await.result(behind.find(new BehindQuery("r", 1, 3, List.of())))).isEqualTo(Behind.OUT_OF_DATE);
    assertThat(Await.result(behind.find(new BehindQuery("r", 1, 0, List.of())))).isEqualTo(Behind.OUT_OF_DATE);
    Behind unversioned = Await.result(behind.find(new BehindQuery("r", 1, 0, members(2))));
    assertThat(unversioned.members()).extracting(MemberMarks::userId).containsExactly("u_0", "u_1");
  }

  @Test
  @DisplayName("an index that fails is out of date, and a failed rebuild still answers from MongoDB")
  void failingIndex() {
    DeliveredIndex broken = new DeliveredIndex() {
      @Override
      public Future<Void> raise(String roomId, String userId, long delivered) {
        return Future.failedFuture("down");
      }

      @Override
      public Future<List<String>> below(String roomId, long seq, long version) {
        return Future.failedFuture("down");
      }

      @Override
      public Future<Void> rebuild(String roomId, long version, Map<String, Long> delivered) {
        return Future.failedFuture("down");
      }
    };
    BehindMembers degraded = new BehindMembers(broken, (roomId, userIds) ->
        Future.succeededFuture(userIds.stream().map(id -> new MemberMarks(id, stored.getOrDefault(id, 0L), 0)).toList()));
    stored.put("u_0", 3L);
    assertThat(Await.result(degraded.find(new BehindQuery("r", 3, 1, List.of())))).isEqualTo(Behind.OUT_OF_DATE);
    assertThat(Await.result(degraded.find(new BehindQuery("r", 3, 1, members(2)))).members())
        .containsExactly(new MemberMarks("u_1", 0, 0));
  }
}

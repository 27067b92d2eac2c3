package io.chatplatform.chat.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.chat.domain.AuditLog.Filter;
import io.chatplatform.chat.store.MongoAuditLog;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The audit log over MongoDB: append order, filters, paging. */
@DisplayName("Audit log over MongoDB")
class AuditLogOnMongoTest {
  final OnEmbeddedMongo db = new OnEmbeddedMongo();
  final MongoAuditLog log = new MongoAuditLog(db.mongo);

  @BeforeEach
  void prepare() {
    Await.result(log.createIndexes());
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  @DisplayName("entries come back newest first, filtered by every field, paged by the last id")
  void filtersAndPages() {
    List<Future<AuditEntry>> appends = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      // Two appends per millisecond: ids must still be distinct and ordered by time.
      appends.add(log.append(AuditEntry.of(1_000 + i / 2, i % 2 == 0 ? "alice" : "bob", AuditEntry.KICK, "carol",
          "r" + (i % 3), null, "spam " + i, null)));
    }
    Await.result(Future.all(appends));

    List<AuditEntry> all = Await.result(log.find(Filter.all(), 100));
    assertThat(all).hasSize(10);
    assertThat(all).extracting(AuditEntry::id).doesNotHaveDuplicates();
    assertThat(all).extracting(AuditEntry::at).isSortedAccordingTo((a, b) -> Long.compare(b, a));

    assertThat(Await.result(log.find(new Filter("alice", null, null, null, null, null, null), 100)))
        .hasSize(5).allSatisfy(e -> assertThat(e.actorId()).isEqualTo("alice"));
    assertThat(Await.result(log.find(new Filter(null, null, "r1", null, null, null, null), 100)))
        .hasSize(3).allSatisfy(e -> assertThat(e.roomId()).isEqualTo("r1"));
    assertThat(Await.result(log.find(new Filter(null, "carol", null, AuditEntry.BAN, null, null, null), 100))).isEmpty();
    assertThat(Await.result(log.find(new Filter(null, null, null, null, 1_001L, 1_003L, null), 100)))
        .hasSize(4).allSatisfy(e -> assertThat(e.at()).isBetween(1_001L, 1_002L));

    List<AuditEntry> first = Await.result(log.find(Filter.all(), 4));
    List<AuditEntry> second = Await.result(log.find(new Filter(null, null, null, null, null, null, first.get(3).id()), 4));
    assertThat(first).hasSize(4);
    assertThat(second).hasSize(4);
    assertThat(second.get(0).id()).isLessThan(first.get(3).id());
    assertThat(all.subList(4, 8)).isEqualTo(second);
    assertThat(second.get(0).reason()).startsWith("spam ");
  }
}

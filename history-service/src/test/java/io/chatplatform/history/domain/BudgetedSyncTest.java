package io.chatplatform.history.domain;

import static io.chatplatform.history.domain.Messages.inflating;
import static io.chatplatform.history.domain.Messages.sizeOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.history.HistoryApi.SyncPages;
import io.chatplatform.contracts.history.Message;
import io.chatplatform.contracts.history.MessagePage;
import io.chatplatform.history.domain.Messages.MapHistory;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A chat.sync answer within its byte budget")
class BudgetedSyncTest {
  static final int PAGE_SIZE = 100;

  static SyncPages answer(BudgetedSync sync, Map<String, Long> from) {
    return sync.answer(from).result();
  }

  static Map<String, Long> fromZero(MapHistory history) {
    Map<String, Long> from = new LinkedHashMap<>();
    history.rooms.keySet().forEach(id -> from.put(id, 0L));
    return from;
  }

  @Test
  @DisplayName("30 rooms x 40 inflated messages from seq 0: every answer within the budget, asking again from the last seq "
      + "received catches up each message exactly once")
  void catchUpWithinTheBudget() {
    MapHistory history = new MapHistory();
    for (int r = 0; r < 30; r++) {
      history.with("r_" + r, 40, inflating(500));
    }
    int budget = 64 * 1024;
    BudgetedSync sync = new BudgetedSync(history, PAGE_SIZE, budget);
    Map<String, Long> from = fromZero(history);
    Map<String, TreeSet<Long>> received = new HashMap<>();
    int rounds = 0;
    boolean sawNotRead = false;
    while (!from.isEmpty()) {
      rounds++;
      SyncPages pages = answer(sync, from);
      assertThat(sizeOf(pages)).as("round %d", rounds).isLessThanOrEqualTo(budget);
      assertThat(pages.rooms().keySet()).containsExactlyElementsOf(from.keySet());
      Map<String, Long> next = new LinkedHashMap<>();
      int messages = 0;
      for (Map.Entry<String, MessagePage> room : pages.rooms().entrySet()) {
        MessagePage page = room.getValue();
        long last = from.get(room.getKey());
        for (Message m : page.messages()) {
          assertThat(m.seq()).isEqualTo(last + 1);
          assertThat(received.computeIfAbsent(room.getKey(), k -> new TreeSet<>()).add(m.seq())).isTrue();
          last = m.seq();
        }
        messages += page.messages().size();
        sawNotRead |= page.equals(BudgetedSync.NOT_READ);
        assertThat(page.hasMore()).as("%s answered up to %d", room.getKey(), last).isEqualTo(last < 40);
        if (page.hasMore()) {
          next.put(room.getKey(), last);
        }
      }
      assertThat(messages).as("round %d advances", rounds).isPositive();
      from = next;
    }
    assertThat(received).hasSize(30).allSatisfy((id, seqs) -> assertThat(seqs).hasSize(40));
    assertThat(sawNotRead).as("rooms the budget did not reach were answered 'not read yet'").isTrue();
  }

  @Test
  @DisplayName("reading stops once the budget is spent: the rooms after it are not read")
  void stopsReading() {
    MapHistory history = new MapHistory();
    for (int r = 0; r < 10; r++) {
      history.with("r_" + r, 10, inflating(500));
    }
    SyncPages pages = answer(new BudgetedSync(history, PAGE_SIZE, 40 * 1024), fromZero(history));
    assertThat(history.ranged).containsExactly("r_0", "r_1");
    long answered = pages.rooms().values().stream().mapToLong(p -> p.messages().size()).sum();
    assertThat(history.messagesRead).as("read past the reply: the one that did not fit").isEqualTo(answered + 1);
    assertThat(pages.rooms().get("r_0").hasMore()).isFalse();
    assertThat(pages.rooms().get("r_1").messages()).hasSizeBetween(1, 5);
    assertThat(pages.rooms().get("r_1").hasMore()).isTrue();
    for (int r = 2; r < 10; r++) {
      assertThat(pages.rooms().get("r_" + r)).isEqualTo(BudgetedSync.NOT_READ);
    }
  }

  @Test
  @DisplayName("a room of large messages is read in reads sized to the budget left, not whole: little is read that the answer does not carry")
  void readsSizedToTheBudget() {
    MapHistory history = new MapHistory().with("r_big", 100, inflating(4000));
    SyncPages pages = answer(new BudgetedSync(history, PAGE_SIZE, 256 * 1024), fromZero(history));
    int answered = pages.rooms().get("r_big").messages().size();
    assertThat(answered).as("24 KB each in 256 KiB").isEqualTo(10);
    assertThat(history.messagesRead).as("the first read, before any size is known").isEqualTo(ReplyBudget.FIRST_READ);

    MapHistory small = new MapHistory().with("r_small", 100, "hi");
    answer(new BudgetedSync(small, PAGE_SIZE, 256 * 1024), fromZero(small));
    assertThat(small.ranged).as("16 messages, then the other 84 in one read").hasSize(2);
    assertThat(small.messagesRead).isEqualTo(100);
  }

  @Test
  @DisplayName("a room with nothing new is answered from the last seqs alone, hasMore false, with its epoch, even past the budget")
  void nothingNewIsNotRead() {
    MapHistory history = new MapHistory().with("r_full", 50, inflating(500)).with("r_quiet", 3, "hi").with("r_new", 3, "hi");
    Map<String, Long> from = new LinkedHashMap<>();
    from.put("r_full", 0L);
    from.put("r_quiet", 3L);
    from.put("r_new", 1L);
    from.put("r_never_written", 0L);
    SyncPages pages = answer(new BudgetedSync(history, PAGE_SIZE, 10 * 1024), from);
    assertThat(history.ranged).containsExactly("r_full");
    assertThat(pages.rooms().get("r_quiet")).isEqualTo(new MessagePage(java.util.List.of(), false, "epoch-r_quiet"));
    assertThat(pages.rooms().get("r_never_written")).isEqualTo(new MessagePage(java.util.List.of(), false, null));
    assertThat(pages.rooms().get("r_new")).as("not reached: the budget went to r_full").isEqualTo(BudgetedSync.NOT_READ);
  }

  @Test
  @DisplayName("a first message larger than the whole budget is still answered, so asking again always advances")
  void progress() {
    MapHistory history = new MapHistory().with("r_quiet", 0, "").with("r_big", 3, inflating(4000));
    Map<String, Long> from = new LinkedHashMap<>();
    from.put("r_quiet", 0L);
    from.put("r_big", 0L);
    SyncPages pages = answer(new BudgetedSync(history, PAGE_SIZE, 1_000), from);
    assertThat(pages.rooms().get("r_big").messages()).extracting(Message::seq).containsExactly(1L);
    assertThat(pages.rooms().get("r_big").hasMore()).isTrue();
  }

  @Test
  @DisplayName("small messages: at most HISTORY_SYNC_PAGE_SIZE a room, hasMore when more follow; none asked, none answered")
  void pageSize() {
    MapHistory history = new MapHistory().with("r_a", 12, "hi").with("r_b", 5, "hi");
    SyncPages pages = answer(new BudgetedSync(history, 5, 1024 * 1024), fromZero(history));
    assertThat(pages.rooms().get("r_a").messages()).extracting(Message::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(pages.rooms().get("r_a").hasMore()).isTrue();
    assertThat(pages.rooms().get("r_b").messages()).hasSize(5);
    assertThat(pages.rooms().get("r_b").hasMore()).isFalse();
    assertThat(answer(new BudgetedSync(history, 5, 1024 * 1024), Map.of()).rooms()).isEmpty();
  }

  @Test
  @DisplayName("changes: 20 rooms x 30 edited inflated messages; every answer within the budget, asking again from the last "
      + "updatedSeq received brings each change exactly once; rooms not asked for changes answer none")
  void changesWithinTheBudget() {
    MapHistory history = new MapHistory();
    for (int r = 0; r < 20; r++) {
      history.rooms.put("r_" + r, Messages.editedRoom("r_" + r, 30, inflating(500)));
    }
    history.with("quiet", 3, "unchanged");
    int budget = 64 * 1024;
    BudgetedSync sync = new BudgetedSync(history, PAGE_SIZE, budget);
    Map<String, Long> held = new LinkedHashMap<>();
    history.rooms.forEach((id, messages) -> held.put(id, (long) messages.size()));
    Map<String, Long> changesFrom = new LinkedHashMap<>();
    history.rooms.keySet().stream().filter(id -> id.startsWith("r_")).forEach(id -> changesFrom.put(id, 0L));
    Map<String, TreeSet<Long>> received = new HashMap<>();
    int rounds = 0;
    while (!changesFrom.isEmpty()) {
      rounds++;
      SyncPages pages = sync.answer(held, changesFrom).result();
      assertThat(sizeOf(pages)).as("round %d", rounds).isLessThanOrEqualTo(budget);
      assertThat(pages.rooms().get("quiet").changes()).isNull();
      Map<String, Long> next = new LinkedHashMap<>();
      for (Map.Entry<String, Long> room : changesFrom.entrySet()) {
        MessagePage.Changes changes = pages.rooms().get(room.getKey()).changes();
        assertThat(pages.rooms().get(room.getKey()).messages()).isEmpty();
        assertThat(changes.updatedSeq()).isEqualTo(30);
        long last = room.getValue();
        for (Message m : changes.messages()) {
          assertThat(m.updatedSeq()).isGreaterThan(last);
          assertThat(received.computeIfAbsent(room.getKey(), k -> new TreeSet<>()).add(m.seq())).isTrue();
          last = m.updatedSeq();
        }
        if (changes.hasMore()) {
          next.put(room.getKey(), last);
        }
      }
      changesFrom.clear();
      changesFrom.putAll(next);
      assertThat(rounds).isLessThan(100);
    }
    System.out.printf("600 changes of 20 rooms in %d answers of at most %d bytes%n", rounds, budget);
    assertThat(received).hasSize(20);
    received.values().forEach(seqs -> assertThat(seqs).hasSize(30));
  }
}

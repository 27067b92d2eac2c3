package io.chatplatform.history.domain;

import static io.chatplatform.history.domain.Messages.inflating;
import static io.chatplatform.history.domain.Messages.message;
import static io.chatplatform.history.domain.Messages.room;
import static io.chatplatform.history.domain.Messages.sizeOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.history.Message;
import io.chatplatform.contracts.history.MessagePage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A history page within its byte budget")
class ReplyBudgetTest {
  static final List<Message> TEN = room("r_a", 10, inflating(200));

  @Test
  @DisplayName("a message's size is the bytes of its JSON as the client receives it: a control character counts six")
  void sizeIsTheEscapedJson() {
    int empty = ReplyBudget.sizeOf(message("r_a", 1, ""));
    assertThat(ReplyBudget.sizeOf(message("r_a", 1, inflating(100)))).isEqualTo(empty + 600);
    assertThat(ReplyBudget.sizeOf(message("r_a", 1, "é".repeat(100)))).as("two UTF-8 bytes each").isEqualTo(empty + 200);
  }

  @Test
  @DisplayName("a page over the budget keeps as many messages as fit, nearest its cursor, and says hasMore")
  void cutFromTheFarSide() {
    int budget = 4 * ReplyBudget.sizeOf(TEN.get(0)) + 200;
    MessagePage read = new MessagePage(TEN, false, "e1");

    MessagePage forward = ReplyBudget.fit(read, budget, false);
    assertThat(forward.messages()).extracting(Message::seq).containsExactly(1L, 2L, 3L, 4L);
    assertThat(forward.hasMore()).as("newer messages were left out").isTrue();
    assertThat(forward.epoch()).isEqualTo("e1");
    assertThat(sizeOf(forward)).isLessThanOrEqualTo(budget);
    assertThat(sizeOf(new MessagePage(TEN.subList(0, 5), true, "e1"))).as("one more would not fit").isGreaterThan(budget);

    MessagePage backward = ReplyBudget.fit(read, budget, true);
    assertThat(backward.messages()).extracting(Message::seq).as("ascending, the newest kept").containsExactly(7L, 8L, 9L, 10L);
    assertThat(backward.hasMore()).as("older messages were left out").isTrue();
    assertThat(sizeOf(backward)).isLessThanOrEqualTo(budget);
  }

  @Test
  @DisplayName("a page within the budget is answered as read")
  void withinTheBudget() {
    MessagePage read = new MessagePage(TEN, false, "e1");
    // The budget counts a comma before every message, one more than the JSON has.
    assertThat(ReplyBudget.fit(read, sizeOf(read) + 1, false)).isEqualTo(read);
    assertThat(ReplyBudget.fit(new MessagePage(List.of(), false, null), 1, true).messages()).isEmpty();
  }

  @Test
  @DisplayName("a message larger than the whole budget is still answered, alone, so the next page advances")
  void progressOverABudgetTooSmall() {
    MessagePage fitted = ReplyBudget.fit(new MessagePage(TEN, false, "e1"), 100, false);
    assertThat(fitted.messages()).extracting(Message::seq).containsExactly(1L);
    assertThat(fitted.hasMore()).isTrue();
  }

  @Test
  @DisplayName("once a message does not fit, nothing more is taken, not even a smaller one: no gap in what is answered")
  void noGaps() {
    List<Message> mixed = new ArrayList<>(List.of(message("r_a", 1, "a"), message("r_a", 2, inflating(1000)), message("r_a", 3, "c")));
    ReplyBudget budget = new ReplyBudget(ReplyBudget.sizeOf(mixed.get(0)) + 1 + 300);
    assertThat(budget.take(mixed.get(0))).isTrue();
    assertThat(budget.take(mixed.get(1))).isFalse();
    assertThat(budget.take(mixed.get(2))).isFalse();
    assertThat(budget.spent()).isTrue();
    assertThat(budget.used()).isEqualTo(ReplyBudget.sizeOf(mixed.get(0)) + 1);
  }
}

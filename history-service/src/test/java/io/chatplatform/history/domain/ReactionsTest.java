package io.chatplatform.history.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.history.Reaction;
import io.chatplatform.history.domain.Reactions.Entry;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Reactions of a message")
class ReactionsTest {
  @Test
  @DisplayName("on adds the user once (idempotent), off removes them, an emoji nobody holds is dropped")
  void toggle() {
    List<Entry> one = Reactions.toggle(List.of(), "👍", "u1", true, 20);
    assertThat(one).containsExactly(new Entry("👍", List.of("u1")));
    assertThat(Reactions.toggle(one, "👍", "u1", true, 20)).isEqualTo(one);
    List<Entry> two = Reactions.toggle(one, "👍", "u2", true, 20);
    assertThat(two).containsExactly(new Entry("👍", List.of("u1", "u2")));
    assertThat(Reactions.toggle(two, "👍", "u1", false, 20)).containsExactly(new Entry("👍", List.of("u2")));
    assertThat(Reactions.toggle(one, "👍", "u1", false, 20)).isEmpty();
    assertThat(Reactions.toggle(one, "🎉", "u9", false, 20)).isEqualTo(one);
  }

  @Test
  @DisplayName("a new emoji past the cap of distinct emoji is bad_request; an emoji the message has still takes more users")
  void cap() {
    List<Entry> full = Reactions.toggle(Reactions.toggle(List.of(), "👍", "u1", true, 2), "🎉", "u1", true, 2);
    assertThatThrownBy(() -> Reactions.toggle(full, "😀", "u2", true, 2)).hasMessageContaining("at most 2 different reactions");
    assertThat(Reactions.toggle(full, "👍", "u2", true, 2).get(0).userIds()).containsExactly("u1", "u2");
  }

  @Test
  @DisplayName("clients see the count and the first N user ids of each emoji")
  void view() {
    List<Entry> all = List.of(new Entry("👍", List.of("u1", "u2", "u3")), new Entry("🎉", List.of("u4")));
    assertThat(Reactions.view(all, 2))
        .containsExactly(new Reaction("👍", 3, List.of("u1", "u2")), new Reaction("🎉", 1, List.of("u4")));
  }
}

package io.chatplatform.history.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.history.domain.DeliveredIndex;
import io.chatplatform.testsupport.Await;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What every {@link DeliveredIndex} does; run against each implementation. */
abstract class DeliveredIndexContract {
  abstract DeliveredIndex index();

  private static Map<String, Long> marks(Object... userThenMark) {
    Map<String, Long> marks = new HashMap<>();
    for (int i = 0; i < userThenMark.length; i += 2) {
      marks.put((String) userThenMark[i], ((Number) userThenMark[i + 1]).longValue());
    }
    return marks;
  }

  @Test
  @DisplayName("a room never built, or built at another version, is out of date (null)")
  void outOfDate() {
    assertThat(Await.result(index().below("r", 5, 1))).isNull();
    Await.result(index().rebuild("r", 3, marks("u_a", 1)));
    assertThat(Await.result(index().below("r", 5, 4))).isNull();
    assertThat(Await.result(index().below("r", 5, 3))).containsExactly("u_a");
  }

  @Test
  @DisplayName("below names exactly the members under the seq; a room of up-to-date members names none")
  void belowNamesOnlyThoseBehind() {
    Map<String, Long> marks = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      marks.put("u_" + i, 10L);
    }
    marks.put("u_late", 7L);
    marks.put("u_never", 0L);
    Await.result(index().rebuild("r", 2, marks));
    assertThat(Await.result(index().below("r", 10, 2))).containsExactlyInAnyOrder("u_late", "u_never");
    assertThat(Await.result(index().below("r", 8, 2))).containsExactlyInAnyOrder("u_late", "u_never");
    assertThat(Await.result(index().below("r", 7, 2))).containsExactly("u_never");
    assertThat(Await.result(index().below("r", 11, 2))).hasSize(102);
  }

  @Test
  @DisplayName("a raise moves an indexed member up, never down, and never adds one who was not indexed")
  void raises() {
    Await.result(index().rebuild("r", 1, marks("u_a", 2, "u_b", 2)));
    Await.result(index().raise("r", "u_a", 9));
    Await.result(index().raise("r", "u_b", 1));
    Await.result(index().raise("r", "u_stranger", 1));
    Await.result(index().raise("other", "u_a", 1));
    assertThat(Await.result(index().below("r", 9, 1))).containsExactly("u_b");
    assertThat(Await.result(index().below("r", 10, 1))).containsExactlyInAnyOrder("u_a", "u_b");
    assertThat(Await.result(index().below("other", 10, 1))).isNull();
  }

  @Test
  @DisplayName("a rebuild replaces the whole room: a removed member is gone")
  void rebuildReplaces() {
    Await.result(index().rebuild("r", 1, marks("u_a", 0, "u_b", 0)));
    Await.result(index().rebuild("r", 2, marks("u_b", 0, "u_c", 0)));
    assertThat(Await.result(index().below("r", 1, 2))).containsExactlyInAnyOrder("u_b", "u_c");
  }
}

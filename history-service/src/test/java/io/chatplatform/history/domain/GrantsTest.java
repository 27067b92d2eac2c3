package io.chatplatform.history.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Grants of the files endpoint")
class GrantsTest {
  final AtomicLong now = new AtomicLong(1_000);
  final Grants<String> grants = new Grants<>(100, 3, now::get);

  @Test
  @DisplayName("are used once")
  void singleUse() {
    String id = grants.issue("upload to r1");
    assertThat(id).hasSize(43);
    assertThat(grants.take(id)).isEqualTo("upload to r1");
    assertThat(grants.take(id)).isNull();
    assertThat(grants.take("made-up")).isNull();
    assertThat(grants.take(null)).isNull();
  }

  @Test
  @DisplayName("expire")
  void expire() {
    String id = grants.issue("x");
    now.addAndGet(100);
    assertThat(grants.take(id)).isNull();
  }

  @Test
  @DisplayName("are bounded: expired ones make room, live ones refuse more")
  void bounded() {
    grants.issue("a");
    grants.issue("b");
    now.addAndGet(100);
    grants.issue("c");
    String d = grants.issue("d");
    assertThat(grants.size()).as("the two expired ones were dropped to make room").isEqualTo(2);
    grants.issue("e");
    assertThat(grants.size()).isEqualTo(3);
    assertThatThrownBy(() -> grants.issue("f"))
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    assertThat(grants.take(d)).isEqualTo("d");
  }
}

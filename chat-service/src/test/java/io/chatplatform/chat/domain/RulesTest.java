package io.chatplatform.chat.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Input rules of protocol v1")
class RulesTest {

  @Test
  @DisplayName("usernames are 3-32 of a-z, 0-9, '_', '.', '-'")
  void usernames() {
    assertThat(Rules.username("bob.smith_2-x")).isEqualTo("bob.smith_2-x");
    for (String bad : new String[] {"ab", "Bob", "a".repeat(33), "bob smith", "bøb", "$where"}) {
      assertThatThrownBy(() -> Rules.username(bad))
          .isInstanceOf(ServiceException.class)
          .satisfies(e -> assertThat(((ServiceException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }
  }

  @Test
  @DisplayName("passwords are 8-128 characters")
  void passwords() {
    assertThat(Rules.password("12345678")).hasSize(8);
    assertThatThrownBy(() -> Rules.password("1234567")).isInstanceOf(ServiceException.class);
    assertThatThrownBy(() -> Rules.password("x".repeat(129))).isInstanceOf(ServiceException.class);
  }

  @Test
  @DisplayName("text is limited in characters, not bytes")
  void text() {
    String emoji = "😀".repeat(10);
    assertThat(Rules.text(emoji, 10)).isEqualTo(emoji);
    assertThatThrownBy(() -> Rules.text("x".repeat(11), 10)).isInstanceOf(ServiceException.class);
  }

  @Test
  @DisplayName("clientMsgId is a short token without separators or operators")
  void clientMsgIds() {
    assertThat(Rules.clientMsgId("3f2a-11:ab.c_d")).isEqualTo("3f2a-11:ab.c_d");
    for (String bad : new String[] {"", "with space", "x".repeat(65), "a\u001fb", "$ne"}) {
      assertThatThrownBy(() -> Rules.clientMsgId(bad)).isInstanceOf(ServiceException.class);
    }
  }

  @Test
  @DisplayName("a message needs text or attachments, and no file id is known yet")
  void content() {
    Rules.content("hi", List.of());
    assertThatThrownBy(() -> Rules.content(" \n", List.of())).isInstanceOf(ServiceException.class);
    assertThatThrownBy(() -> Rules.content("", List.of("f_1"))).isInstanceOf(ServiceException.class);
  }

  @Test
  @DisplayName("mentions are @username tokens, each once, not parts of e-mail addresses")
  void mentions() {
    assertThat(Rules.mentionedUsernames("hi @bob and @alice.w, also @bob! mail me at x@bob.com"))
        .containsExactly("bob", "alice.w");
    assertThat(Rules.mentionedUsernames("thanks @bob. and @carol-")).containsExactly("bob", "carol");
    assertThat(Rules.mentionedUsernames("no mentions here")).isEmpty();
  }
}

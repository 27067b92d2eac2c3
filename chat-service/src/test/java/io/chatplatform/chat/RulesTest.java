package io.chatplatform.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Input rules of protocol v1")
class RulesTest {

  @Test
  @DisplayName("usernames are 3-32 of a-z, 0-9, '_', '.', '-'")
  void usernames() {
    assertThat(Rules.username(new JsonObject().put("username", "bob.smith_2-x"))).isEqualTo("bob.smith_2-x");
    for (String bad : new String[] {"ab", "Bob", "a".repeat(33), "bob smith", "bøb", "$where"}) {
      assertThatThrownBy(() -> Rules.username(new JsonObject().put("username", bad)))
          .isInstanceOf(ServiceException.class)
          .satisfies(e -> assertThat(((ServiceException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }
    assertThatThrownBy(() -> Rules.username(new JsonObject().put("username", new JsonObject().put("$gt", ""))))
        .isInstanceOf(ServiceException.class);
  }

  @Test
  @DisplayName("passwords are 8-128 characters")
  void passwords() {
    assertThat(Rules.password(new JsonObject().put("password", "12345678"))).hasSize(8);
    assertThatThrownBy(() -> Rules.password(new JsonObject().put("password", "1234567"))).isInstanceOf(ServiceException.class);
    assertThatThrownBy(() -> Rules.password(new JsonObject().put("password", "x".repeat(129)))).isInstanceOf(ServiceException.class);
  }

  @Test
  @DisplayName("text is limited in characters, not bytes, and absent text is empty")
  void text() {
    String emoji = "😀".repeat(10);
    assertThat(Rules.text(new JsonObject().put("text", emoji), 10)).isEqualTo(emoji);
    assertThatThrownBy(() -> Rules.text(new JsonObject().put("text", "x".repeat(11)), 10)).isInstanceOf(ServiceException.class);
    assertThat(Rules.text(new JsonObject(), 10)).isEmpty();
    assertThatThrownBy(() -> Rules.text(new JsonObject().put("text", 5), 10)).isInstanceOf(ServiceException.class);
  }

  @Test
  @DisplayName("clientMsgId is a short token without separators or operators")
  void clientMsgIds() {
    assertThat(Rules.clientMsgId(new JsonObject().put("clientMsgId", "3f2a-11:ab.c_d"))).isEqualTo("3f2a-11:ab.c_d");
    for (String bad : new String[] {"", "with space", "x".repeat(65), "a\u001fb", "$ne"}) {
      assertThatThrownBy(() -> Rules.clientMsgId(new JsonObject().put("clientMsgId", bad))).isInstanceOf(ServiceException.class);
    }
  }

  @Test
  @DisplayName("attachments must be a list of ids, replyTo a positive whole number, seq cursors whole numbers")
  void structuredFields() {
    assertThat(Rules.attachments(new JsonObject())).isEmpty();
    assertThatThrownBy(() -> Rules.attachments(new JsonObject().put("attachments", new JsonArray().add(1)))).isInstanceOf(ServiceException.class);
    assertThat(Rules.replyTo(new JsonObject().put("replyTo", 3))).isEqualTo(3L);
    assertThatThrownBy(() -> Rules.replyTo(new JsonObject().put("replyTo", 0))).isInstanceOf(ServiceException.class);
    assertThatThrownBy(() -> Rules.replyTo(new JsonObject().put("replyTo", 1.5))).isInstanceOf(ServiceException.class);
    assertThat(Rules.optionalSeq(new JsonObject().put("before", "12"), "before")).isEqualTo(12L);
    assertThat(Rules.optionalSeq(new JsonObject(), "before")).isNull();
    assertThatThrownBy(() -> Rules.optionalSeq(new JsonObject().put("before", "-1"), "before")).isInstanceOf(ServiceException.class);
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

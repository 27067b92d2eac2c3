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
  @DisplayName("usernames are 3-32 of a-z, 0-9, '_', '.', '-' in any case, kept in lower case")
  void usernames() {
    assertThat(Rules.username("bob.smith_2-x")).isEqualTo("bob.smith_2-x");
    assertThat(Rules.username("Bob.SMITH")).as("any case, stored lower").isEqualTo("bob.smith");
    for (String bad : new String[] {"ab", "a".repeat(33), "bob smith", "bøb", "$where", "\u212Aelvin"}) {
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
  @DisplayName("a lone surrogate is refused in text and names rather than stored as U+FFFD")
  void loneSurrogates() {
    for (String bad : new String[] {"\uD800", "a\uDC00b", "x\uD83D"}) {
      assertThatThrownBy(() -> Rules.text(bad, 100)).as(bad).isInstanceOf(ServiceException.class).hasMessageContaining("surrogate");
      assertThatThrownBy(() -> Rules.roomName(bad, 100)).as(bad).isInstanceOf(ServiceException.class).hasMessageContaining("surrogate");
      assertThatThrownBy(() -> Rules.displayName(bad, "bob")).as(bad).isInstanceOf(ServiceException.class);
    }
    assertThat(Rules.text("ok \uD83D\uDE00", 100)).isEqualTo("ok 😀");
  }

  @Test
  @DisplayName("names refuse bidi controls, zero-width and invisible-only text; joiners and emoji selectors where scripts need them pass")
  void names() {
    String[] refused = {
      "admin\u202Egnp.exe", // right-to-left override
      "\u2066alice\u2069", // isolates
      "ali\u200Bce", // zero-width space
      "\u200Balice", "bob\u2060", "\uFEFFbob", "a\u00ADb", // word joiner, BOM, soft hyphen
      "\u3164", "\u3164\u3164", "\u2800", "\u115F\u1160", // fillers and the braille blank
      "\u0301\u0301", // marks on nothing
      "\u200Dalice", "alice\u200C", // joiners at the edges
      "bob\u2028x", "tab\tbed",
    };
    for (String bad : refused) {
      assertThatThrownBy(() -> Rules.roomName(bad, 64)).as(bad).isInstanceOf(ServiceException.class)
          .satisfies(e -> assertThat(((ServiceException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST));
      assertThatThrownBy(() -> Rules.displayName(bad, "bob")).as(bad).isInstanceOf(ServiceException.class);
    }
    String[] allowed = {
      "Zoë", "Zoe\u0308", "می\u200Cخواهم", "👨\u200D👩\u200D👧", "❤\uFE0F team", "日本語チャット", "  padded  ",
    };
    for (String good : allowed) {
      assertThat(Rules.roomName(good, 64)).as(good).isEqualTo(UnicodeText.normalized(good).strip());
    }
    assertThat(Rules.displayName("Zoe\u0308", "zoe")).as("NFC").isEqualTo("Zoë");
    assertThat(Rules.displayName("   ", "bob")).as("blank falls back to the username").isEqualTo("bob");
  }

  @Test
  @DisplayName("a message of only spaces and invisible characters has no text")
  void invisibleText() {
    for (String invisible : new String[] {" \n", "\u200B", "\u200B\u200D\u2060\uFEFF", "\u3164", "\u2800 \u2800", "\u202E\u202C"}) {
      assertThatThrownBy(() -> Rules.content(invisible, List.of(), 10)).as(invisible).isInstanceOf(ServiceException.class);
    }
    Rules.content("\u202Eok", List.of(), 10);
    Rules.content("😀", List.of(), 10);
  }

  @Test
  @DisplayName("lookalike keys match names that look the same: case, spacing, Cyrillic and Greek lookalikes")
  void lookalikes() {
    String alice = UnicodeText.lookalikeKey("alice");
    for (String same : new String[] {"Alice", "ALICE", "а" + "lice", "a lice", "ａｌｉｃｅ"}) {
      assertThat(UnicodeText.lookalikeKey(same)).as(same).isEqualTo(alice);
    }
    assertThat(UnicodeText.lookalikeKey("rn")).isEqualTo(UnicodeText.lookalikeKey("m"));
    assertThat(UnicodeText.lookalikeKey("alicia")).isNotEqualTo(alice);
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
  @DisplayName("a message needs text or attachments, at most the limit of distinct files")
  void content() {
    Rules.content("hi", List.of(), 10);
    Rules.content("", List.of("f_1"), 10);
    Rules.content(" ", List.of("f_1", "f_2"), 2);
    assertThatThrownBy(() -> Rules.content(" \n", List.of(), 10)).hasMessage("a message needs text or attachments");
    assertThatThrownBy(() -> Rules.content("", List.of("f_1", "f_2", "f_3"), 2)).hasMessage("at most 2 attachments");
    assertThatThrownBy(() -> Rules.content("", List.of("f_1", "f_1"), 10)).hasMessage("a file is attached twice");
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

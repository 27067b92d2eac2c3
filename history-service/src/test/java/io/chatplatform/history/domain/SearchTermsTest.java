package io.chatplatform.history.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Search terms")
class SearchTermsTest {
  @Test
  @DisplayName("a message's terms are its distinct words, case folded and NFKC-normalised, split at punctuation, in order")
  void messageTerms() {
    assertThat(SearchTerms.of("Hello, WORLD! hello… Straße ＦＵＬＬ ﬁne naïve 42nd", 100))
        .containsExactly("hello", "world", "strasse", "full", "fine", "naïve", "42nd");
    assertThat(SearchTerms.of("", 100)).isEmpty();
    assertThat(SearchTerms.of(null, 100)).isEmpty();
  }

  @Test
  @DisplayName("at most the first N distinct words are kept, and a long word is cut to 64 code points")
  void bounded() {
    assertThat(SearchTerms.of("a b a c d e", 3)).containsExactly("a", "b", "c");
    String longWord = "x".repeat(100);
    assertThat(SearchTerms.of(longWord, 10)).containsExactly("x".repeat(SearchTerms.MAX_WORD_CODE_POINTS));
    // The same cut applies to a search, so the long word still finds its message.
    assertThat(SearchTerms.query(longWord, 8, 200)).isEqualTo(SearchTerms.of(longWord, 10));
  }

  @Test
  @DisplayName("a search's words are made the same way; empty, wordless, too long or too many words are bad_request")
  void queries() {
    assertThat(SearchTerms.query("  Hello   WORLD hello ", 8, 200)).containsExactly("hello", "world");
    for (String bad : new String[] {null, "", "   ", "!!! ...", "x".repeat(201), "a b c d e f g h i"}) {
      assertThatThrownBy(() -> SearchTerms.query(bad, 8, 200)).as(String.valueOf(bad))
          .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }
  }

  @Test
  @DisplayName("a cursor reads back as written; anything else is bad_request")
  void cursors() {
    SearchCursor cursor = new SearchCursor(1234L, "room:7");
    assertThat(SearchCursor.parse(cursor.write())).isEqualTo(cursor);
    assertThat(SearchCursor.parse(null)).isNull();
    for (String bad : new String[] {"", "x:room:1", "123", "123:", ":room:1"}) {
      assertThatThrownBy(() -> SearchCursor.parse(bad)).as(bad).isInstanceOf(ServiceException.class);
    }
  }
}

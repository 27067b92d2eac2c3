package io.chatplatform.chat.domain;

import io.chatplatform.contracts.history.Message;
import io.chatplatform.contracts.history.Quote;

/** What a reply keeps of the message it answers: plain rules, no I/O. */
public final class Quotes {
  private Quotes() {}

  /**
   * The quote of {@code quoted}: its seq, sender and the first {@code excerptChars} code points of
   * its text (never half a surrogate pair); of a deleted message, an empty excerpt and {@code deleted}.
   */
  public static Quote of(Message quoted, int excerptChars) {
    if (quoted.deleted()) {
      return new Quote(quoted.seq(), quoted.senderId(), "", true);
    }
    return new Quote(quoted.seq(), quoted.senderId(), excerpt(quoted.text(), excerptChars), false);
  }

  /** The first {@code codePoints} code points of {@code text}. */
  static String excerpt(String text, int codePoints) {
    if (text == null) {
      return "";
    }
    if (text.codePointCount(0, text.length()) <= codePoints) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, codePoints));
  }
}

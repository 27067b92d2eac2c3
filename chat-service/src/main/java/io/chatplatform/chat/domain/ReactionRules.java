package io.chatplatform.chat.domain;

import io.chatplatform.contracts.ServiceException;
import java.util.regex.Pattern;

/** What a reaction may be: plain rules, no I/O. */
public final class ReactionRules {
  private ReactionRules() {}

  /** One user-perceived character (an extended grapheme cluster: ZWJ sequences, skin tones, flags, keycaps). */
  private static final Pattern ONE_GRAPHEME = Pattern.compile("\\X");
  /** A shortcode such as {@code :party_parrot:}, for custom emoji a client knows by name. */
  private static final Pattern SHORTCODE = Pattern.compile(":[a-z0-9_+-]+:");
  private static final int COMBINING_ENCLOSING_KEYCAP = 0x20E3;

  /**
   * The emoji, checked: at most {@code maxLength} UTF-16 units, and either one emoji (a single
   * grapheme that holds a symbol, {@code Character.OTHER_SYMBOL}, or is a keycap such as 1️⃣) or a
   * shortcode {@code :name:} of lower-case letters, digits, {@code _ + -}. Anything else
   * (letters, two emoji, text) is {@code bad_request}. Not normalised: 👍 and 👍🏽 are two emoji.
   */
  public static String emoji(String emoji, int maxLength) {
    if (emoji == null || emoji.isEmpty()) {
      throw ServiceException.badRequest("emoji is required");
    }
    if (emoji.length() > maxLength) {
      throw ServiceException.badRequest("emoji must be at most " + maxLength + " characters");
    }
    if (SHORTCODE.matcher(emoji).matches()) {
      return emoji;
    }
    boolean symbol = emoji.codePoints()
        .anyMatch(c -> Character.getType(c) == Character.OTHER_SYMBOL || c == COMBINING_ENCLOSING_KEYCAP);
    if (!symbol || !ONE_GRAPHEME.matcher(emoji).matches()) {
      throw ServiceException.badRequest("emoji must be one emoji or a :shortcode:");
    }
    return emoji;
  }
}

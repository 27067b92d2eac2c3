package io.chatplatform.chat.domain;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;
import java.util.Locale;

/**
 * What a text looks like on screen, from the Unicode data (ICU) rather than lists of our own: is
 * anything in it visible, does it hide characters that reorder or disappear, and what does it look
 * like (its UTS #39 confusable skeleton), so one name cannot pass for another.
 */
public final class UnicodeText {
  private UnicodeText() {}

  private static final Normalizer2 NFC = Normalizer2.getNFCInstance();
  private static final SpoofChecker SPOOF = new SpoofChecker.Builder().build();
  private static final int ZERO_WIDTH_NON_JOINER = 0x200C;
  private static final int ZERO_WIDTH_JOINER = 0x200D;
  /** Renders as nothing in every font, though Unicode does not call it ignorable. */
  private static final int BRAILLE_BLANK = 0x2800;

  /** False when the text holds half of a surrogate pair: it has no code point and cannot be stored as UTF-8. */
  public static boolean wellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** True when at least one character of the text draws something (not only spaces, marks or invisibles). */
  public static boolean hasVisible(String text) {
    return text.codePoints().anyMatch(UnicodeText::visible);
  }

  static boolean visible(int cp) {
    if (cp == BRAILLE_BLANK || UCharacter.hasBinaryProperty(cp, UProperty.WHITE_SPACE)
        || UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT)) {
      return false;
    }
    int type = UCharacter.getType(cp);
    return type != UCharacter.CONTROL && type != UCharacter.FORMAT && type != UCharacter.UNASSIGNED
        && type != UCharacter.SURROGATE && type != UCharacter.NON_SPACING_MARK && type != UCharacter.ENCLOSING_MARK
        && type != UCharacter.LINE_SEPARATOR && type != UCharacter.PARAGRAPH_SEPARATOR;
  }

  /**
   * The first character of a name that must not be in one, or -1: controls, line breaks, and the
   * invisible characters (bidi controls, zero-width spaces, fillers, tags) that let a name reorder
   * what follows it or look like another. Joiners and variation selectors stay allowed where
   * scripts and emoji need them: a joiner between two visible characters (Persian names, family
   * emoji), a variation selector after a visible one.
   */
  public static int forbiddenInName(String name) {
    int[] cps = name.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      int cp = cps[i];
      if (UCharacter.hasBinaryProperty(cp, UProperty.BIDI_CONTROL) || Character.isISOControl(cp)
          || cp == '\u2028' || cp == '\u2029') {
        return cp;
      }
      if (!UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT)) {
        continue;
      }
      boolean afterVisible = i > 0 && visible(cps[i - 1]);
      boolean beforeVisible = i + 1 < cps.length && visible(cps[i + 1]);
      boolean joiner = (cp == ZERO_WIDTH_JOINER || cp == ZERO_WIDTH_NON_JOINER) && afterVisible && beforeVisible;
      boolean selector = UCharacter.hasBinaryProperty(cp, UProperty.VARIATION_SELECTOR) && afterVisible;
      if (!joiner && !selector) {
        return cp;
      }
    }
    return -1;
  }

  /** NFC, so a name typed with combining accents and one typed precomposed are the same name. */
  public static String normalized(String text) {
    return NFC.normalize(text);
  }

  /** NFC and case-folded ("Straße" and "STRASSE" fold alike), for matching what people type. */
  public static String folded(String text) {
    return UCharacter.foldCase(normalized(text), true);
  }

  /**
   * How the name looks, ignoring case and spacing: names with the same key are confusable
   * ("alice", "Alice", "ALICE", Cyrillic "аlice", "a lice").
   */
  public static String lookalikeKey(String name) {
    return SPOOF.getSkeleton(folded(name)).replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
  }
}

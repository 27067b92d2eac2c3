package io.chatplatform.history.files;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.BreakIterator;
import com.ibm.icu.text.Normalizer2;
import java.util.Locale;

/**
 * The name a file is stored and offered for download under, made from whatever name the client
 * sent. A file name is shown to other people and travels to their file systems and into a
 * {@code Content-Disposition} header, so it is cleaned rather than refused:
 *
 * <ul>
 *   <li>only its last path part is kept ({@code /} and {@code \} both separate: {@code ../../x}
 *       and {@code C:\Users\x} are {@code x});
 *   <li>controls and line breaks become spaces, runs of spaces one space;
 *   <li>bidi controls and invisible characters are dropped ({@code evil\u202Egnp.exe} would show as
 *       {@code evilexe.png}), by Unicode's own properties (ICU, as chat-service names are checked),
 *       except a joiner between two visible characters and a variation selector after one, which
 *       scripts and emoji need;
 *   <li>the characters Windows cannot store, {@code < > : " | ? *}, become {@code _}
 *       ({@code "} also ends a quoted header value);
 *   <li>NFC, so a name typed with combining accents and one typed precomposed are the same;
 *   <li>no leading dots (no hidden files, no {@code ..}), no leading or trailing spaces, no trailing
 *       dots (Windows drops them);
 *   <li>at most {@code maxChars} characters (code points), cut at a character boundary before the
 *       extension, which is kept;
 *   <li>nothing left: {@value #FALLBACK}.
 * </ul>
 */
public final class FileNames {
  private FileNames() {}

  /** The name of a file whose name had nothing usable in it. */
  public static final String FALLBACK = "file";
  /** A longer "extension" is part of the name: it is not what a type is recognised by, and not kept whole when cut. */
  static final int MAX_EXTENSION_CHARS = 16;

  private static final Normalizer2 NFC = Normalizer2.getNFCInstance();
  private static final int ZERO_WIDTH_NON_JOINER = 0x200C;
  private static final int ZERO_WIDTH_JOINER = 0x200D;
  private static final String WINDOWS_RESERVED = "<>:\"|?*";

  /** The cleaned name, at most {@code maxChars} code points, never empty. */
  public static String sanitise(String raw, int maxChars) {
    if (raw == null) {
      return FALLBACK;
    }
    String cleaned = collapseSpaces(lastPathPart(visibleText(NFC.normalize(raw))));
    String trimmed = trimDots(cleaned);
    return trimmed.isEmpty() ? FALLBACK : NFC.normalize(cut(trimmed, maxChars));
  }

  /**
   * The extension of a name, lower case and without its dot, or {@code ""}: what follows the last
   * dot when that is not the name's first character and is 1 to {@value #MAX_EXTENSION_CHARS}
   * letters and digits ({@code archive.tar.gz} is {@code gz}, {@code notes. final} has none).
   */
  public static String extension(String name) {
    int dot = name.lastIndexOf('.');
    if (dot <= 0 || dot == name.length() - 1) {
      return "";
    }
    String suffix = name.substring(dot + 1);
    if (suffix.codePointCount(0, suffix.length()) > MAX_EXTENSION_CHARS
        || !suffix.codePoints().allMatch(Character::isLetterOrDigit)) {
      return "";
    }
    return suffix.toLowerCase(Locale.ROOT);
  }

  /** The name with {@code .extension} added, its base cut so that the whole stays within {@code maxChars}. */
  static String withExtension(String name, String extension, int maxChars) {
    int room = maxChars - 1 - extension.codePointCount(0, extension.length());
    String base = trimDots(cutAtCharacter(name, room));
    return (base.isEmpty() ? FALLBACK : base) + "." + extension;
  }

  /** Controls and line breaks as spaces, bidi controls and invisible characters dropped. */
  private static String visibleText(String text) {
    int[] cps = text.codePoints().toArray();
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < cps.length; i++) {
      int cp = cps[i];
      if (Character.isISOControl(cp) || UCharacter.hasBinaryProperty(cp, UProperty.WHITE_SPACE)) {
        out.append(' ');
      } else if (WINDOWS_RESERVED.indexOf(cp) >= 0) {
        out.append('_');
      } else if (keep(cps, i)) {
        out.appendCodePoint(cp);
      }
    }
    return out.toString();
  }

  private static boolean keep(int[] cps, int i) {
    int cp = cps[i];
    int type = UCharacter.getType(cp);
    if (type == UCharacter.SURROGATE || UCharacter.hasBinaryProperty(cp, UProperty.BIDI_CONTROL)
        || UCharacter.hasBinaryProperty(cp, UProperty.NONCHARACTER_CODE_POINT)) {
      return false;
    }
    if (!UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT)) {
      return true;
    }
    boolean afterVisible = i > 0 && visible(cps[i - 1]);
    boolean beforeVisible = i + 1 < cps.length && visible(cps[i + 1]);
    if (cp == ZERO_WIDTH_JOINER || cp == ZERO_WIDTH_NON_JOINER) {
      return afterVisible && beforeVisible;
    }
    return UCharacter.hasBinaryProperty(cp, UProperty.VARIATION_SELECTOR) && afterVisible;
  }

  private static boolean visible(int cp) {
    if (UCharacter.hasBinaryProperty(cp, UProperty.WHITE_SPACE)
        || UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT)) {
      return false;
    }
    int type = UCharacter.getType(cp);
    return type != UCharacter.CONTROL && type != UCharacter.FORMAT && type != UCharacter.SURROGATE
        && type != UCharacter.NON_SPACING_MARK && type != UCharacter.ENCLOSING_MARK;
  }

  /** The last part that is not blank of a path with either separator; {@code ""} if none. */
  private static String lastPathPart(String name) {
    String[] parts = name.split("[/\\\\]");
    for (int i = parts.length - 1; i >= 0; i--) {
      if (!parts[i].isBlank()) {
        return parts[i];
      }
    }
    return "";
  }

  private static String collapseSpaces(String name) {
    return name.replaceAll(" {2,}", " ");
  }

  /** Without leading dots and spaces and trailing ones. */
  private static String trimDots(String name) {
    int start = 0;
    int end = name.length();
    while (start < end && (name.charAt(start) == '.' || name.charAt(start) == ' ')) {
      start++;
    }
    while (end > start && (name.charAt(end - 1) == '.' || name.charAt(end - 1) == ' ')) {
      end--;
    }
    return name.substring(start, end);
  }

  private static String cut(String name, int maxChars) {
    if (name.codePointCount(0, name.length()) <= maxChars) {
      return name;
    }
    String extension = extension(name);
    if (extension.isEmpty()) {
      String base = trimDots(cutAtCharacter(name, maxChars));
      return base.isEmpty() ? FALLBACK : base;
    }
    int dot = name.lastIndexOf('.');
    // The extension as the client wrote it (case kept); extension() only said that there is one.
    return withExtension(name.substring(0, dot), name.substring(dot + 1), maxChars);
  }

  /**
   * The longest start of the text of at most {@code maxChars} code points that ends between two
   * user-perceived characters, so no accent, emoji sequence or surrogate pair is split.
   */
  private static String cutAtCharacter(String text, int maxChars) {
    if (text.codePointCount(0, text.length()) <= maxChars) {
      return text;
    }
    BreakIterator characters = BreakIterator.getCharacterInstance(Locale.ROOT);
    characters.setText(text);
    int end = 0;
    int taken = 0;
    for (int next = characters.next(); next != BreakIterator.DONE; next = characters.next()) {
      taken += text.codePointCount(end, next);
      if (taken > maxChars) {
        break;
      }
      end = next;
    }
    return text.substring(0, end);
  }
}

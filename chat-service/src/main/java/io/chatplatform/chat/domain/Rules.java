package io.chatplatform.chat.domain;

import io.chatplatform.contracts.ServiceException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Input rules of protocol v1, as plain functions that throw {@code bad_request}. Field types are
 * already checked when a request is read (contracts); these check what the values may be.
 */
public final class Rules {
  private Rules() {}

  /** A username as stored: lower case, so "Alice" and "alice" are one name. */
  public static final Pattern USERNAME = Pattern.compile("[a-z0-9_.-]{3,32}");
  /** A username as typed: ASCII only, checked before lower-casing (which maps the Kelvin sign to "k"). */
  private static final Pattern USERNAME_TYPED = Pattern.compile("[A-Za-z0-9_.-]{3,32}");
  /** Longest user search, and most words in one. */
  public static final int SEARCH_QUERY_MAX = 64;
  public static final int SEARCH_WORDS_MAX = 4;
  public static final int PASSWORD_MIN = 8;
  public static final int PASSWORD_MAX = 128;
  public static final int DISPLAY_NAME_MAX = 64;
  /** A client's idempotency key: printable, no separators we use internally. */
  public static final Pattern CLIENT_MSG_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
  /** {@code @username} in a message text. */
  private static final Pattern MENTION = Pattern.compile("(?<![A-Za-z0-9_.-])@([a-z0-9_.-]{3,32})");

  /** The username as stored: typed in any case, kept in lower case (usernames are unique regardless of case). */
  public static String username(String value) {
    if (!USERNAME_TYPED.matcher(value).matches()) {
      throw ServiceException.badRequest("username must be 3-32 characters of a-z, 0-9, '_', '.', '-' (any case)");
    }
    return value.toLowerCase(Locale.ROOT);
  }

  /** The words a user is found by: the username and each word of the display name, case-folded. */
  public static List<String> searchTerms(String username, String displayName) {
    Set<String> terms = new LinkedHashSet<>();
    terms.add(username);
    terms.addAll(searchWords(displayName));
    return List.copyOf(terms);
  }

  /** A search query's words, case-folded: each must start one of a user's {@link #searchTerms}. */
  public static List<String> searchQuery(String query) {
    if (!UnicodeText.wellFormed(query) || codePoints(query) > SEARCH_QUERY_MAX) {
      throw ServiceException.badRequest("query must be at most " + SEARCH_QUERY_MAX + " characters");
    }
    List<String> words = searchWords(query);
    if (words.size() > SEARCH_WORDS_MAX) {
      throw ServiceException.badRequest("query must be at most " + SEARCH_WORDS_MAX + " words");
    }
    return words;
  }

  private static List<String> searchWords(String text) {
    return java.util.Arrays.stream(UnicodeText.folded(text).split("\\s+")).filter(w -> !w.isEmpty()).distinct().toList();
  }

  public static String password(String value) {
    if (value.length() < PASSWORD_MIN || value.length() > PASSWORD_MAX) {
      throw ServiceException.badRequest("password must be " + PASSWORD_MIN + "-" + PASSWORD_MAX + " characters");
    }
    return value;
  }

  /**
   * The display name ({@code null} or blank: the username): NFC, trimmed, at most
   * {@value #DISPLAY_NAME_MAX} characters, something visible, nothing that hides or reorders
   * ({@link #name}).
   */
  public static String displayName(String value, String username) {
    if (value == null || value.isBlank()) {
      return username;
    }
    return name("displayName", value, DISPLAY_NAME_MAX);
  }

  public static String roomName(String value, int maxLength) {
    return name("name", value, maxLength);
  }

  /**
   * A name people read to know who or what it is: valid Unicode, NFC, trimmed, 1 to
   * {@code maxLength} characters of which one at least is visible, and no control, bidi control or
   * invisible character (they let a name look like another or reorder the text around it).
   */
  static String name(String field, String value, int maxLength) {
    if (!UnicodeText.wellFormed(value)) {
      throw ServiceException.badRequest(field + " must be valid Unicode (it holds half of a surrogate pair)");
    }
    String name = UnicodeText.normalized(value).strip();
    if (name.isEmpty() || codePoints(name) > maxLength) {
      throw ServiceException.badRequest(field + " must be 1-" + maxLength + " characters");
    }
    int forbidden = UnicodeText.forbiddenInName(name);
    if (forbidden >= 0) {
      throw ServiceException.badRequest(field + " must not contain " + String.format("U+%04X", forbidden)
          + " (control, bidi and invisible characters are not allowed in names)");
    }
    if (!UnicodeText.hasVisible(name)) {
      throw ServiceException.badRequest(field + " must have a visible character");
    }
    return name;
  }

  public static String clientMsgId(String value) {
    if (!CLIENT_MSG_ID.matcher(value).matches()) {
      throw ServiceException.badRequest("clientMsgId must be 1-64 characters of A-Z, a-z, 0-9, '_', '.', ':', '-'");
    }
    return value;
  }

  /** A message's text, at most {@code maxLength} characters, valid Unicode (stored as UTF-8 as sent). */
  public static String text(String text, int maxLength) {
    if (!UnicodeText.wellFormed(text)) {
      throw ServiceException.badRequest("text must be valid Unicode (it holds half of a surrogate pair)");
    }
    if (codePoints(text) > maxLength) {
      throw ServiceException.badRequest("text must be at most " + maxLength + " characters");
    }
    return text;
  }

  /**
   * A message needs text someone can see, or attachments; text of only spaces and invisible
   * characters is none. At most {@code maxAttachments} files, each once. Whether each file may be
   * attached (uploaded by the sender to this room, not attached elsewhere) is history-service's
   * to check: it owns the files.
   */
  public static void content(String text, List<String> attachments, int maxAttachments) {
    if (!UnicodeText.hasVisible(text) && attachments.isEmpty()) {
      throw ServiceException.badRequest("a message needs text or attachments");
    }
    if (attachments.size() > maxAttachments) {
      throw ServiceException.badRequest("at most " + maxAttachments + " attachments");
    }
    if (Set.copyOf(attachments).size() != attachments.size()) {
      throw ServiceException.badRequest("a file is attached twice");
    }
  }

  /** The distinct usernames a text mentions as {@code @name}. */
  public static Set<String> mentionedUsernames(String text) {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = MENTION.matcher(text);
    while (m.find()) {
      // "@bob." ends a sentence: a name does not end in '.' or '-'.
      names.add(m.group(1).replaceAll("[.-]+$", ""));
    }
    names.removeIf(name -> !USERNAME.matcher(name).matches());
    return names;
  }

  /** Lengths are counted in characters as people count them (code points), not UTF-16 units. */
  static int codePoints(String s) {
    return s.codePointCount(0, s.length());
  }
}

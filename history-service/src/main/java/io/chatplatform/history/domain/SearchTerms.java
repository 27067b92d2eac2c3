package io.chatplatform.history.domain;

import io.chatplatform.contracts.ServiceException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The words a message is found by, and the words a search asks for, made the same way: Unicode
 * NFKC (so a ligature or a full-width letter is the plain one), case folded (upper then lower
 * case, so "STRASSE" and "straße" meet at "strasse"), split at everything that is not a letter,
 * a digit or a combining mark. A message stores its distinct words as {@code terms}, and a search
 * matches the messages whose terms hold all of its words: plain equality, which a multikey index
 * serves on MongoDB and the embedded store evaluates the same way, with no text index needed.
 *
 * <p>Not handled: languages written without spaces (a run of CJK is one word), stemming (a search
 * for "run" does not find "running"), and prefixes.
 */
public final class SearchTerms {
  /**
   * A longer word is stored and searched cut to this many code points: part of the stored format
   * (changing it would need every message indexed again), so not a setting.
   */
  public static final int MAX_WORD_CODE_POINTS = 64;
  private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}\\p{M}]+");

  private SearchTerms() {}

  /** The first {@code max} distinct words of a message's text, normalised. */
  public static List<String> of(String text, int max) {
    Set<String> words = new LinkedHashSet<>();
    if (text == null) {
      return List.of();
    }
    for (String word : NOT_WORD.split(fold(text))) {
      if (words.size() >= max) {
        break;
      }
      if (!word.isEmpty()) {
        words.add(cut(word));
      }
    }
    return List.copyOf(words);
  }

  /**
   * The distinct words of a search's {@code q}: {@code bad_request} when q is missing or blank,
   * longer than {@code maxChars}, holds no word, or more than {@code maxWords}.
   */
  public static List<String> query(String q, int maxWords, int maxChars) {
    if (q == null || q.isBlank()) {
      throw ServiceException.badRequest("q is required");
    }
    if (q.length() > maxChars) {
      throw ServiceException.badRequest("q may have at most " + maxChars + " characters");
    }
    List<String> words = of(q, maxWords + 1);
    if (words.isEmpty()) {
      throw ServiceException.badRequest("q must hold a word (letters or digits)");
    }
    if (words.size() > maxWords) {
      throw ServiceException.badRequest("q may have at most " + maxWords + " words");
    }
    return new ArrayList<>(words);
  }

  private static String fold(String text) {
    return Normalizer.normalize(text, Normalizer.Form.NFKC).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
  }

  private static String cut(String word) {
    return word.codePointCount(0, word.length()) <= MAX_WORD_CODE_POINTS
        ? word
        : word.substring(0, word.offsetByCodePoints(0, MAX_WORD_CODE_POINTS));
  }
}

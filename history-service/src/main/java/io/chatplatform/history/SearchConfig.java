package io.chatplatform.history;

import io.chatplatform.runtime.Settings;

/**
 * Message search; each setting is named after its environment variable. A search reply is a
 * history page as to its size: at most {@code HISTORY_MAX_PAGE_SIZE} messages and
 * {@code HISTORY_PAGE_MAX_BYTES} of JSON.
 *
 * @param termsPerMessage distinct words of a message that are indexed (the first ones); a word
 *     past them does not find the message ({@code SEARCH_TERMS_PER_MESSAGE})
 * @param queryMaxWords distinct words a search may ask for ({@code SEARCH_QUERY_MAX_WORDS})
 * @param queryMaxChars characters a search's {@code q} may have ({@code SEARCH_QUERY_MAX_CHARS})
 * @param backfillBatch messages stored before search existed that are indexed in one step of the
 *     backfill at start ({@code SEARCH_BACKFILL_BATCH})
 */
public record SearchConfig(int termsPerMessage, int queryMaxWords, int queryMaxChars, int backfillBatch) {

  public static SearchConfig from(Settings settings) {
    return new SearchConfig(
        positive(settings, "SEARCH_TERMS_PER_MESSAGE", 200),
        positive(settings, "SEARCH_QUERY_MAX_WORDS", 8),
        positive(settings, "SEARCH_QUERY_MAX_CHARS", 200),
        positive(settings, "SEARCH_BACKFILL_BATCH", 500));
  }

  private static int positive(Settings settings, String name, int defaultValue) {
    int value = settings.integer(name, defaultValue);
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1");
    }
    return value;
  }
}

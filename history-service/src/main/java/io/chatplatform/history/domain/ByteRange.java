package io.chatplatform.history.domain;

/**
 * The part of a file a {@code Range} header asks for (RFC 9110, 14.1-14.2): one range of bytes,
 * as audio and video players send to seek. A header this does not serve as a range, with several
 * ranges, another unit or a syntax error, is ignored: the whole file is sent (200), as the RFC
 * allows. A range that starts beyond the end is not satisfiable (416).
 *
 * @param from first byte, inclusive
 * @param to last byte, inclusive
 */
public record ByteRange(long from, long to) {
  /** Not a range: answer with the whole file. */
  public static final ByteRange WHOLE = new ByteRange(-1, -1);
  /** No byte of the file is in it: 416. */
  public static final ByteRange UNSATISFIABLE = new ByteRange(-2, -2);

  public long length() {
    return to - from + 1;
  }

  public boolean partial() {
    return from >= 0;
  }

  /** What {@code header} asks of a file of {@code size} bytes. */
  public static ByteRange of(String header, long size) {
    if (header == null || !header.regionMatches(true, 0, "bytes=", 0, 6)) {
      return WHOLE;
    }
    String spec = header.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0 || spec.indexOf(',') >= 0) {
      return WHOLE;
    }
    String firstText = spec.substring(0, dash).trim();
    String lastText = spec.substring(dash + 1).trim();
    Long first = number(firstText);
    Long last = number(lastText);
    if ((first == null && !firstText.isEmpty()) || (last == null && !lastText.isEmpty()) || (first == null && last == null)) {
      return WHOLE;
    }
    if (first == null) {
      // "-n": the last n bytes.
      return last == 0 || size == 0 ? UNSATISFIABLE : new ByteRange(Math.max(0, size - last), size - 1);
    }
    if (last != null && last < first) {
      return WHOLE;
    }
    if (first >= size) {
      return UNSATISFIABLE;
    }
    return new ByteRange(first, last == null ? size - 1 : Math.min(last, size - 1));
  }

  /** Digits only (no sign, no spaces inside), else null. */
  private static Long number(String digits) {
    if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    return Long.parseLong(digits);
  }
}

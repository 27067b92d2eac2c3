package io.chatplatform.notification.providers;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The delay a push service asks for in its {@code Retry-After} header (RFC 9110: delay-seconds or an HTTP-date). */
public final class RetryAfter {
  private RetryAfter() {}

  /** Milliseconds to wait, or -1 when the header is absent or unreadable. */
  public static long millis(String header, Clock clock) {
    if (header == null || header.isBlank()) {
      return -1;
    }
    String value = header.trim();
    if (value.chars().allMatch(Character::isDigit)) {
      try {
        return Math.multiplyExact(Long.parseLong(value), 1000L);
      } catch (ArithmeticException | NumberFormatException tooLarge) {
        return -1;
      }
    }
    try {
      long at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
      return Math.max(0, at - clock.millis());
    } catch (DateTimeParseException notADate) {
      return -1;
    }
  }
}

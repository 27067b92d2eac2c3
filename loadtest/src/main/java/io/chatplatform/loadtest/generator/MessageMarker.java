package io.chatplatform.loadtest.generator;

/**
 * What the generator writes into a message's text so every copy of it tells, on arrival, which
 * run and step sent it, whether it is measured (not warmup), and when it was meant to be sent:
 * {@code lt <runTag> <step> <m|w> <intendedNanoTime>[ <padding>]}. Only this process reads the
 * nano time back, so it needs no clock shared with the server.
 */
record MessageMarker(String runTag, int step, boolean measured, long intendedNanos) {
  private static final String PREFIX = "lt";
  private static final String MEASURED = "m";
  private static final String WARMUP = "w";
  private static final char PADDING = 'x';

  /** @param minLength pads the text up to this many characters (a realistic message size) */
  String format(int minLength) {
    StringBuilder text = new StringBuilder(Math.max(minLength, 48)).append(PREFIX).append(' ').append(runTag).append(' ')
        .append(step).append(' ').append(measured ? MEASURED : WARMUP).append(' ').append(intendedNanos);
    if (text.length() < minLength) {
      text.append(' ');
      while (text.length() < minLength) {
        text.append(PADDING);
      }
    }
    return text.toString();
  }

  /** @return the marker, or null when the text is not one of ours */
  static MessageMarker parse(String text) {
    if (text == null || !text.startsWith(PREFIX + " ")) {
      return null;
    }
    String[] parts = text.split(" ", 6);
    if (parts.length < 5) {
      return null;
    }
    try {
      boolean measured = MEASURED.equals(parts[3]);
      if (!measured && !WARMUP.equals(parts[3])) {
        return null;
      }
      return new MessageMarker(parts[1], Integer.parseInt(parts[2]), measured, Long.parseLong(parts[4]));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}

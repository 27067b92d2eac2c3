package io.chatplatform.chat;

import io.chatplatform.contracts.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Input rules of protocol v1, as plain functions that throw {@code bad_request}. */
public final class Rules {
  private Rules() {}

  public static final Pattern USERNAME = Pattern.compile("[a-z0-9_.-]{3,32}");
  public static final Pattern USERNAME_PREFIX = Pattern.compile("[a-z0-9_.-]{1,32}");
  public static final int PASSWORD_MIN = 8;
  public static final int PASSWORD_MAX = 128;
  public static final int DISPLAY_NAME_MAX = 64;
  /** A client's idempotency key: printable, no separators we use internally. */
  public static final Pattern CLIENT_MSG_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
  /** {@code @username} in a message text. */
  private static final Pattern MENTION = Pattern.compile("(?<![A-Za-z0-9_.-])@([a-z0-9_.-]{3,32})");

  public static String username(JsonObject body) {
    String value = requiredString(body, "username");
    if (!USERNAME.matcher(value).matches()) {
      throw ServiceException.badRequest("username must be 3-32 characters of a-z, 0-9, '_', '.', '-'");
    }
    return value;
  }

  public static String password(JsonObject body) {
    String value = requiredString(body, "password");
    if (value.length() < PASSWORD_MIN || value.length() > PASSWORD_MAX) {
      throw ServiceException.badRequest("password must be " + PASSWORD_MIN + "-" + PASSWORD_MAX + " characters");
    }
    return value;
  }

  /** The display name, defaulting to the username; trimmed, at most {@value #DISPLAY_NAME_MAX} chars. */
  public static String displayName(JsonObject body, String username) {
    Object raw = body.getValue("displayName");
    if (raw == null) {
      return username;
    }
    if (!(raw instanceof String value)) {
      throw ServiceException.badRequest("displayName must be a string");
    }
    String trimmed = value.strip();
    if (trimmed.isEmpty()) {
      return username;
    }
    if (codePoints(trimmed) > DISPLAY_NAME_MAX || trimmed.chars().anyMatch(Character::isISOControl)) {
      throw ServiceException.badRequest("displayName must be at most " + DISPLAY_NAME_MAX + " printable characters");
    }
    return trimmed;
  }

  public static String roomName(JsonObject body, int maxLength) {
    String name = requiredString(body, "name").strip();
    if (name.isEmpty() || codePoints(name) > maxLength || name.chars().anyMatch(Character::isISOControl)) {
      throw ServiceException.badRequest("name must be 1-" + maxLength + " printable characters");
    }
    return name;
  }

  public static String clientMsgId(JsonObject body) {
    String value = requiredString(body, "clientMsgId");
    if (!CLIENT_MSG_ID.matcher(value).matches()) {
      throw ServiceException.badRequest("clientMsgId must be 1-64 characters of A-Z, a-z, 0-9, '_', '.', ':', '-'");
    }
    return value;
  }

  /** The text of a message ("" when absent), at most {@code maxLength} characters. */
  public static String text(JsonObject body, int maxLength) {
    Object raw = body.getValue("text");
    if (raw == null) {
      return "";
    }
    if (!(raw instanceof String text)) {
      throw ServiceException.badRequest("text must be a string");
    }
    if (codePoints(text) > maxLength) {
      throw ServiceException.badRequest("text must be at most " + maxLength + " characters");
    }
    return text;
  }

  /** The attachment file ids (empty when absent). */
  public static JsonArray attachments(JsonObject body) {
    Object raw = body.getValue("attachments");
    if (raw == null) {
      return new JsonArray();
    }
    if (!(raw instanceof JsonArray list) || !list.stream().allMatch(v -> v instanceof String)) {
      throw ServiceException.badRequest("attachments must be a list of file ids");
    }
    return list;
  }

  public static Long replyTo(JsonObject body) {
    Object raw = body.getValue("replyTo");
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 1) {
      throw ServiceException.badRequest("replyTo must be the seq of a message of the room");
    }
    return n.longValue();
  }

  /** A non-negative whole number, or null when absent. */
  public static Long optionalSeq(JsonObject body, String field) {
    Object raw = body.getValue(field);
    if (raw == null) {
      return null;
    }
    if (raw instanceof String s) {
      try {
        raw = Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw ServiceException.badRequest(field + " must be a whole number");
      }
    }
    if (!(raw instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 0) {
      throw ServiceException.badRequest(field + " must be a whole number >= 0");
    }
    return n.longValue();
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

  public static String requiredString(JsonObject body, String field) {
    Object raw = body.getValue(field);
    if (!(raw instanceof String value) || value.isEmpty()) {
      throw ServiceException.badRequest(field + " is required and must be a string");
    }
    return value;
  }
}

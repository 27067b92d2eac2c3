package io.chatplatform.presence.domain;

/**
 * A user's status as others see it: {@code online}, {@code away} or {@code dnd} while any socket
 * of theirs is connected (the status they chose, {@code online} unless they set another), and
 * {@code offline} otherwise, with {@code lastSeen} the time their last socket closed (null if
 * never seen). {@code unknown} (with {@code lastSeen} null) is what a query answers for a user who
 * shares no room with the caller, exactly as for a user that does not exist.
 */
public record Presence(String userId, String status, Long lastSeen) {
  public static final String ONLINE = "online";
  public static final String AWAY = "away";
  public static final String DND = "dnd";
  public static final String OFFLINE = "offline";
  public static final String UNKNOWN = "unknown";

  /** The statuses a user may choose. */
  public static boolean choosable(String status) {
    return ONLINE.equals(status) || AWAY.equals(status) || DND.equals(status);
  }
}

package io.chatplatform.history.domain;

import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.history.Reaction;
import java.util.ArrayList;
import java.util.List;

/**
 * A message's reactions: per emoji, in the order the emoji first came, every user who reacted
 * with it, in the order they did. Plain values, no I/O: the store reads them, toggles one user's
 * reaction and writes the result back in one conditional write.
 */
public final class Reactions {
  private Reactions() {}

  /** One emoji and everyone who reacted with it (never empty: an emoji nobody holds is dropped). */
  public record Entry(String emoji, List<String> userIds) {
    public Entry {
      userIds = List.copyOf(userIds);
    }
  }

  /**
   * {@code all} with {@code userId}'s reaction {@code emoji} turned {@code on} or off; equal to
   * {@code all} when it already was so (idempotent). Turning on an emoji the message does not have
   * yet when it already has {@code maxEmoji} distinct ones is {@code bad_request}.
   */
  public static List<Entry> toggle(List<Entry> all, String emoji, String userId, boolean on, int maxEmoji) {
    List<Entry> result = new ArrayList<>();
    boolean found = false;
    for (Entry entry : all) {
      if (!entry.emoji().equals(emoji)) {
        result.add(entry);
        continue;
      }
      found = true;
      List<String> users = new ArrayList<>(entry.userIds());
      if (on && !users.contains(userId)) {
        users.add(userId);
      } else if (!on) {
        users.remove(userId);
      }
      if (!users.isEmpty()) {
        result.add(new Entry(emoji, users));
      }
    }
    if (on && !found) {
      if (all.size() >= maxEmoji) {
        throw ServiceException.badRequest("a message may have at most " + maxEmoji + " different reactions");
      }
      result.add(new Entry(emoji, List.of(userId)));
    }
    return List.copyOf(result);
  }

  /** What clients see: per emoji the count and the first {@code namesShown} user ids. */
  public static List<Reaction> view(List<Entry> all, int namesShown) {
    return all.stream()
        .map(e -> new Reaction(e.emoji(), e.userIds().size(), e.userIds().subList(0, Math.min(namesShown, e.userIds().size()))))
        .toList();
  }
}

package io.chatplatform.history.domain;

import io.chatplatform.contracts.history.Message;
import io.chatplatform.contracts.history.MessagePage;
import io.chatplatform.contracts.history.SearchPage;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The bytes one reply may take, counted as the client receives them: the UTF-8 bytes of the
 * reply's JSON, where escaping can make a character six bytes. A reply takes messages in order
 * until the next one would not fit, and then takes nothing more, so what it carries of a room is
 * always a run without gaps from where the client asked.
 *
 * <p>Progress: the first message of a reply is always taken, even if it alone is over the budget,
 * so a client that asks again from what it received always advances. Messages are far smaller
 * than a budget ({@code MESSAGE_MAX_TEXT_LENGTH}), so that exception is at most one message.
 */
public final class ReplyBudget {
  /** Messages read before any size is known: enough for most rooms' news in one read, little past a budget. */
  static final int FIRST_READ = 16;

  private final long maxBytes;
  private long used;
  private long messagesTaken;
  private long messageBytesTaken;
  private boolean spent;

  public ReplyBudget(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Counts bytes the reply holds whatever messages it takes: its envelope, a room's entry. */
  public void reserve(long bytes) {
    used += bytes;
  }

  /**
   * Takes the message, and a comma before it (one more per list than the JSON has, so a reply is
   * never undercounted), if it fits or is the reply's first. Once one does not fit, the budget
   * is spent and takes nothing more.
   */
  public boolean take(Message message) {
    if (spent) {
      return false;
    }
    long cost = sizeOf(message) + 1L;
    if (messagesTaken > 0 && used + cost > maxBytes) {
      spent = true;
      return false;
    }
    used += cost;
    messagesTaken++;
    messageBytesTaken += cost;
    return true;
  }

  /**
   * How many messages to read next so that the reply is filled with little read past it: what
   * the bytes left hold at the average size taken so far, and one more to find the end;
   * {@link #FIRST_READ} before anything was taken.
   */
  public long messagesLikelyToFit() {
    if (messagesTaken == 0) {
      return FIRST_READ;
    }
    long average = Math.max(1, messageBytesTaken / messagesTaken);
    return Math.max(0, maxBytes - used) / average + 1;
  }

  /** True once a message did not fit: the reply is full. */
  public boolean spent() {
    return spent;
  }

  /** Bytes counted so far: at most the budget, unless the reply's first message alone is over it. */
  public long used() {
    return used;
  }

  /** A message's size as the client receives it: the UTF-8 bytes of its JSON. */
  public static int sizeOf(Message message) {
    return sizeOf(message.write());
  }

  public static int sizeOf(JsonObject json) {
    return json.toBuffer().length();
  }

  /**
   * A history page cut to {@code maxBytes}: the longest run of its messages that fits, taken from
   * its cursor's side (the oldest first for a page after a seq, the newest first for a page before
   * one or the newest page), in ascending seq. {@code hasMore} is set when messages were left out,
   * so the client continues from the last one it received, as from any page.
   */
  public static MessagePage fit(MessagePage page, long maxBytes, boolean newestFirst) {
    ReplyBudget budget = new ReplyBudget(maxBytes);
    // hasMore false is the longer spelling: the envelope is never undercounted.
    budget.reserve(sizeOf(new MessagePage(List.of(), false, page.epoch()).write()));
    List<Message> messages = new ArrayList<>(page.messages());
    if (newestFirst) {
      Collections.reverse(messages);
    }
    List<Message> kept = new ArrayList<>();
    for (Message message : messages) {
      if (!budget.take(message)) {
        break;
      }
      kept.add(message);
    }
    if (kept.size() == messages.size()) {
      return page;
    }
    if (newestFirst) {
      Collections.reverse(kept);
    }
    return new MessagePage(kept, true, page.epoch());
  }

  /**
   * A page of search results cut to {@code limit} messages and {@code maxBytes}: the newest of
   * {@code newestFirst} (read one past the limit, so a full page knows there is more) that fit,
   * and the cursor after the last one given when any were left out.
   */
  public static SearchPage fitSearch(List<Message> newestFirst, int limit, long maxBytes) {
    ReplyBudget budget = new ReplyBudget(maxBytes);
    // The envelope with the longest cursor any of them could make: never undercounted.
    String longestCursor = newestFirst.stream().map(m -> SearchCursor.after(m).write())
        .max(Comparator.comparingInt(String::length)).orElse("");
    budget.reserve(sizeOf(new SearchPage(List.of(), longestCursor).write()));
    List<Message> kept = new ArrayList<>();
    for (Message message : newestFirst) {
      if (kept.size() == limit || !budget.take(message)) {
        break;
      }
      kept.add(message);
    }
    boolean more = kept.size() < newestFirst.size();
    return new SearchPage(kept, more ? SearchCursor.after(kept.get(kept.size() - 1)).write() : null);
  }

  /**
   * A jump to a message ({@code page.around()}) cut to {@code maxBytes}: the message itself first,
   * then its neighbours nearest first, a newer and an older one in turn, so what is kept is a run
   * around it; the cursors then point past the ends kept.
   */
  public static MessagePage fitAround(MessagePage page, long maxBytes) {
    MessagePage.Around around = page.around();
    List<Message> messages = page.messages();
    int target = 0;
    while (target < messages.size() && messages.get(target).seq() != around.seq()) {
      target++;
    }
    if (target == messages.size()) {
      return page;
    }
    ReplyBudget budget = new ReplyBudget(maxBytes);
    budget.reserve(sizeOf(new MessagePage(List.of(), false, page.epoch(), null,
        new MessagePage.Around(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE)).write()));
    budget.take(messages.get(target));
    int low = target;
    int high = target;
    boolean newerNext = true;
    while (low > 0 || high < messages.size() - 1) {
      boolean newer = high < messages.size() - 1 && (newerNext || low == 0);
      if (!budget.take(messages.get(newer ? high + 1 : low - 1))) {
        break;
      }
      if (newer) {
        high++;
      } else {
        low--;
      }
      newerNext = !newer;
    }
    Long before = low > 0 || around.before() != null ? messages.get(low).seq() : null;
    Long after = high < messages.size() - 1 || around.after() != null ? messages.get(high).seq() : null;
    return new MessagePage(messages.subList(low, high + 1), before != null || after != null, page.epoch(), null,
        new MessagePage.Around(around.seq(), before, after));
  }
}

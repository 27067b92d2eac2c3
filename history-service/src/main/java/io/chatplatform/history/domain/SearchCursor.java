package io.chatplatform.history.domain;

import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.history.Message;

/**
 * Where a page of search results stopped: the last message given, by its {@code ts} and its
 * storage id ({@code roomId:seq}), the order results come in (newest first, the id breaking a
 * tie). Clients get it as the opaque {@code next} and give it back as {@code before}; a forged
 * one only moves where a search starts in the caller's own rooms.
 */
public record SearchCursor(long ts, String id) {
  public static SearchCursor after(Message message) {
    return new SearchCursor(message.ts(), message.roomId() + ":" + message.seq());
  }

  /** The cursor of {@code text}; null for null; {@code bad_request} when it is not one this made. */
  public static SearchCursor parse(String text) {
    if (text == null) {
      return null;
    }
    int colon = text.indexOf(':');
    try {
      if (colon > 0 && colon < text.length() - 1) {
        return new SearchCursor(Long.parseLong(text.substring(0, colon)), text.substring(colon + 1));
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ServiceException.badRequest("before must be the next of an earlier search reply");
  }

  public String write() {
    return ts + ":" + id;
  }
}

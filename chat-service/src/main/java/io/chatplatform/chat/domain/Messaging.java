package io.chatplatform.chat.domain;

import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.PageRequest;
import io.chatplatform.contracts.chat.ChatApi.Send;
import io.chatplatform.contracts.chat.ChatApi.SyncRequest;
import io.chatplatform.contracts.history.HistoryApi.Append;
import io.chatplatform.contracts.history.HistoryApi.Page;
import io.chatplatform.contracts.history.HistoryApi.Sync;
import io.vertx.core.Future;
import io.chatplatform.contracts.history.HistoryApi.SyncPages;
import io.chatplatform.contracts.history.Message;
import io.chatplatform.contracts.history.MessagePage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sending and reading messages. Membership is checked here; history-service stores and assigns
 * {@code seq}. A message is fanned out only after it is stored, and again on every retry with the
 * same {@code clientMsgId}: the retry gets the stored message back, and announcing it again is
 * what delivers a message that was stored but never announced (chat-service died between the
 * two, or gave up waiting while history finished the write). Clients drop a {@code seq} they
 * already have, so a second announcement costs a fan-out, never a duplicate on screen.
 */
public final class Messaging {
  private static final Logger LOG = LoggerFactory.getLogger(Messaging.class);
  /** Page size when the client gives no {@code limit} (protocol v1). */
  static final int DEFAULT_PAGE_SIZE = 50;

  private final Rooms rooms;
  private final UserStore users;
  private final HistoryClient history;
  private final ChatEvents events;
  private final ChatLimits limits;
  private final LongSupplier clock;

  public Messaging(Rooms rooms, UserStore users, HistoryClient history, ChatEvents events, ChatLimits limits, LongSupplier clock) {
    this.rooms = rooms;
    this.users = users;
    this.history = history;
    this.events = events;
    this.limits = limits;
    this.clock = clock;
  }

  /** Stores the message (once per clientMsgId) and tells the room; answers the stored message. */
  public Future<Message> send(Send request) {
    String caller = request.callerId();
    String clientMsgId = Rules.clientMsgId(request.clientMsgId());
    String text = Rules.text(request.text(), limits.maxTextLength());
    Rules.content(text, request.attachments(), limits.maxAttachments());
    return rooms
        .memberRoom(request.roomId(), caller)
        .compose(room -> mentions(room, text))
        .compose(mentions -> history.append(new Append(
            request.roomId(), caller, clientMsgId, text, request.attachments(), request.replyTo(), mentions, clock.getAsLong())))
        .map(appended -> {
          LOG.debug("message {} in room {} stored as seq {}", appended.message().messageId(), request.roomId(), appended.message().seq());
          events.message(appended.message());
          return appended.message();
        });
  }

  /** A page of the room's messages. */
  public Future<MessagePage> page(PageRequest request) {
    if (request.before() != null && request.after() != null) {
      throw ServiceException.badRequest("give before or after, not both");
    }
    Long limit = request.limit();
    if (limit != null && (limit < 1 || limit > limits.maxPageSize())) {
      throw ServiceException.badRequest("limit must be 1-" + limits.maxPageSize());
    }
    int size = limit == null ? Math.min(DEFAULT_PAGE_SIZE, limits.maxPageSize()) : limit.intValue();
    return rooms
        .memberRoom(request.roomId(), request.callerId())
        .compose(room -> history.page(new Page(request.roomId(), request.before(), request.after(), size)));
  }

  /**
   * What the caller missed in each room it names and is a member of. Rooms it is not (or no
   * longer) in are left out of the answer.
   */
  public Future<SyncPages> sync(SyncRequest request) {
    if (request.rooms().size() > limits.syncMaxRooms()) {
      throw ServiceException.badRequest("at most " + limits.syncMaxRooms() + " rooms per sync");
    }
    return rooms.roomIdsOf(request.callerId()).compose(mine -> {
      Set<String> memberOf = Set.copyOf(mine);
      Map<String, Long> allowed = new LinkedHashMap<>();
      request.rooms().forEach((roomId, seen) -> {
        if (memberOf.contains(roomId)) {
          allowed.put(roomId, seen);
        }
      });
      return history.sync(new Sync(allowed));
    });
  }

  /** The ids of the room's members that the text names as {@code @username}. */
  private Future<List<String>> mentions(Room room, String text) {
    Set<String> names = Rules.mentionedUsernames(text);
    if (names.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return users.byUsernames(names).map(found -> found.stream().map(User::userId).filter(room::hasMember).toList());
  }
}

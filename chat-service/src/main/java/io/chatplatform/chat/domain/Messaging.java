package io.chatplatform.chat.domain;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.React;
import io.chatplatform.contracts.history.HistoryApi;
import io.chatplatform.contracts.history.Quote;
import io.chatplatform.contracts.chat.ChatApi.Delete;
import io.chatplatform.contracts.chat.ChatApi.Edit;
import io.chatplatform.contracts.chat.ChatApi.PageRequest;
import io.chatplatform.contracts.history.FileInfo;
import io.chatplatform.contracts.history.HistoryApi.Change;
import io.chatplatform.contracts.history.HistoryApi.Changed;
import io.chatplatform.contracts.history.HistoryApi.MessageRef;
import io.chatplatform.contracts.chat.ChatApi.Send;
import io.chatplatform.contracts.chat.ChatApi.Sent;
import io.chatplatform.contracts.chat.ChatApi.SyncRequest;
import io.chatplatform.contracts.history.HistoryApi.Append;
import io.chatplatform.contracts.history.HistoryApi.Page;
import io.chatplatform.contracts.history.HistoryApi.Sync;
import io.vertx.core.Future;
import io.chatplatform.contracts.history.HistoryApi.SyncPages;
import io.chatplatform.contracts.history.Message;
import io.chatplatform.contracts.history.MessagePage;
import io.chatplatform.contracts.history.SearchPage;
import io.chatplatform.contracts.history.HistoryApi.Search;
import io.chatplatform.contracts.chat.ChatApi.SearchRequest;
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
 *
 * <p>Edits and deletes keep the message's {@code seq}: chat-service reads the stored message,
 * decides whether the caller may touch it ({@link MessageRules}; its sender and {@code ts} never
 * change, so that decision cannot go stale), and history-service applies the change, which gives
 * the message its room's next {@code updatedSeq}. A change that changed something is announced to
 * the room as {@code message.updated}; one that found the message already so (the same text, a
 * deleted message deleted again) answers the message as it is and announces nothing.
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
  private final AuditLog audit;
  private final LongSupplier clock;

  public Messaging(
      Rooms rooms, UserStore users, HistoryClient history, ChatEvents events, ChatLimits limits, AuditLog audit, LongSupplier clock) {
    this.rooms = rooms;
    this.users = users;
    this.history = history;
    this.events = events;
    this.limits = limits;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Stores the message (once per clientMsgId) and tells the room; answers the stored message,
   * encoded once for both: the room's event and the sender's reply carry the same bytes.
   */
  public Future<Sent> send(Send request) {
    String caller = request.callerId();
    String clientMsgId = Rules.clientMsgId(request.clientMsgId());
    String text = Rules.text(request.text(), limits.maxTextLength());
    Rules.content(text, request.attachments(), limits.maxAttachments());
    return rooms
        .memberRoom(request.roomId(), caller)
        .compose(room -> unmuted(room, caller))
        .compose(room -> quoteOf(request.roomId(), request.replyTo()).compose(quote -> mentions(room, text)
            .compose(mentions -> history.append(new Append(
                request.roomId(), caller, clientMsgId, text, request.attachments(), request.replyTo(), mentions, clock.getAsLong(), quote)))))
        .map(appended -> {
          LOG.debug("message {} in room {} stored as seq {}", appended.message().messageId(), request.roomId(), appended.message().seq());
          Sent sent = Sent.of(appended.message());
          events.message(sent);
          return sent;
        });
  }

  /**
   * What a reply shows of the message it answers ({@link Quotes}); none for a message that is not
   * a reply. A {@code replyTo} naming no message of the room is {@code bad_request}, as history
   * answers it. A retried send makes the quote again, but the stored message (and its first quote)
   * is what it gets back.
   */
  private Future<Quote> quoteOf(String roomId, Long replyTo) {
    if (replyTo == null) {
      return Future.succeededFuture(null);
    }
    return history.message(new MessageRef(roomId, replyTo))
        .recover(e -> Future.failedFuture(ServiceException.from(e).code() == ErrorCode.NOT_FOUND
            ? ServiceException.badRequest("replyTo must be the seq of an earlier message")
            : e))
        .map(quoted -> Quotes.of(quoted, limits.replyExcerptChars()));
  }

  /**
   * Turns the caller's reaction to a message on or off: members only ({@code not_found} otherwise,
   * as for every room request), not on a deleted message ({@code gone}), one emoji
   * ({@link ReactionRules}), at most {@code MAX_REACTIONS_PER_MESSAGE} distinct emoji a message.
   * A reaction that changed the message is announced as {@code message.updated}; one already so
   * (on twice) answers the message and announces nothing.
   */
  public Future<Message> react(React request) {
    String caller = request.callerId();
    long seq = seqOf(request.seq());
    String emoji = ReactionRules.emoji(request.emoji(), limits.reactionEmojiMaxLength());
    boolean on = request.on() == null || request.on();
    return rooms
        .memberRoom(request.roomId(), caller)
        .compose(room -> unmuted(room, caller))
        .compose(room -> history.react(new HistoryApi.React(
            request.roomId(), seq, caller, emoji, on, limits.maxReactionEmoji(), limits.reactionNamesShown())))
        .map(this::announced);
  }

  /** Edits the caller's own message: same text rules as a send; mentions computed from the new text. */
  public Future<Message> edit(Edit request) {
    String caller = request.callerId();
    long seq = seqOf(request.seq());
    if (request.text() == null) {
      throw ServiceException.badRequest("text is required");
    }
    String text = Rules.text(request.text(), limits.maxTextLength());
    long now = clock.getAsLong();
    return rooms
        .memberRoom(request.roomId(), caller)
        .compose(room -> unmuted(room, caller))
        .compose(room -> history.message(new MessageRef(request.roomId(), seq)).compose(message -> {
          MessageRules.mayEdit(message, caller, now, limits.editWindowSeconds());
          Rules.content(text, message.attachments().stream().map(FileInfo::fileId).toList(), limits.maxAttachments());
          return mentions(room, text);
        }))
        .compose(mentions -> history.change(Change.edit(request.roomId(), seq, text, mentions, now)))
        .map(this::announced);
  }

  /**
   * Deletes a message: the caller's own, or any as the room's owner or moderator, or an admin.
   * Deleting someone else's message is an act of authority: it is written to the audit log
   * before the message is deleted (none for a message already deleted), so it never happens
   * unrecorded; should the deletion then fail, the retry records it again.
   */
  public Future<Message> delete(Delete request) {
    String caller = request.callerId();
    long seq = seqOf(request.seq());
    return rooms
        .memberRoom(request.roomId(), caller)
        .compose(room -> history.message(new MessageRef(request.roomId(), seq)).compose(message -> {
          if (message.senderId().equals(caller)) {
            return Future.succeededFuture();
          }
          // The admin look-up is needed only for someone else's message.
          return users.byId(caller).map(user -> user != null && user.isAdmin()).compose(isAdmin -> {
            MessageRules.mayDelete(room, message, caller, isAdmin);
            return message.deleted()
                ? Future.succeededFuture()
                : audit.append(AuditEntry.of(
                    clock.getAsLong(), caller, AuditEntry.MESSAGE_DELETE, message.senderId(), request.roomId(), seq, null, null));
          });
        }))
        .compose(x -> history.change(Change.deletion(request.roomId(), seq, clock.getAsLong())))
        .map(this::announced);
  }

  /**
   * The room, unless the caller is muted in it ({@code forbidden} with the mute's end): a mute
   * stops sends, edits and reactions; deleting one's own message stays allowed.
   */
  private Future<Room> unmuted(Room room, String caller) {
    ModerationRules.requireNotMuted(room, caller, clock.getAsLong());
    return Future.succeededFuture(room);
  }

  /** The message as it now is, announced to the room when this change changed it. */
  private Message announced(Changed changed) {
    if (changed.changed()) {
      events.messageUpdated(changed.message());
    }
    return changed.message();
  }

  private static long seqOf(Long seq) {
    if (seq == null) {
      throw ServiceException.badRequest("seq is required");
    }
    if (seq < 1) {
      throw ServiceException.notFound("message not found");
    }
    return seq;
  }

  /**
   * A page of the room's messages; or, with {@code changesAfter}, no messages and the room's
   * {@code changes} after that {@code updatedSeq}, answered as {@code chat.sync} answers them.
   */
  public Future<MessagePage> page(PageRequest request) {
    if (request.changesAfter() != null) {
      if (request.around() != null) {
        throw ServiceException.badRequest("give around alone (with a limit or not)");
      }
      if (request.before() != null || request.after() != null || request.limit() != null) {
        throw ServiceException.badRequest("give changesAfter alone");
      }
      // Past every seq the room can have: no new messages, only the changes.
      Map<String, Long> noMessages = Map.of(request.roomId(), Long.MAX_VALUE);
      return rooms
          .memberRoom(request.roomId(), request.callerId())
          .compose(room -> history.sync(new Sync(noMessages, Map.of(request.roomId(), request.changesAfter()))))
          .map(pages -> pages.rooms().get(request.roomId()));
    }
    if (request.before() != null && request.after() != null) {
      throw ServiceException.badRequest("give before or after, not both");
    }
    if (request.around() != null && (request.before() != null || request.after() != null)) {
      throw ServiceException.badRequest("give around alone (with a limit or not)");
    }
    int size = pageSize(request.limit());
    return rooms
        .memberRoom(request.roomId(), request.callerId())
        .compose(room -> history.page(new Page(request.roomId(), request.before(), request.after(), size, request.around())));
  }

  /** A page's {@code limit}: 1 to {@code HISTORY_MAX_PAGE_SIZE}, {@value #DEFAULT_PAGE_SIZE} when not given. */
  private int pageSize(Long limit) {
    if (limit != null && (limit < 1 || limit > limits.maxPageSize())) {
      throw ServiceException.badRequest("limit must be 1-" + limits.maxPageSize());
    }
    return limit == null ? Math.min(DEFAULT_PAGE_SIZE, limits.maxPageSize()) : limit.intValue();
  }

  /**
   * The caller's messages with every word of {@code q}, newest first: in {@code roomId} when
   * given ({@code not_found} when the caller is not a member, as for every room request), else in
   * every room the caller is in now (so not in a room it left). history-service checks {@code q}
   * and the cursor.
   */
  public Future<SearchPage> search(SearchRequest request) {
    int size = pageSize(request.limit());
    Future<List<String>> scope = request.roomId() != null
        ? rooms.memberRoom(request.roomId(), request.callerId()).map(room -> List.of(request.roomId()))
        : rooms.roomIdsOf(request.callerId());
    return scope.compose(roomIds -> history.search(new Search(roomIds, request.q(), request.before(), size)));
  }

  /**
   * What the caller missed in each room it names and is a member of, and the edits and deletes
   * since the {@code updatedSeq} it gives for a room in {@code changes}. Rooms it is not (or no
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
      // Changes are answered for the rooms the request also names in rooms (so in their order).
      Map<String, Long> changes = new LinkedHashMap<>();
      request.changes().forEach((roomId, held) -> {
        if (allowed.containsKey(roomId)) {
          changes.put(roomId, held);
        }
      });
      return history.sync(new Sync(allowed, changes));
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

package io.chatplatform.chat.domain;

import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.history.HistoryApi.Append;
import io.chatplatform.contracts.history.HistoryApi.Appended;
import io.chatplatform.contracts.history.HistoryApi.ListReceipts;
import io.chatplatform.contracts.history.HistoryApi.MarkReceipt;
import io.chatplatform.contracts.history.HistoryApi.Page;
import io.chatplatform.contracts.history.HistoryApi.ReceiptMarked;
import io.chatplatform.contracts.history.HistoryApi.RoomState;
import io.chatplatform.contracts.history.HistoryApi.RoomStates;
import io.chatplatform.contracts.history.HistoryApi.RoomStatesQuery;
import io.chatplatform.contracts.history.HistoryApi.Sync;
import io.chatplatform.contracts.history.HistoryApi.Change;
import io.chatplatform.contracts.history.HistoryApi.Changed;
import io.chatplatform.contracts.history.HistoryApi.MessageRef;
import io.vertx.core.Future;
import io.chatplatform.contracts.history.HistoryApi.MemberMarks;
import io.chatplatform.contracts.history.HistoryApi.RoomMarks;
import io.chatplatform.contracts.history.HistoryApi.SyncPages;
import io.chatplatform.contracts.history.FileInfo;
import io.chatplatform.contracts.history.Message;
import io.chatplatform.contracts.history.MessagePage;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * history-service's contract in memory: per-room gap-free seqs, one message per
 * (room, sender, clientMsgId), watermarks that only move forward.
 */
final class MemoryHistory implements HistoryClient {
  final Map<String, List<Message>> rooms = new HashMap<>();
  /** While true, history-service does not answer room states (down, or slower than the timeout). */
  boolean down;
  /** While true, room states never answer (history-service hangs; the caller's timeout has not fired yet). */
  boolean hanging;
  private final Map<String, Message> byClientKey = new HashMap<>();
  /** One counter for all rooms: enough for these tests, which look at one room. */
  private final long[] updatedSeqs = {0};
  /** "room user" → {delivered, read}. */
  private final Map<String, long[]> marks = new HashMap<>();

  /** history-service describes each attached file from its own records; here every id names a small text file. */
  static FileInfo uploaded(String fileId) {
    return new FileInfo(fileId, fileId + ".txt", 1, "text/plain", null, null);
  }

  @Override
  public Future<Appended> append(Append m) {
    String key = m.roomId() + " " + m.senderId() + " " + m.clientMsgId();
    Message stored = byClientKey.get(key);
    if (stored != null) {
      return Future.succeededFuture(new Appended(stored, true));
    }
    List<Message> room = rooms.computeIfAbsent(m.roomId(), id -> new ArrayList<>());
    if (m.replyTo() != null && m.replyTo() > room.size()) {
      return Future.failedFuture(ServiceException.badRequest("replyTo must be the seq of an earlier message"));
    }
    Message message = new Message(m.roomId(), room.size() + 1, "m" + (room.size() + 1), m.senderId(), m.clientMsgId(),
        m.text(), m.attachments().stream().map(MemoryHistory::uploaded).toList(), m.replyTo(), m.mentions(), m.ts(), null, false,
        null, null, List.of(), m.quote());
    room.add(message);
    byClientKey.put(key, message);
    return Future.succeededFuture(new Appended(message, false));
  }

  /** The searches asked for, in order; answered with no results. */
  final List<io.chatplatform.contracts.history.HistoryApi.Search> searches = new ArrayList<>();

  @Override
  public Future<io.chatplatform.contracts.history.SearchPage> search(io.chatplatform.contracts.history.HistoryApi.Search search) {
    searches.add(search);
    return Future.succeededFuture(io.chatplatform.contracts.history.SearchPage.EMPTY);
  }

  @Override
  public Future<MessagePage> page(Page page) {
    return Future.succeededFuture(new MessagePage(rooms.getOrDefault(page.roomId(), List.of()), false, "e1"));
  }

  /** Edits and deletes as history-service applies them: a deleted message cannot be edited, nothing changes twice. */
  @Override
  public Future<Changed> change(Change change) {
    List<Message> room = rooms.getOrDefault(change.roomId(), List.of());
    if (change.seq() > room.size()) {
      return Future.failedFuture(ServiceException.notFound("message not found"));
    }
    Message now = room.get((int) change.seq() - 1);
    if (now.deleted() && !change.delete()) {
      return Future.failedFuture(new ServiceException(io.chatplatform.contracts.ErrorCode.GONE, "the message was deleted"));
    }
    if (now.deleted() || (!change.delete() && now.text().equals(change.text()))) {
      return Future.succeededFuture(new Changed(now, false));
    }
    long updatedSeq = ++updatedSeqs[0];
    Message changed = change.delete()
        ? new Message(now.roomId(), now.seq(), now.messageId(), now.senderId(), now.clientMsgId(), "", List.of(), now.replyTo(),
            List.of(), now.ts(), now.editedAt(), true, change.at(), updatedSeq, List.of(), now.quote())
        : new Message(now.roomId(), now.seq(), now.messageId(), now.senderId(), now.clientMsgId(), change.text(), now.attachments(),
            now.replyTo(), change.mentions(), now.ts(), change.at(), false, null, updatedSeq, now.reactions(), now.quote());
    room.set((int) change.seq() - 1, changed);
    return Future.succeededFuture(new Changed(changed, true));
  }

  /** "room seq" → emoji → who reacted, in order. */
  private final Map<String, LinkedHashMap<String, List<String>>> reactions = new HashMap<>();

  /** Reactions as history-service keeps them: a deleted message is gone, on twice changes nothing, the cap on distinct emoji. */
  @Override
  public Future<Changed> react(io.chatplatform.contracts.history.HistoryApi.React react) {
    List<Message> room = rooms.getOrDefault(react.roomId(), List.of());
    if (react.seq() > room.size()) {
      return Future.failedFuture(ServiceException.notFound("message not found"));
    }
    Message now = room.get((int) react.seq() - 1);
    if (now.deleted()) {
      return Future.failedFuture(new ServiceException(io.chatplatform.contracts.ErrorCode.GONE, "the message was deleted"));
    }
    LinkedHashMap<String, List<String>> all = reactions.computeIfAbsent(react.roomId() + " " + react.seq(), k -> new LinkedHashMap<>());
    List<String> users = all.getOrDefault(react.emoji(), new ArrayList<>());
    if (react.on() == users.contains(react.userId())) {
      return Future.succeededFuture(new Changed(now, false));
    }
    if (react.on() && users.isEmpty() && all.size() >= react.maxEmoji()) {
      return Future.failedFuture(ServiceException.badRequest("a message may have at most " + react.maxEmoji() + " different reactions"));
    }
    if (react.on()) {
      users.add(react.userId());
      all.put(react.emoji(), users);
    } else {
      users.remove(react.userId());
      if (users.isEmpty()) {
        all.remove(react.emoji());
      }
    }
    List<io.chatplatform.contracts.history.Reaction> view = new ArrayList<>();
    all.forEach((emoji, who) -> view.add(new io.chatplatform.contracts.history.Reaction(
        emoji, who.size(), who.subList(0, Math.min(react.namesShown(), who.size())))));
    Message changed = new Message(now.roomId(), now.seq(), now.messageId(), now.senderId(), now.clientMsgId(), now.text(),
        now.attachments(), now.replyTo(), now.mentions(), now.ts(), now.editedAt(), false, null, ++updatedSeqs[0], view, now.quote());
    room.set((int) react.seq() - 1, changed);
    return Future.succeededFuture(new Changed(changed, true));
  }

  @Override
  public Future<Message> message(MessageRef ref) {
    List<Message> room = rooms.getOrDefault(ref.roomId(), List.of());
    return ref.seq() <= room.size()
        ? Future.succeededFuture(room.get((int) ref.seq() - 1))
        : Future.failedFuture(ServiceException.notFound("message not found"));
  }

  /** The last sync asked of history, as chat-service passed it on. */
  Sync lastSync;

  @Override
  public Future<SyncPages> sync(Sync sync) {
    lastSync = sync;
    Map<String, MessagePage> result = new LinkedHashMap<>();
    sync.rooms().forEach((roomId, after) ->
        result.put(roomId, new MessagePage(rooms.getOrDefault(roomId, List.of()).stream().filter(m -> m.seq() > after).toList(), false, "e1")));
    return Future.succeededFuture(new SyncPages(result));
  }

  @Override
  public Future<RoomStates> roomStates(RoomStatesQuery query) {
    if (hanging) {
      return io.vertx.core.Promise.<RoomStates>promise().future();
    }
    if (down) {
      return Future.failedFuture(new ServiceException(io.chatplatform.contracts.ErrorCode.UNAVAILABLE, "service unavailable, try again"));
    }
    Map<String, RoomState> states = new HashMap<>();
    for (String roomId : query.roomIds()) {
      List<Message> room = rooms.getOrDefault(roomId, List.of());
      long read = query.userId() == null ? 0 : marks.getOrDefault(roomId + " " + query.userId(), new long[2])[1];
      long unread = query.userId() == null ? 0
          : room.stream().filter(m -> m.seq() > read && !query.userId().equals(m.senderId())).count();
      states.put(roomId, new RoomState(room.size(), unread));
    }
    return Future.succeededFuture(new RoomStates(states));
  }

  @Override
  public Future<ReceiptMarked> markReceipt(MarkReceipt mark) {
    if (mark.seq() > rooms.getOrDefault(mark.roomId(), List.of()).size()) {
      return Future.failedFuture(ServiceException.badRequest("seq is beyond the room's last message"));
    }
    long[] was = marks.getOrDefault(mark.roomId() + " " + mark.userId(), new long[2]);
    long delivered = Math.max(was[0], mark.seq());
    long read = "read".equals(mark.kind()) ? Math.max(was[1], mark.seq()) : was[1];
    marks.put(mark.roomId() + " " + mark.userId(), new long[] {delivered, read});
    String moved = read > was[1] ? "read" : delivered > was[0] ? "delivered" : null;
    return Future.succeededFuture(new ReceiptMarked(delivered, read, moved));
  }

  @Override
  public Future<RoomMarks> listReceipts(ListReceipts list) {
    List<MemberMarks> members = new ArrayList<>();
    for (String userId : list.userIds()) {
      long[] m = marks.getOrDefault(list.roomId() + " " + userId, new long[2]);
      members.add(new MemberMarks(userId, m[0], m[1]));
    }
    return Future.succeededFuture(new RoomMarks(members));
  }
}

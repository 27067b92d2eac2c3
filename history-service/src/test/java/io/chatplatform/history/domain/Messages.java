package io.chatplatform.history.domain;

import io.chatplatform.contracts.history.HistoryApi.SyncPages;
import io.chatplatform.contracts.history.Message;
import io.chatplatform.contracts.history.MessagePage;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Messages made up for the budget tests, and a room history held in a map that notes what it was asked. */
final class Messages {
  private Messages() {}

  /** Text of {@code n} characters that JSON writes as six bytes each. */
  static String inflating(int n) {
    return "\u0001".repeat(n);
  }

  static Message message(String roomId, long seq, String text) {
    return new Message(roomId, seq, "m" + seq, "u_sender", "c" + seq, text, List.of(), null, List.of(), 1_700_000_000_000L, null, false);
  }

  /** The room's messages, each edited once: the nth gets updatedSeq n. */
  static List<Message> editedRoom(String roomId, int count, String text) {
    List<Message> messages = new ArrayList<>();
    for (Message m : room(roomId, count, text)) {
      messages.add(new Message(m.roomId(), m.seq(), m.messageId(), m.senderId(), m.clientMsgId(), m.text(), m.attachments(),
          m.replyTo(), m.mentions(), m.ts(), m.ts() + 1, false, null, m.seq()));
    }
    return messages;
  }

  static List<Message> room(String roomId, int count, String text) {
    List<Message> messages = new ArrayList<>();
    for (int seq = 1; seq <= count; seq++) {
      messages.add(message(roomId, seq, text));
    }
    return messages;
  }

  static int sizeOf(MessagePage page) {
    return ReplyBudget.sizeOf(page.write());
  }

  static int sizeOf(SyncPages pages) {
    return ReplyBudget.sizeOf(SyncPages.SHAPE.write().apply(pages));
  }

  /** Answers at once, as a store whose reads are already done; records every read. */
  static final class MapHistory implements RoomHistory {
    final Map<String, List<Message>> rooms = new LinkedHashMap<>();
    final List<String> ranged = new ArrayList<>();
    long messagesRead;

    MapHistory with(String roomId, int count, String text) {
      rooms.put(roomId, room(roomId, count, text));
      return this;
    }

    @Override
    public Future<Map<String, RoomSeq>> roomSeqs(List<String> roomIds) {
      Map<String, RoomSeq> seqs = new LinkedHashMap<>();
      roomIds.stream().filter(rooms::containsKey).forEach(id -> seqs.put(id, new RoomSeq(rooms.get(id).size(), "epoch-" + id,
          rooms.get(id).stream().map(Message::updatedSeq).filter(java.util.Objects::nonNull).max(Long::compare).orElse(0L))));
      return Future.succeededFuture(seqs);
    }

    @Override
    public Future<List<Message>> changedAfter(String roomId, long updatedSeq, int limit) {
      return Future.succeededFuture(rooms.getOrDefault(roomId, List.of()).stream()
          .filter(m -> m.updatedSeq() != null && m.updatedSeq() > updatedSeq)
          .sorted(java.util.Comparator.comparing(Message::updatedSeq))
          .limit(limit)
          .toList());
    }

    @Override
    public Future<List<Message>> range(String roomId, long lower, long upper) {
      ranged.add(roomId);
      List<Message> all = rooms.getOrDefault(roomId, List.of());
      List<Message> read = all.subList((int) Math.min(lower - 1, all.size()), (int) Math.min(upper, all.size()));
      messagesRead += read.size();
      return Future.succeededFuture(List.copyOf(read));
    }
  }
}

package io.chatplatform.chat.domain;

import io.chatplatform.contracts.history.HistoryApi.Append;
import io.chatplatform.contracts.history.HistoryApi.Appended;
import io.chatplatform.contracts.history.HistoryApi.ListReceipts;
import io.chatplatform.contracts.history.HistoryApi.MarkReceipt;
import io.chatplatform.contracts.history.HistoryApi.Page;
import io.chatplatform.contracts.history.HistoryApi.ReceiptMarked;
import io.chatplatform.contracts.history.HistoryApi.RoomStates;
import io.chatplatform.contracts.history.HistoryApi.RoomStatesQuery;
import io.chatplatform.contracts.history.HistoryApi.Sync;
import io.vertx.core.Future;
import io.chatplatform.contracts.history.HistoryApi.RoomMarks;
import io.chatplatform.contracts.history.HistoryApi.SyncPages;
import io.chatplatform.contracts.history.MessagePage;
import io.chatplatform.contracts.history.HistoryApi.Change;
import io.chatplatform.contracts.history.HistoryApi.Changed;
import io.chatplatform.contracts.history.HistoryApi.MessageRef;
import io.chatplatform.contracts.history.Message;

/** history-service as chat-service uses it: stores messages and watermarks. */
public interface HistoryClient {
  Future<Appended> append(Append message);

  Future<MessagePage> page(Page page);

  /** Messages of the given rooms with every word of {@code q}; {@code bad_request} for a bad {@code q} or cursor. */
  Future<io.chatplatform.contracts.history.SearchPage> search(io.chatplatform.contracts.history.HistoryApi.Search search);

  /** The stored message; {@code not_found} when the room has none with that seq. */
  Future<Message> message(MessageRef ref);

  /** Edits or deletes a stored message; {@code gone} for an edit of a deleted one. */
  Future<Changed> change(Change change);

  /** Turns one user's reaction to a stored message on or off; {@code gone} for a deleted one. */
  Future<Changed> react(io.chatplatform.contracts.history.HistoryApi.React react);

  Future<SyncPages> sync(Sync sync);

  Future<RoomStates> roomStates(RoomStatesQuery query);

  Future<ReceiptMarked> markReceipt(MarkReceipt mark);

  Future<RoomMarks> listReceipts(ListReceipts list);
}

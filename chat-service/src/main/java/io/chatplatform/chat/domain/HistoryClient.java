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
import io.vertx.core.json.JsonObject;

/**
 * history-service as chat-service uses it: stores messages and watermarks. Replies typed
 * {@code JsonObject} are client-facing and passed on as they are.
 */
public interface HistoryClient {
  Future<Appended> append(Append message);

  Future<JsonObject> page(Page page);

  Future<JsonObject> sync(Sync sync);

  Future<RoomStates> roomStates(RoomStatesQuery query);

  Future<ReceiptMarked> markReceipt(MarkReceipt mark);

  Future<JsonObject> listReceipts(ListReceipts list);
}

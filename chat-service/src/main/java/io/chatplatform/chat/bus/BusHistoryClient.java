package io.chatplatform.chat.bus;

import io.chatplatform.chat.domain.HistoryClient;
import io.chatplatform.contracts.history.HistoryApi;
import io.chatplatform.contracts.history.HistoryApi.Append;
import io.chatplatform.contracts.history.HistoryApi.Appended;
import io.chatplatform.contracts.history.HistoryApi.ListReceipts;
import io.chatplatform.contracts.history.HistoryApi.MarkReceipt;
import io.chatplatform.contracts.history.HistoryApi.Page;
import io.chatplatform.contracts.history.HistoryApi.ReceiptMarked;
import io.chatplatform.contracts.history.HistoryApi.RoomStates;
import io.chatplatform.contracts.history.HistoryApi.RoomStatesQuery;
import io.chatplatform.contracts.history.HistoryApi.Sync;
import io.chatplatform.runtime.ServiceClient;
import io.vertx.core.Future;
import io.chatplatform.contracts.history.HistoryApi.RoomMarks;
import io.chatplatform.contracts.history.HistoryApi.SyncPages;
import io.chatplatform.contracts.history.MessagePage;
import io.chatplatform.contracts.history.HistoryApi.Change;
import io.chatplatform.contracts.history.HistoryApi.Changed;
import io.chatplatform.contracts.history.HistoryApi.MessageRef;
import io.chatplatform.contracts.history.Message;

/** history-service over the event bus, each call with {@code HISTORY_TIMEOUT_MS}. */
final class BusHistoryClient implements HistoryClient {
  private final ServiceClient services;

  BusHistoryClient(ServiceClient services) {
    this.services = services;
  }

  @Override
  public Future<Appended> append(Append message) {
    return services.request(HistoryApi.APPEND, message);
  }

  @Override
  public Future<MessagePage> page(Page page) {
    return services.request(HistoryApi.PAGE, page);
  }

  @Override
  public Future<io.chatplatform.contracts.history.SearchPage> search(HistoryApi.Search search) {
    return services.request(HistoryApi.SEARCH, search);
  }

  @Override
  public Future<Message> message(MessageRef ref) {
    return services.request(HistoryApi.MESSAGE_GET, ref);
  }

  @Override
  public Future<Changed> change(Change change) {
    return services.request(HistoryApi.MESSAGE_CHANGE, change);
  }

  @Override
  public Future<HistoryApi.Changed> react(HistoryApi.React react) {
    return services.request(HistoryApi.MESSAGE_REACT, react);
  }

  @Override
  public Future<SyncPages> sync(Sync sync) {
    return services.request(HistoryApi.SYNC, sync);
  }

  @Override
  public Future<RoomStates> roomStates(RoomStatesQuery query) {
    return services.request(HistoryApi.ROOM_STATES, query);
  }

  @Override
  public Future<ReceiptMarked> markReceipt(MarkReceipt mark) {
    return services.request(HistoryApi.RECEIPT_MARK, mark);
  }

  @Override
  public Future<RoomMarks> listReceipts(ListReceipts list) {
    return services.request(HistoryApi.RECEIPT_LIST, list);
  }
}

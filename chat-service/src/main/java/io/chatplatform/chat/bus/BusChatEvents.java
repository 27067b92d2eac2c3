package io.chatplatform.chat.bus;

import io.chatplatform.chat.ChatMetrics;
import io.chatplatform.chat.domain.ChatEvents;
import io.chatplatform.chat.domain.ModerationAct;
import io.chatplatform.chat.domain.RoomView;
import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ClientEvents;
import io.chatplatform.contracts.chat.ChatApi.AccountDisabled;
import io.chatplatform.contracts.chat.ChatApi.Sent;
import io.chatplatform.contracts.history.Message;
import io.chatplatform.contracts.notification.NotificationApi.NewMessage;
import io.chatplatform.runtime.Correlation;
import io.chatplatform.runtime.Fanout;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;

/** {@link ChatEvents} as client events through the {@link Fanout}, and cluster notices on the event bus. */
final class BusChatEvents implements ChatEvents {
  /** A notice's options: nothing but the correlation id of the request that caused it. */
  private static final DeliveryOptions NOTICE = new DeliveryOptions();
  private final Fanout fanout;
  private final EventBus eventBus;
  private final ChatMetrics metrics;

  BusChatEvents(Fanout fanout, EventBus eventBus, ChatMetrics metrics) {
    this.fanout = fanout;
    this.eventBus = eventBus;
    this.metrics = metrics;
  }

  @Override
  public void message(Sent sent) {
    Message message = sent.message();
    metrics.messageAccepted();
    fanout.toRoom(message.roomId(), ClientEvents.MESSAGE, ClientEvents.message(sent.clientJson()));
    // One notice per message (never per member), sent one way: chat delivery never waits for
    // notification-service, and without one running the notice is simply dropped.
    eventBus.send(Addresses.Notification.MESSAGE,
        new NewMessage(message.roomId(), message.seq(), message.senderId(), message.mentions(), message.text()),
        Correlation.propagate(NOTICE));
  }

  @Override
  public void messageUpdated(Message message) {
    fanout.toRoom(message.roomId(), ClientEvents.messageUpdated(message.write()));
  }

  @Override
  public void room(String event, Collection<String> userIds, RoomView room) {
    fanout.toUsers(userIds, ClientEvents.room(event, ClientViews.room(room)));
  }

  @Override
  public void moderation(ModerationAct act) {
    JsonObject event = ClientEvents.moderation(ClientViews.moderation(act));
    fanout.toRoomExcept(act.roomId(), event, act.userId());
    fanout.toUsers(List.of(act.userId()), event);
  }

  @Override
  public void receipt(String roomId, String userId, String kind, long seq, boolean wholeRoom) {
    JsonObject event = ClientEvents.receipt(roomId, userId, kind, seq);
    if (wholeRoom) {
      fanout.toRoom(roomId, event);
    } else {
      fanout.toUsers(List.of(userId), event);
    }
  }

  @Override
  public void accountDisabled(String userId, boolean disabled) {
    eventBus.publish(Addresses.Chat.USER_DISABLED_CHANGED, new AccountDisabled(userId, disabled));
  }
}

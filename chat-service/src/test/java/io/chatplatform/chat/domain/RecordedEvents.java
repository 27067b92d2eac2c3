package io.chatplatform.chat.domain;

import io.chatplatform.contracts.chat.ChatApi.Sent;
import io.chatplatform.contracts.history.Message;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** {@link ChatEvents} that keeps what was announced, in order, for assertions. */
final class RecordedEvents implements ChatEvents {

  record RoomEvent(String event, List<String> userIds, RoomView room) {}

  record Receipt(String roomId, String userId, String kind, long seq, boolean wholeRoom) {}

  record Disabled(String userId, boolean disabled) {}

  final List<Message> messages = new ArrayList<>();
  /** The same announcements as {@link #messages}, as announced: with their encoded client JSON. */
  final List<Sent> sentMessages = new ArrayList<>();
  final List<Message> updates = new ArrayList<>();
  final List<RoomEvent> rooms = new ArrayList<>();
  final List<Receipt> receipts = new ArrayList<>();
  final List<Disabled> disabled = new ArrayList<>();
  final List<ModerationAct> moderation = new ArrayList<>();

  @Override
  public void moderation(ModerationAct act) {
    moderation.add(act);
  }

  @Override
  public void message(Sent sent) {
    messages.add(sent.message());
    sentMessages.add(sent);
  }

  @Override
  public void messageUpdated(Message message) {
    updates.add(message);
  }

  @Override
  public void room(String event, Collection<String> userIds, RoomView room) {
    if (!userIds.isEmpty()) {
      rooms.add(new RoomEvent(event, List.copyOf(userIds), room));
    }
  }

  @Override
  public void receipt(String roomId, String userId, String kind, long seq, boolean wholeRoom) {
    receipts.add(new Receipt(roomId, userId, kind, seq, wholeRoom));
  }

  @Override
  public void accountDisabled(String userId, boolean disabled) {
    this.disabled.add(new Disabled(userId, disabled));
  }
}

package io.chatplatform.chat.domain;

import static io.chatplatform.chat.domain.ChatDomain.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.CreateRoom;
import io.chatplatform.contracts.chat.ChatApi.Receipt;
import io.chatplatform.contracts.chat.ChatApi.Send;
import io.chatplatform.contracts.history.HistoryApi.MemberMarks;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Receipts")
class ReceiptsTest {
  final ChatDomain chat = new ChatDomain();
  final String alice = chat.user("alice");
  final String bob = chat.user("bob");
  final String carol = chat.user("carol");

  String roomWith(List<String> members) {
    String roomId = result(chat.rooms.create(new CreateRoom(alice, "Team", members))).room().roomId();
    result(chat.messaging.send(new Send(alice, roomId, "m1", "one", List.of(), null))).message();
    result(chat.messaging.send(new Send(alice, roomId, "m2", "two", List.of(), null))).message();
    return roomId;
  }

  @Test
  @DisplayName("move watermarks forward only, announcing each move to a small room")
  void forwardOnly() {
    String roomId = roomWith(List.of(bob));
    assertThat(result(chat.receipts.mark(new Receipt(bob, roomId, 2L, "read"))).read()).isEqualTo(2);
    assertThat(result(chat.receipts.mark(new Receipt(bob, roomId, 1L, "read"))).read()).isEqualTo(2);
    assertThat(chat.events.receipts).containsExactly(new RecordedEvents.Receipt(roomId, bob, "read", 2, true));
  }

  @Test
  @DisplayName("tell only the reader's own devices in a room larger than the receipt-event limit")
  void largeRoom() {
    String dave = chat.user("dave");
    String roomId = roomWith(List.of(bob, carol, dave));
    result(chat.receipts.mark(new Receipt(bob, roomId, 1L, "delivered")));
    assertThat(chat.events.receipts).containsExactly(new RecordedEvents.Receipt(roomId, bob, "delivered", 1, false));
  }

  @Test
  @DisplayName("refuse a bad seq or kind and a non-member, and list every member's watermarks")
  void refusalsAndList() {
    String roomId = roomWith(List.of(bob));
    for (Receipt bad : List.of(
        new Receipt(bob, roomId, 0L, "read"), new Receipt(bob, roomId, null, "read"), new Receipt(bob, roomId, 1L, "seen"),
        new Receipt(carol, roomId, 1L, "read"), new Receipt(bob, roomId, 3L, "read"))) {
      assertThatThrownBy(() -> result(chat.receipts.mark(bad))).isInstanceOf(ServiceException.class);
    }
    result(chat.receipts.mark(new Receipt(bob, roomId, 1L, "delivered")));
    assertThat(result(chat.receipts.list(alice, roomId)).members())
        .containsExactly(new MemberMarks(alice, 0, 0), new MemberMarks(bob, 1, 0));
  }
}

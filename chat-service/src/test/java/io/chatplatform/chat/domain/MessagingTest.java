package io.chatplatform.chat.domain;

import static io.chatplatform.chat.domain.ChatDomain.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.CreateRoom;
import io.chatplatform.contracts.chat.ChatApi.PageRequest;
import io.chatplatform.contracts.chat.ChatApi.SearchRequest;
import io.chatplatform.contracts.history.HistoryApi.Search;
import io.chatplatform.contracts.chat.ChatApi.Send;
import io.chatplatform.contracts.chat.ChatApi.SyncRequest;
import io.chatplatform.contracts.history.HistoryApi.SyncPages;
import io.chatplatform.contracts.history.FileInfo;
import io.chatplatform.contracts.history.Message;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Messaging")
class MessagingTest {
  final ChatDomain chat = new ChatDomain();
  final String alice = chat.user("alice");
  final String bob = chat.user("bob");
  final String carol = chat.user("carol");
  final String roomId = result(chat.rooms.create(new CreateRoom(alice, "Team", List.of(bob)))).room().roomId();

  Send send(String sender, String clientMsgId, String text) {
    return new Send(sender, roomId, clientMsgId, text, List.of(), null);
  }

  @Test
  @DisplayName("store a message once with the next seq, a retry answering (and announcing) the stored message")
  void sendOnce() {
    Message first = result(chat.messaging.send(send(alice, "m1", "hello"))).message();
    Message retry = result(chat.messaging.send(send(alice, "m1", "hello again"))).message();
    assertThat(first.seq()).isEqualTo(1L);
    assertThat(retry).isEqualTo(first);
    assertThat(chat.history.rooms.get(roomId)).containsExactly(first);
    assertThat(chat.events.messages).containsExactly(first, first);
    assertThat(first.ts()).isEqualTo(chat.now.get());
  }

  @Test
  @DisplayName("the reply and the room's event carry one encoding of the message: its client JSON, made once")
  void encodedOnce() {
    io.chatplatform.contracts.chat.ChatApi.Sent sent = result(chat.messaging.send(send(alice, "m1", "hello \"you\" \u00e9")));

    assertThat(chat.events.sentMessages).hasSize(1);
    assertThat(chat.events.sentMessages.get(0).clientJson()).isSameAs(sent.clientJson());
    assertThat(sent.clientJson()).isEqualTo(sent.message().write().toBuffer());
  }

  @Test
  @DisplayName("announce a retried message again: a message stored but never announced (a crash or a timeout between the two) reaches the room on the retry")
  void retryAnnouncesAgain() {
    // history stored it, but the send that stored it never announced it (chat-service died, or
    // gave up waiting while history finished the write)
    result(chat.history.append(new io.chatplatform.contracts.history.HistoryApi.Append(
        roomId, alice, "m1", "hello", List.of(), null, List.of(), chat.now.get())));
    assertThat(chat.events.messages).isEmpty();

    Message retried = result(chat.messaging.send(send(alice, "m1", "hello"))).message();
    assertThat(chat.events.messages).containsExactly(retried);
  }

  @Test
  @DisplayName("send files without text, leaving it to history-service to check and describe them")
  void attachmentsWithoutText() {
    Message message = result(chat.messaging.send(new Send(alice, roomId, "m1", "", List.of("f_1", "f_2"), null))).message();
    assertThat(message.attachments()).extracting(FileInfo::fileId).containsExactly("f_1", "f_2");
    assertThat(message.text()).isEmpty();
    assertThat(chat.events.messages).containsExactly(message);
  }

  @Test
  @DisplayName("record as mentions only the named users who are members of the room")
  void mentions() {
    Message message = result(chat.messaging.send(send(alice, "m1", "@bob and @carol, see @nobody"))).message();
    assertThat(message.mentions()).containsExactly(bob);
  }

  @Test
  @DisplayName("refuse non-members, blank and over-long texts, too many attachments and bad ids before storing anything")
  void refusals() {
    assertThatThrownBy(() -> result(chat.messaging.send(send(carol, "m1", "hi"))).message())
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    for (Send bad : List.of(
        send(alice, "m1", "   "),
        send(alice, "m1", "x".repeat(ChatDomain.LIMITS.maxTextLength() + 1)),
        send(alice, "has space", "hi"),
        new Send(alice, roomId, "m1", "", List.of("f_1", "f_2", "f_3", "f_4"), null))) {
      assertThatThrownBy(() -> result(chat.messaging.send(bad)).message())
          .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }
    assertThat(chat.history.rooms).isEmpty();
    assertThat(chat.events.messages).isEmpty();
  }

  @Test
  @DisplayName("check page bounds and membership before reading a page")
  void page() {
    result(chat.messaging.send(send(alice, "m1", "one"))).message();
    assertThat(result(chat.messaging.page(new PageRequest(bob, roomId, null, null, null))).messages()).hasSize(1);
    for (PageRequest bad : List.of(
        new PageRequest(bob, roomId, 1L, 1L, null), new PageRequest(bob, roomId, null, null, 0L),
        new PageRequest(bob, roomId, null, null, 101L))) {
      assertThatThrownBy(() -> result(chat.messaging.page(bad))).isInstanceOf(ServiceException.class);
    }
    assertThatThrownBy(() -> result(chat.messaging.page(new PageRequest(carol, roomId, null, null, null))))
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  @DisplayName("search the caller's rooms only: every room it is in, or the one named if it is a member (not_found otherwise); around alone")
  void searchScope() {
    String bobsOther = result(chat.rooms.create(new CreateRoom(bob, "Other", List.of()))).room().roomId();
    result(chat.messaging.search(new SearchRequest(bob, "hello", null, null, null)));
    assertThat(chat.history.searches.get(0).roomIds()).containsExactlyInAnyOrder(roomId, bobsOther);
    assertThat(chat.history.searches.get(0).limit()).isEqualTo(Messaging.DEFAULT_PAGE_SIZE);
    result(chat.messaging.search(new SearchRequest(bob, "hello", bobsOther, "5:x", 3L)));
    assertThat(chat.history.searches.get(1)).isEqualTo(new Search(List.of(bobsOther), "hello", "5:x", 3));
    assertThatThrownBy(() -> result(chat.messaging.search(new SearchRequest(alice, "hello", bobsOther, null, null))))
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> result(chat.messaging.search(new SearchRequest(bob, "hello", null, null, 0L))))
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    assertThat(chat.history.searches).hasSize(2);
    assertThatThrownBy(() -> result(chat.messaging.page(new PageRequest(bob, roomId, 1L, null, null, null, 2L))))
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
  }

  @Test
  @DisplayName("sync only the rooms the caller is in, within the room limit")
  void sync() {
    result(chat.messaging.send(send(alice, "m1", "one"))).message();
    result(chat.messaging.send(send(alice, "m2", "two"))).message();
    SyncPages synced = result(chat.messaging.sync(new SyncRequest(bob, Map.of(roomId, 1L, "r_other", 0L))));
    assertThat(synced.rooms().keySet()).containsExactly(roomId);
    assertThat(synced.rooms().get(roomId).messages()).extracting(Message::seq).containsExactly(2L);
    assertThat(result(chat.messaging.sync(new SyncRequest(carol, Map.of(roomId, 0L)))).rooms()).isEmpty();
    assertThatThrownBy(() -> result(chat.messaging.sync(new SyncRequest(bob, Map.of("a", 0L, "b", 0L, "c", 0L, "d", 0L)))))
        .isInstanceOf(ServiceException.class);
  }
}

package io.chatplatform.chat.domain;

import static io.chatplatform.chat.domain.ChatDomain.code;
import static io.chatplatform.chat.domain.ChatDomain.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.CreateRoom;
import io.chatplatform.contracts.chat.ChatApi.Delete;
import io.chatplatform.contracts.chat.ChatApi.React;
import io.chatplatform.contracts.chat.ChatApi.Send;
import io.chatplatform.contracts.history.Message;
import io.chatplatform.contracts.history.Quote;
import io.chatplatform.contracts.history.Reaction;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Reactions ({@link ReactionRules}) and replies ({@link Quotes}) through {@link Messaging} over in-memory stores. */
@DisplayName("Reactions and replies")
class ReactionsAndRepliesTest {
  final ChatDomain chat = new ChatDomain();
  final String alice = chat.user("alice");
  final String bob = chat.user("bob");
  final String eve = chat.user("eve");
  final String roomId = result(chat.rooms.create(new CreateRoom(alice, "Team", List.of(bob)))).room().roomId();

  Message sent(String sender, String text, Long replyTo) {
    return result(chat.messaging.send(new Send(sender, roomId, "c" + System.nanoTime(), text, List.of(), replyTo))).message();
  }

  Message react(String caller, long seq, String emoji, boolean on) {
    return result(chat.messaging.react(new React(caller, roomId, seq, emoji, on)));
  }

  @Test
  @DisplayName("an emoji is one grapheme holding a symbol (ZWJ families, skin tones, flags, keycaps) or a :shortcode:, within the length")
  void emojiRules() {
    for (String ok : List.of("👍", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "1️⃣", "❤️", ":party_parrot:", ":+1:")) {
      assertThat(ReactionRules.emoji(ok, 32)).isEqualTo(ok);
    }
    for (String bad : List.of("a", "ab", "👍👍", "👍 ", ":Upper:", "::", ":a b:", "", "\uD83D")) {
      assertThatThrownBy(() -> ReactionRules.emoji(bad, 32)).as(bad).isInstanceOf(ServiceException.class);
    }
    assertThatThrownBy(() -> ReactionRules.emoji(":" + "a".repeat(40) + ":", 32)).hasMessageContaining("at most 32");
    assertThatThrownBy(() -> ReactionRules.emoji(null, 32)).hasMessageContaining("emoji is required");
  }

  @Test
  @DisplayName("a quote keeps the first code points of the text, never half a surrogate pair; a deleted message's quote is empty and deleted")
  void quotes() {
    assertThat(Quotes.excerpt("hello", 3)).isEqualTo("hel");
    assertThat(Quotes.excerpt("hi", 3)).isEqualTo("hi");
    assertThat(Quotes.excerpt("😀😀😀", 2)).isEqualTo("😀😀");
    Message quoted = new Message(roomId, 4, "m4", bob, "c4", "x".repeat(150), List.of(), null, List.of(), 1, null, false);
    assertThat(Quotes.of(quoted, 100)).isEqualTo(new Quote(4, bob, "x".repeat(100), false));
    Message deleted = new Message(roomId, 4, "m4", bob, "c4", "", List.of(), null, List.of(), 1, null, true);
    assertThat(Quotes.of(deleted, 100)).isEqualTo(new Quote(4, bob, "", true));
  }

  @Test
  @DisplayName("a reaction on, on again (no second event), off; counts and ids per emoji; one message.updated per change")
  void toggle() {
    Message message = sent(alice, "lunch?", null);
    Message on = react(bob, message.seq(), "👍", true);
    assertThat(on.reactions()).containsExactly(new Reaction("👍", 1, List.of(bob)));
    assertThat(react(bob, message.seq(), "👍", true)).isEqualTo(on);
    Message both = react(alice, message.seq(), "👍", true);
    assertThat(both.reactions()).containsExactly(new Reaction("👍", 2, List.of(bob, alice)));
    Message off = react(bob, message.seq(), "👍", false);
    assertThat(off.reactions()).containsExactly(new Reaction("👍", 1, List.of(alice)));
    assertThat(chat.events.updates).containsExactly(on, both, off);
  }

  @Test
  @DisplayName("refused: a non-member (not_found), a deleted message (gone), a bad emoji (bad_request), no seq")
  void refusals() {
    Message message = sent(alice, "hi", null);
    assertThat(code(() -> react(eve, message.seq(), "👍", true))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(code(() -> react(bob, message.seq(), "no", true))).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(code(() -> result(chat.messaging.react(new React(bob, roomId, null, "👍", true))))).isEqualTo(ErrorCode.BAD_REQUEST);
    result(chat.messaging.delete(new Delete(alice, roomId, message.seq())));
    assertThat(code(() -> react(bob, message.seq(), "👍", true))).isEqualTo(ErrorCode.GONE);
  }

  @Test
  @DisplayName("a reply stores a quote of the message it answers; of a deleted one, deleted; replyTo naming no message is bad_request")
  void replies() {
    Message first = sent(bob, "x".repeat(30), null);
    Message reply = sent(alice, "agreed", first.seq());
    assertThat(reply.replyTo()).isEqualTo(first.seq());
    assertThat(reply.quote()).isEqualTo(new Quote(first.seq(), bob, "x".repeat(30), false));

    result(chat.messaging.delete(new Delete(bob, roomId, first.seq())));
    assertThat(sent(alice, "too late", first.seq()).quote()).isEqualTo(new Quote(first.seq(), bob, "", true));
    assertThat(code(() -> sent(alice, "to nothing", 99L))).isEqualTo(ErrorCode.BAD_REQUEST);
  }
}

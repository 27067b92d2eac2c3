package io.chatplatform.gateway.socket;

import static io.chatplatform.gateway.socket.SocketNode.ALICE;
import static io.chatplatform.gateway.socket.SocketNode.BOB;
import static io.chatplatform.gateway.socket.SocketNode.CAROL;
import static io.chatplatform.gateway.socket.SocketNode.caller;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.Addresses;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SockJS's websocket frames of a fanned-out event: escaped once per message, the bytes per-socket escaping gave")
class SockJsFramingTest {
  /** Texts whose escaping matters: quotes, backslashes, control characters, non-ASCII, a surrogate pair, an escape already in the JSON. */
  static final List<String> TEXTS = List.of("hi", "say \"hi\" \\ back", "tab\tline\nnul\u0000 bell\u0007", "é ☃ 😀 \u2028 </script>", "\\u0041");

  static Buffer eventWith(String text) {
    return new JsonObject().put("type", "message").put("message", new JsonObject().put("roomId", "r_1").put("text", text)).toBuffer();
  }

  @Test
  @DisplayName("a rec frame of an event is a[\"…\"] around its bridge frame, escaped exactly as JSON-encoding it per socket did")
  void recFrameIsThePerSocketEscaping() {
    String inbox = Addresses.Client.inbox(ALICE);
    for (String text : TEXTS) {
      Buffer json = eventWith(text);
      String perSocket = "a" + new JsonArray().add(BridgeFrames.recEncoded(inbox, json).toString()).encode();
      assertThat(SockJsFraming.rec(inbox, new FanoutEvent(json))).as(text).isEqualTo(perSocket);
      assertThat(SockJsFraming.message(BridgeFrames.recEncoded(inbox, json))).as(text).isEqualTo(perSocket);
    }
  }

  @Test
  @DisplayName("an event's escaped form is made once and then shared")
  void escapedOnce() {
    FanoutEvent event = new FanoutEvent(eventWith("say \"hi\""));
    assertThat(event.sockJsEscaped()).isSameAs(event.sockJsEscaped());
  }

  /** A SockJS websocket channel in memory: keeps the event objects it is handed, and what it would send. */
  static final class SockJsChannel extends FakeChannel {
    final BlockingQueue<FanoutEvent> events = new LinkedBlockingQueue<>();
    final BlockingQueue<String> sent = new LinkedBlockingQueue<>();

    SockJsChannel() {
      super("/eventbus/000/session1/websocket");
    }

    @Override
    public Future<Void> write(Buffer frame) {
      sent.add(SockJsFraming.message(frame));
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> writeEvent(String inbox, FanoutEvent event) {
      events.add(event);
      sent.add(SockJsFraming.rec(inbox, event));
      return Future.succeededFuture();
    }
  }

  @Test
  @DisplayName("a room event goes to every member socket as one event object, so its escaping is done once for all of them")
  void oneEventObjectPerMessage() throws Exception {
    try (SocketNode node = new SocketNode(Map.of())) {
      List<SockJsChannel> channels = new ArrayList<>();
      for (String user : List.of(ALICE, BOB, CAROL)) {
        node.rooms.put(user, List.of("r_1"));
        SockJsChannel channel = new SockJsChannel();
        node.connect(caller(user), channel);
        node.run(() -> channel.send("{\"type\":\"register\",\"address\":\"user." + user + "\"}"));
        channels.add(channel);
      }
      Buffer json = eventWith("say \"hi\"");
      node.vertx.eventBus().publish(Addresses.Fanout.room("r_1"), json);
      List<FanoutEvent> handed = new ArrayList<>();
      for (SockJsChannel channel : channels) {
        FanoutEvent event = channel.events.poll(20, TimeUnit.SECONDS);
        assertThat(event).as("an event handed to the socket").isNotNull();
        handed.add(event);
      }
      assertThat(handed.get(1)).isSameAs(handed.get(0));
      assertThat(handed.get(2)).isSameAs(handed.get(0));
      String frame = channels.get(1).sent.poll(20, TimeUnit.SECONDS);
      assertThat(frame).isEqualTo("a" + new JsonArray().add(BridgeFrames.recEncoded(Addresses.Client.inbox(BOB), json).toString()).encode());
    }
  }
}

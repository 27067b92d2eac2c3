package io.chatplatform.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SockJS's framing on its websocket transport, as the generator speaks it")
class SockJsFramingTest {
  private static final String BRIDGE_FRAME =
      new JsonObject().put("type", "rec").put("address", "user.u1").put("body", new JsonObject().put("text", "say \"hi\"\n\\ é ☃")).encode();

  @Test
  @DisplayName("a client frame goes out as a JSON array of one string, escaped")
  void encodesAClientFrame() {
    String sent = SockJsFraming.encode(BRIDGE_FRAME);
    assertThat(sent).startsWith("[\"{\\\"type\\\":");
    assertThat(new JsonArray(sent).getList()).containsExactly(BRIDGE_FRAME);
  }

  @Test
  @DisplayName("o, h, a[…] with several messages (unescaped, in order) and c[code,\"reason\"] are taken apart")
  void decodesServerFrames() {
    assertThat(SockJsFraming.decode("o")).isEqualTo(new SockJsFraming.Open());
    assertThat(SockJsFraming.decode("h")).isEqualTo(new SockJsFraming.Heartbeat());
    String batch = "a" + new JsonArray().add(BRIDGE_FRAME).add("{\"type\":\"err\"}").encode();
    assertThat(SockJsFraming.decode(batch)).isEqualTo(new SockJsFraming.Messages(List.of(BRIDGE_FRAME, "{\"type\":\"err\"}")));
    assertThat(SockJsFraming.decode("c[3000,\"Go away!\"]")).isEqualTo(new SockJsFraming.Close(3000, "Go away!"));
  }

  @Test
  @DisplayName("anything else is refused: unknown frames, a non-string message, broken JSON, a close without its reason")
  void refusesWhatIsNotSockJs() {
    for (String frame : List.of("", "{\"type\":\"rec\"}", "a[1]", "a[\"x\"", "c[3000]", "c[\"x\",\"y\"]", "x")) {
      assertThatThrownBy(() -> SockJsFraming.decode(frame)).as(frame).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  @DisplayName("the raw transport connects to /eventbus/websocket; SockJS to a fresh /eventbus/<3 digits>/<8 chars>/websocket each time")
  void paths() {
    assertThat(SocketTransport.WEBSOCKET.path()).isEqualTo("/eventbus/websocket");
    String first = SocketTransport.SOCKJS.path();
    assertThat(first).matches("/eventbus/[0-9]{3}/[a-z0-5]{8}/websocket");
    assertThat(SocketTransport.SOCKJS.path()).isNotEqualTo(first);
  }
}

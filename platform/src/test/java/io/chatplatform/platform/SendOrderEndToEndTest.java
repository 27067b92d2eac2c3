package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Sends from one socket to one room keep the socket's order, end to end")
class SendOrderEndToEndTest {
  @TempDir static Path dataDir;
  static PlatformFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new PlatformFixture(dataDir);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @Test
  @DisplayName("25 sends pipelined on one socket, every other one mentioning a member, get seqs in the order they were sent")
  void pipelinedSendsKeepTheirOrder() {
    Api.User alice = fx.newUser("order");
    Api.User bob = fx.newUser("mentioned");
    JsonObject room = fx.api.createRoom(alice, "Order", bob);
    try (SocketClient socket = fx.readySocket(alice)) {
      int sends = 25;
      for (int i = 0; i < sends; i++) {
        String text = i % 2 == 0 ? "plain " + i : "hello @" + bob.username() + " " + i;
        JsonObject body = new JsonObject().put("roomId", room.getString("roomId")).put("clientMsgId", "order-" + i).put("text", text);
        // Written one after the other without waiting for the answers.
        socket.write(new JsonObject().put("type", "send").put("address", "chat.send").put("body", body).put("replyAddress", "order." + i));
      }
      List<Long> seqs = new ArrayList<>();
      for (int i = 0; i < sends; i++) {
        String replyAddress = "order." + i;
        JsonObject reply = socket.awaitFrame(f -> replyAddress.equals(f.getString("address")), Await.TIMEOUT);
        assertThat(reply.getString("type")).as("answer to send %d: %s", i, reply).isEqualTo("rec");
        seqs.add(reply.getJsonObject("body").getLong("seq"));
      }
      assertThat(seqs).as("seqs in send order").isSorted().doesNotHaveDuplicates();
    }
  }
}

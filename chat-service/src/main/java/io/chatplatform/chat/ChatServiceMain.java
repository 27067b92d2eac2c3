package io.chatplatform.chat;

import io.chatplatform.chat.bus.ChatVerticle;
import io.chatplatform.runtime.ServiceNode;
import java.util.List;

/** Runs chat-service as its own clustered process. */
public final class ChatServiceMain {
  private ChatServiceMain() {}

  public static void main(String[] args) {
    ServiceNode.launch(
        "chat-service",
        true,
        start -> List.of(new ChatVerticle(ChatConfig.from(start.settings()), start.node().operations())));
  }
}

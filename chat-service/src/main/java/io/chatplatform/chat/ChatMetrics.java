package io.chatplatform.chat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** chat-service's domain meters, created here (docs/operations.md lists them). */
public final class ChatMetrics {
  /**
   * Counter: messages accepted, stored by history-service and published to their room (a send
   * retried with the same {@code clientMsgId} answers the stored message and counts again).
   */
  public static final String MESSAGES_IN = "chat.messages.in";

  private final Counter messagesIn;

  public ChatMetrics(MeterRegistry registry) {
    messagesIn = Counter.builder(MESSAGES_IN)
        .description("Messages accepted: stored and published to their room")
        .register(registry);
  }

  public void messageAccepted() {
    messagesIn.increment();
  }
}

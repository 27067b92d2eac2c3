package io.chatplatform.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi;
import io.chatplatform.contracts.chat.ChatApi.Send;
import io.chatplatform.contracts.chat.ChatApi.Sent;
import io.chatplatform.contracts.history.Message;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ServiceClient reads every reply as the type its endpoint names")
class ServiceClientTest {
  private static final Message STORED = new Message("r1", 7, "m7", "u1", "c7", "hello", List.of(), null, List.of(), 42, null, false);
  private static final Send SEND = new Send("u1", "r1", "c7", "hello", List.of(), null);

  private final Vertx vertx = Vertx.vertx();
  private final ServiceClient client = new ServiceClient(vertx.eventBus(), 2_000, null);

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("an older chat-service's reply to a send, the stored Message itself, is read as the Sent the gateway expects")
  void olderMembersTypedReply() {
    vertx.eventBus().consumer(Addresses.Chat.MESSAGE_SEND, message -> message.reply(STORED));

    Sent sent = Await.result(client.request(ChatApi.MESSAGE_SEND, SEND));

    assertThat(sent.message()).isEqualTo(STORED);
    assertThat(sent.clientJson()).isEqualTo(STORED.write().toBuffer());
  }

  @Test
  @DisplayName("a reply of no form of the contracts (neither JSON nor a typed record) is an internal error, not an empty reply")
  void unexpectedReply() {
    vertx.eventBus().consumer(Addresses.Chat.MESSAGE_SEND, message -> message.reply("stored"));

    Throwable failure = Await.failure(client.request(ChatApi.MESSAGE_SEND, SEND));

    assertThat(failure).isInstanceOf(ServiceException.class).hasMessageContaining("String");
    assertThat(((ServiceException) failure).code()).isEqualTo(ErrorCode.INTERNAL);
  }

  @Test
  @DisplayName("a reply in JSON (a test's stand-in) is read through the endpoint's shape")
  void jsonReply() {
    vertx.eventBus().consumer(Addresses.Chat.MESSAGE_SEND, message -> message.reply(STORED.write()));

    assertThat(Await.result(client.request(ChatApi.MESSAGE_SEND, SEND)).message()).isEqualTo(STORED);
  }
}

package io.chatplatform.gateway.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Request schemas")
class RequestSchemasTest {
  final RequestSchemas schemas = new RequestSchemas();

  static JsonObject send() {
    return new JsonObject().put("roomId", "r_0123456789abcdef").put("clientMsgId", "c-1").put("text", "hello");
  }

  @Test
  @DisplayName("a well-formed chat.send passes, with or without its optional fields")
  void wellFormed() {
    schemas.check("chat.send", send());
    schemas.check("chat.send", send().put("replyTo", 3).put("attachments", new JsonArray().add("f_1")));
    schemas.check("chat.send", send().putNull("replyTo"));
  }

  @Test
  @DisplayName("refusals name the field: a missing one, a wrong type, an unknown one, an operator object")
  void refusalsNameTheField() {
    assertThatThrownBy(() -> schemas.check("chat.send", send().put("roomId", new JsonObject().put("$gt", ""))))
        .isInstanceOf(ServiceException.class).hasMessageStartingWith("roomId");
    assertThatThrownBy(() -> schemas.check("chat.send", new JsonObject().put("roomId", "r_1")))
        .hasMessage("clientMsgId is required");
    assertThatThrownBy(() -> schemas.check("chat.send", send().put("senderId", "u_x")))
        .hasMessageContaining("unknown or malformed field senderId");
    assertThatThrownBy(() -> schemas.check("chat.sync", new JsonObject().put("rooms", new JsonObject().put("$where", 1))))
        .hasMessageContaining("$where");
    assertThatThrownBy(() -> schemas.check("chat.receipt", new JsonObject().put("roomId", "r_1").put("seq", 1.5).put("kind", "read")))
        .hasMessageStartingWith("seq");
  }

  @Test
  @DisplayName("every REST operation with a body has a schema (the socket's: FrameRouterTest)")
  void everyOperationHasOne() {
    for (String op : new String[] {"auth.register", "auth.login", "auth.refresh", "auth.logout", "rooms.create", "rooms.direct", "rooms.members.add", "messages.post", "admin.users.disabled"}) {
      assertThat(schemas.knows(op)).as(op).isTrue();
    }
  }
}

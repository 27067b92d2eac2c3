package io.chatplatform.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.chat.ChatApi;
import io.chatplatform.contracts.chat.ChatApi.Credentials;
import io.chatplatform.contracts.chat.ChatApi.Send;
import io.chatplatform.contracts.chat.ChatApi.SyncRequest;
import io.chatplatform.contracts.history.FileInfo;
import io.chatplatform.contracts.history.HistoryApi;
import io.chatplatform.contracts.history.HistoryApi.Append;
import io.chatplatform.contracts.history.HistoryApi.RoomState;
import io.chatplatform.contracts.history.HistoryApi.RoomStates;
import io.chatplatform.contracts.history.Message;
import io.chatplatform.contracts.presence.PresenceApi;
import io.chatplatform.contracts.presence.PresenceApi.Typing;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Typed contracts")
class ContractsTest {

  static <T> T throughTheWire(Shape<T> shape, T value) {
    ShapeCodec<T> codec = new ShapeCodec<>(shape);
    Buffer wire = Buffer.buffer("prefix");
    codec.encodeToWire(wire, value);
    return codec.decodeFromWire("prefix".length(), wire);
  }

  @Test
  @DisplayName("cross a cluster as their JSON and come back equal")
  void wireRoundTrip() {
    Append append = new Append("r1", "u1", "c1", "hi", List.of(), 3L, List.of("u2"), 42);
    assertThat(throughTheWire(HistoryApi.APPEND.request(), append)).isEqualTo(append);
    RoomStates states = new RoomStates(Map.of("r1", new RoomState(5, 2)));
    assertThat(throughTheWire(HistoryApi.ROOM_STATES.reply(), states)).isEqualTo(states);
    Map<String, Long> rooms = new LinkedHashMap<>();
    rooms.put("b", 2L);
    rooms.put("a", 0L);
    SyncRequest sync = new SyncRequest("u1", rooms);
    assertThat(throughTheWire(ChatApi.MESSAGE_SYNC.request(), sync).rooms().keySet()).containsExactly("b", "a");
    Typing typing = new Typing("u1", "s1", "n1", "r1", true);
    assertThat(throughTheWire(PresenceApi.TYPING.request(), typing)).isEqualTo(typing);
    ChatApi.RefreshGrant grant = new ChatApi.RefreshGrant("u1", "bob", List.of("user", "admin"), 2_592_000);
    assertThat(throughTheWire(ChatApi.REFRESH_ROTATE.reply(), grant)).isEqualTo(grant);
    ChatApi.RefreshRotate rotate = new ChatApi.RefreshRotate("hash-1", "hash-2");
    assertThat(throughTheWire(ChatApi.REFRESH_ROTATE.request(), rotate)).isEqualTo(rotate);
  }

  @Test
  @DisplayName("a sent message: its client JSON encoded once, framed as the message event byte for byte, and across a cluster as the message")
  void sentMessage() {
    Message message = new Message("r1", 7, "m7", "u1", "c7", "say \"hi\" \\ \u00e9", List.of(), null, List.of("u2"), 42, null, false);
    ChatApi.Sent sent = ChatApi.Sent.of(message);

    assertThat(sent.clientJson()).isEqualTo(message.write().toBuffer());
    assertThat(ClientEvents.message(sent.clientJson())).isEqualTo(ClientEvents.message(message.write()).toBuffer());
    ChatApi.Sent across = throughTheWire(ChatApi.MESSAGE_SEND.reply(), sent);
    assertThat(across.message()).isEqualTo(message);
    assertThat(across.clientJson()).isEqualTo(sent.clientJson());
  }

  @Test
  @DisplayName("files: messages carry file objects (dimensions only when known), grants cross the cluster whole")
  void files() {
    FileInfo photo = new FileInfo("f_1", "cat.jpg", 48021, "image/jpeg", 1600, 1200);
    FileInfo notes = new FileInfo("f_2", "notes.pdf", 900, "application/pdf", null, null);
    Message message = new Message("r1", 7, "m7", "u1", "c1", "", List.of(photo, notes), null, List.of(), 42, null, false);
    assertThat(throughTheWire(Message.SHAPE, message)).isEqualTo(message);
    assertThat(message.write().getJsonArray("attachments").getJsonObject(1).fieldNames())
        .containsExactly("fileId", "name", "size", "contentType");
    assertThat(photo.hasThumbnail()).isTrue();
    assertThat(notes.hasThumbnail()).isFalse();

    HistoryApi.UploadGrantRequest ask = new HistoryApi.UploadGrantRequest("u1", "r1", 48213L);
    assertThat(throughTheWire(HistoryApi.FILE_UPLOAD_GRANT.request(), ask)).isEqualTo(ask);
    HistoryApi.UploadGrant upload = new HistoryApi.UploadGrant("g1", "http://10.0.0.5:8091/files", 26_214_400);
    assertThat(throughTheWire(HistoryApi.FILE_UPLOAD_GRANT.reply(), upload)).isEqualTo(upload);
    HistoryApi.DownloadGrantRequest fetch = new HistoryApi.DownloadGrantRequest("u1", "f_1", true);
    assertThat(throughTheWire(HistoryApi.FILE_DOWNLOAD_GRANT.request(), fetch)).isEqualTo(fetch);
    HistoryApi.DownloadGrant download = new HistoryApi.DownloadGrant("g2", "http://10.0.0.5:8091/files/download");
    assertThat(throughTheWire(HistoryApi.FILE_DOWNLOAD_GRANT.reply(), download)).isEqualTo(download);
  }

  @Test
  @DisplayName("travel by reference inside one JVM, with no copy")
  void localByReference() {
    Vertx vertx = Vertx.vertx();
    try {
      Codecs.register(vertx.eventBus());
      Codecs.register(vertx.eventBus());
      Append append = new Append("r1", "u1", "c1", "hi", List.of(), null, List.of(), 1);
      vertx.eventBus().<Append>consumer("test.append", m -> m.reply(m.body() == append));
      Boolean same = vertx.eventBus().<Boolean>request("test.append", append).await().body();
      assertThat(same).isTrue();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  @DisplayName("refuse a field of the wrong type as a bad request naming the field")
  void wrongTypes() {
    JsonObject send = new JsonObject().put("callerId", "u1").put("roomId", "r1").put("clientMsgId", "c1");
    assertThat(ChatApi.MESSAGE_SEND.request().read().apply(send.copy().put("text", "hi")).text()).isEqualTo("hi");
    assertThatThrownBy(() -> ChatApi.MESSAGE_SEND.request().read().apply(send.copy().put("text", 5)))
        .isInstanceOfSatisfying(ServiceException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
          assertThat(e.getMessage()).isEqualTo("text must be a string");
        });
    assertThatThrownBy(() -> ChatApi.MESSAGE_SEND.request().read().apply(send.copy().put("attachments", new JsonArray().add(1))))
        .hasMessage("attachments must be a list of file ids");
    assertThatThrownBy(() -> ChatApi.MESSAGE_SEND.request().read().apply(send.copy().put("replyTo", 0)))
        .hasMessage("replyTo must be the seq of a message of the room");
    assertThatThrownBy(() -> ChatApi.MESSAGE_SEND.request().read().apply(new JsonObject().put("callerId", "u1")))
        .hasMessage("roomId is required and must be a string");
    assertThat(ChatApi.MESSAGE_PAGE.request().read().apply(
        new JsonObject().put("callerId", "u1").put("roomId", "r1").put("before", "12")).before()).isEqualTo(12L);
    assertThatThrownBy(() -> ChatApi.MESSAGE_PAGE.request().read().apply(
        new JsonObject().put("callerId", "u1").put("roomId", "r1").put("before", "-1"))).isInstanceOf(ServiceException.class);
  }

  @Test
  @DisplayName("never show a password or a token hash in a request's text form")
  void noSecretsInText() {
    assertThat(new Credentials("bob", "hunter22-secret").toString()).doesNotContain("hunter22-secret");
    assertThat(new ChatApi.Register("bob", "hunter22-secret", null).toString()).doesNotContain("hunter22-secret");
    assertThat(new Send("u", "r", "c", "t", List.of(), null).toString()).contains("r");
    assertThat(new ChatApi.RefreshIssue("u1", "the-token-hash").toString()).doesNotContain("the-token-hash");
    assertThat(new ChatApi.RefreshRotate("the-token-hash", "the-next-hash").toString()).doesNotContain("hash");
    assertThat(new ChatApi.RefreshRevoke("the-token-hash").toString()).doesNotContain("the-token-hash");
  }
}

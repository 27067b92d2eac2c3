package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.chat.ChatApi;
import io.chatplatform.contracts.history.HistoryApi;
import io.chatplatform.runtime.Telemetry;
import io.chatplatform.testsupport.Await;
import io.chatplatform.testsupport.LogCapture;
import io.chatplatform.testsupport.LogCapture.Logged;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request's path through the platform can be followed: every log line written for it, in the
 * gateway, chat-service, history-service and notification-service, carries one correlation id, and its spans form one
 * trace, hop by hop. Neither the log nor a span holds the access token or the password. The
 * platform's spans go to an in-memory exporter through the same redaction as the OTLP one.
 */
@DisplayName("Operations: one correlation id in the log and one trace per request, through every service")
class LogsAndTracesTest {
  private static final String PASSWORD = "correct-horse";
  private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<String> CORRELATION = AttributeKey.stringKey("chat.correlation_id");

  @TempDir static Path dataDir;
  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  static final Telemetry TELEMETRY = Telemetry.exportingTo("chat-platform", SPANS);
  static PlatformFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new PlatformFixture(dataDir, Map.of(), List.of(), TELEMETRY);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @Test
  @DisplayName("a chat.send over a WebSocket: gateway, chat and history log under one id; one trace from the frame to history")
  void chatSendOverSocket() {
    try (LogCapture log = new LogCapture()) {
      Api.User alice = fx.newUser("traced");
      String roomId = fx.api.createRoom(alice, "traced room").getString("roomId");
      JsonObject stored;
      try (SocketClient socket = fx.socket(alice)) {
        stored = socket.ask("chat.send", new JsonObject().put("roomId", roomId).put("clientMsgId", "t-1").put("text", "hello"));
      }
      String messageId = stored.getString("messageId");

      // The log: the gateway's lines for the frame, chat's and history's for the message, and
      // notification-service's for the one-way notice chat sent about it: one id.
      Predicate<Logged> noticed = l -> l.logger().endsWith("notification.bus.NotificationVerticle")
          && l.message().contains(roomId + "#" + stored.getLong("seq"));
      Await.until("notification-service hears of the message", Await.TIMEOUT, () -> log.logged().stream().anyMatch(noticed));
      List<Logged> lines = log.logged();
      Logged asked = one(lines, l -> l.logger().endsWith("FrameRouter") && l.message().contains("asks " + ChatApi.MESSAGE_SEND.address()));
      String id = asked.mdc().get("correlationId");
      System.out.println("correlation id of the chat.send frame: " + id);
      assertThat(id).isNotNull();
      Logged answered = one(lines, l -> l.logger().endsWith("FrameRouter") && l.message().contains(ChatApi.MESSAGE_SEND.address() + " answered"));
      Logged chat = one(lines, l -> l.logger().endsWith("chat.domain.Messaging") && l.message().contains(messageId));
      Logged history = one(lines, l -> l.logger().endsWith("history.bus.HistoryVerticle") && l.message().contains(messageId));
      Logged notification = one(lines, noticed);
      assertThat(List.of(answered, chat, history, notification)).extracting(l -> l.mdc().get("correlationId")).containsOnly(id);

      // The trace: the frame's span is the root; chat's request and history's hang below it.
      Await.until("the frame's span is exported", Await.TIMEOUT, () -> {
        TELEMETRY.flush(5_000);
        return SPANS.getFinishedSpanItems().stream().anyMatch(s -> id.equals(s.getAttributes().get(CORRELATION)));
      });
      List<SpanData> all = SPANS.getFinishedSpanItems();
      SpanData frame = one(all, s -> id.equals(s.getAttributes().get(CORRELATION)));
      List<SpanData> trace = all.stream().filter(s -> s.getTraceId().equals(frame.getTraceId())).toList();
      trace.forEach(s -> System.out.println("span " + s.getName() + " " + s.getKind() + " " + s.getSpanId() + " <- " + s.getParentSpanId() + " " + s.getAttributes()));
      assertThat(frame.getName()).isEqualTo("socket chat.send");
      assertThat(frame.getKind()).isEqualTo(SpanKind.SERVER);
      assertThat(frame.getParentSpanContext().isValid()).as("the frame starts its own trace").isFalse();

      SpanData toChat = one(trace, s -> s.getKind() == SpanKind.CLIENT && ChatApi.MESSAGE_SEND.address().equals(s.getAttributes().get(DESTINATION)));
      SpanData inChat = one(trace, s -> s.getKind() == SpanKind.SERVER && ChatApi.MESSAGE_SEND.address().equals(s.getAttributes().get(DESTINATION)));
      SpanData toHistory = one(trace, s -> s.getKind() == SpanKind.CLIENT && HistoryApi.APPEND.address().equals(s.getAttributes().get(DESTINATION)));
      SpanData inHistory = one(trace, s -> s.getKind() == SpanKind.SERVER && HistoryApi.APPEND.address().equals(s.getAttributes().get(DESTINATION)));
      assertThat(toChat.getParentSpanId()).isEqualTo(frame.getSpanId());
      assertThat(inChat.getParentSpanId()).isEqualTo(toChat.getSpanId());
      assertThat(toHistory.getParentSpanId()).isEqualTo(inChat.getSpanId());
      assertThat(inHistory.getParentSpanId()).isEqualTo(toHistory.getSpanId());
      assertThat(frame.getResource().getAttribute(AttributeKey.stringKey("service.name"))).isEqualTo("chat-platform");

      // No secret: the socket's token travelled in the upgrade's query string, the password in a body.
      // The gateway's lean WebSocket answers the upgrade itself, so Vert.x never ends (nor exports)
      // the upgrade's server span (docs/security.md, "The lean WebSocket"); the spans below are
      // every span exported, and none may carry the token, whatever the socket's kind.
      for (SpanData span : all) {
        assertThat(span.getName() + " " + span.getAttributes() + " " + span.getEvents())
            .doesNotContain(alice.token(), PASSWORD, "access_token");
      }
      for (Logged line : log.logged()) {
        assertThat(line.message() + " " + line.mdc()).doesNotContain(alice.token(), PASSWORD);
      }
    }
  }

  @Test
  @DisplayName("an HTTP request: a safe X-Request-Id is kept and answered, chat and history log under it; an unsafe one is replaced")
  void httpRequestId() {
    Api.User bob = fx.newUser("traced-http");
    String roomId = fx.api.createRoom(bob, "http room").getString("roomId");
    WebClient web = WebClient.create(fx.clientVertx);
    try (LogCapture log = new LogCapture()) {
      String supplied = "client-7f3a9c21";
      HttpResponse<Buffer> sent = Await.result(web.request(HttpMethod.POST, fx.port(), "127.0.0.1", "/api/v1/rooms/" + roomId + "/messages")
          .putHeader("Authorization", "Bearer " + bob.token())
          .putHeader("X-Request-Id", supplied)
          .sendJsonObject(new JsonObject().put("clientMsgId", "h-1").put("text", "over http")));
      assertThat(sent.statusCode()).isEqualTo(201);
      assertThat(sent.getHeader("X-Request-Id")).isEqualTo(supplied);
      String messageId = sent.bodyAsJsonObject().getString("messageId");
      List<Logged> lines = log.logged();
      assertThat(List.of(
              one(lines, l -> l.logger().endsWith("chat.domain.Messaging") && l.message().contains(messageId)),
              one(lines, l -> l.logger().endsWith("history.bus.HistoryVerticle") && l.message().contains(messageId))))
          .extracting(l -> l.mdc().get("correlationId"))
          .containsOnly(supplied);

      for (String unsafe : List.of("short", "x".repeat(65), "forged\" level=\"ERROR", "two words here")) {
        HttpResponse<Buffer> refused = Await.result(web.request(HttpMethod.GET, fx.port(), "127.0.0.1", "/api/v1/rooms")
            .putHeader("Authorization", "Bearer " + bob.token())
            .putHeader("X-Request-Id", unsafe)
            .send());
        String answered = refused.getHeader("X-Request-Id");
        System.out.println("X-Request-Id " + unsafe + " -> " + answered);
        assertThat(answered).isNotEqualTo(unsafe).matches("[A-Za-z0-9_-]{22}");
      }
    } finally {
      web.close();
    }
  }

  private static <T> T one(List<T> items, Predicate<T> match) {
    List<T> found = items.stream().filter(match).filter(Objects::nonNull).toList();
    assertThat(found).as("exactly one match among %s", items).hasSize(1);
    return found.get(0);
  }
}

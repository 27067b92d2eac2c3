package io.chatplatform.gateway.socket;

import static io.chatplatform.gateway.socket.SocketNode.ALICE;
import static io.chatplatform.gateway.socket.SocketNode.BOB;
import static io.chatplatform.gateway.socket.SocketNode.caller;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.gateway.overload.LoadShedding;
import io.chatplatform.gateway.validation.RequestSchemas;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("What a socket's frames do")
class FrameRouterTest {
  /** A stored message as chat-service answers it, in the documented field order. */
  static final String STORED = "{\"roomId\":\"r_0123456789abcdef\",\"seq\":1,\"messageId\":\"m1\",\"senderId\":\"alice\","
      + "\"clientMsgId\":\"c-1\",\"text\":\"hello\",\"attachments\":[],\"replyTo\":null,\"mentions\":[],\"ts\":5,"
      + "\"editedAt\":null,\"deleted\":false}";
  static final String SEND_BODY = "{\"roomId\":\"r_0123456789abcdef\",\"clientMsgId\":\"c-1\",\"text\":\"hello\"}";

  SocketNode node;

  @AfterEach
  void close() {
    if (node != null) {
      node.close();
    }
  }

  static String send(String replyAddress, String body) {
    return "{\"type\":\"send\",\"address\":\"chat.send\",\"replyAddress\":\"" + replyAddress + "\",\"body\":" + body + "}";
  }

  static String err(String message, String word, int status, String address) {
    return "{\"type\":\"err\",\"failureCode\":" + status + ",\"failureType\":\"RECIPIENT_FAILURE\",\"message\":\"" + word + ": "
        + message + "\",\"body\":\"" + word + "\"" + (address == null ? "" : ",\"address\":\"" + address + "\"") + "}";
  }

  @Test
  @DisplayName("every client address a socket may send to has a body schema")
  void everyRouteHasASchema() {
    RequestSchemas schemas = new RequestSchemas();
    assertThat(FrameRouter.ROUTES).isNotEmpty();
    for (String address : FrameRouter.ROUTES.keySet()) {
      assertThat(schemas.knows(address)).as(address).isTrue();
    }
  }

  @Test
  @DisplayName("a send becomes its service request on behalf of the socket's user, and the answer comes back to its replyAddress")
  void sendIsForwarded() throws Exception {
    node = new SocketNode(Map.of());
    node.serve(Addresses.Chat.MESSAGE_SEND, request -> Future.succeededFuture(new JsonObject(STORED)));
    FakeChannel channel = node.connect(caller(ALICE));
    String sessionId = node.request(Addresses.Presence.CONNECT).getString("sessionId");

    node.run(() -> channel.send(send("r-1", SEND_BODY)));
    JsonObject request = node.request(Addresses.Chat.MESSAGE_SEND);
    // The typed request: the body's fields and the socket's user, nothing the client could forge.
    assertThat(request).isEqualTo(new JsonObject(SEND_BODY)
        .put("callerId", ALICE).put("attachments", new io.vertx.core.json.JsonArray()).put("replyTo", null));
    assertThat(sessionId).isNotBlank();
    assertThat(channel.nextFrame()).isEqualTo("{\"type\":\"rec\",\"address\":\"r-1\",\"body\":" + STORED + "}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"r \"1\" \\ \u00e9\u2028", "emoji \ud83d\ude00", "lone \ud800 surrogate"})
  @DisplayName("a reply goes back to the replyAddress exactly as the client wrote it, in the bytes a JSON object's encoder writes")
  void replyAddressEscaped(String replyAddress) throws Exception {
    node = new SocketNode(Map.of());
    node.serve(Addresses.Chat.MESSAGE_SEND, request -> Future.succeededFuture(new JsonObject(STORED)));
    FakeChannel channel = node.connect(caller(ALICE));
    node.request(Addresses.Presence.CONNECT);

    // Written by the UTF-8 encoder, which escapes a lone surrogate (a String encoder would write it raw, and UTF-8 would lose it).
    node.run(() -> channel.send(new JsonObject().put("type", "send").put("address", "chat.send").put("replyAddress", replyAddress)
        .put("body", new JsonObject(SEND_BODY)).toBuffer().toString()));
    node.request(Addresses.Chat.MESSAGE_SEND);

    String frame = channel.nextFrame();
    assertThat(new JsonObject(frame).getString("address")).isEqualTo(replyAddress);
    assertThat(frame).isEqualTo(BridgeFrames.rec(replyAddress, new JsonObject(STORED)).toString());
  }

  static String sendBody(String roomId, String clientMsgId) {
    return "{\"roomId\":\"" + roomId + "\",\"clientMsgId\":\"" + clientMsgId + "\",\"text\":\"hello\"}";
  }

  @Test
  @DisplayName("a socket's sends to one room go one at a time, each once the previous is answered; other rooms are not held back; too many waiting are refused")
  void sendsToARoomGoOneAtATime() throws Exception {
    node = new SocketNode(Map.of("SOCKET_SEND_QUEUE_MAX", "3"));
    Promise<Void> answerRoomA = Promise.promise();
    node.serve(Addresses.Chat.MESSAGE_SEND, request -> "r_a".equals(request.getString("roomId"))
        ? answerRoomA.future().map(new JsonObject(STORED))
        : Future.succeededFuture(new JsonObject(STORED)));
    FakeChannel channel = node.connect(caller(ALICE));
    node.run(() -> {
      channel.send(send("a-1", sendBody("r_a", "c-1")));
      channel.send(send("a-2", sendBody("r_a", "c-2")));
      channel.send(send("b-1", sendBody("r_b", "c-3")));
      channel.send(send("a-3", sendBody("r_a", "c-4")));
    });
    assertThat(new JsonObject(channel.nextFrame()).getString("message"))
        .as("the fourth while three wait").startsWith("rate_limited: too many sends waiting on this socket");
    assertThat(new JsonObject(channel.nextFrame()).getString("address")).as("room B's answer, while room A's first waits").isEqualTo("b-1");
    java.util.Set<String> forwarded = new java.util.HashSet<>();
    forwarded.add(node.request(Addresses.Chat.MESSAGE_SEND).getString("clientMsgId"));
    forwarded.add(node.request(Addresses.Chat.MESSAGE_SEND).getString("clientMsgId"));
    assertThat(forwarded).containsExactlyInAnyOrder("c-1", "c-3");
    assertThat(node.requestsWaiting(Addresses.Chat.MESSAGE_SEND)).as("room A's second send, before the first is answered").isZero();

    node.run(answerRoomA::complete);
    assertThat(new JsonObject(channel.nextFrame()).getString("address")).isEqualTo("a-1");
    assertThat(node.request(Addresses.Chat.MESSAGE_SEND).getString("clientMsgId")).isEqualTo("c-2");
    assertThat(new JsonObject(channel.nextFrame()).getString("address")).isEqualTo("a-2");
  }

  @Test
  @DisplayName("auth.renew has a body schema too")
  void renewHasASchema() {
    assertThat(new RequestSchemas().knows(Addresses.Client.AUTH_RENEW)).isTrue();
  }

  static String renew(String replyAddress, String accessToken) {
    return new JsonObject().put("type", "send").put("address", "auth.renew").put("replyAddress", replyAddress)
        .put("body", new JsonObject().put("accessToken", accessToken)).encode();
  }

  @Test
  @DisplayName("auth.renew with the user's own new token moves the socket's 4403 to that token's expiry; "
      + "another user's token is forbidden, an invalid one unauthorized, and those sockets keep their expiry")
  void renewMovesTheExpiry() throws Exception {
    node = new SocketNode(Map.of());
    long soon = System.currentTimeMillis() + 1_500;
    FakeChannel renewed = node.connect(caller(ALICE, soon));
    FakeChannel refused = node.connect(caller(ALICE, soon));
    String alicesToken = node.tokens.issue(new JsonObject().put("userId", ALICE).put("username", "alice"));
    String bobsToken = node.tokens.issue(new JsonObject().put("userId", BOB).put("username", "bob"));

    node.run(() -> refused.send(renew("n-1", bobsToken)));
    assertThat(refused.nextFrame()).isEqualTo(err("the token is another user's", "forbidden", 403, "n-1"));
    node.run(() -> refused.send(renew("n-2", alicesToken.substring(0, alicesToken.length() - 4) + "AAAA")));
    assertThat(refused.nextFrame()).isEqualTo(err("invalid or expired access token", "unauthorized", 401, "n-2"));

    node.run(() -> renewed.send(renew("n-3", alicesToken)));
    JsonObject reply = new JsonObject(renewed.nextFrame());
    assertThat(reply.getString("type")).isEqualTo("rec");
    assertThat(reply.getString("address")).isEqualTo("n-3");
    long expiresAt = reply.getJsonObject("body").getLong("expiresAt");
    assertThat(expiresAt).isEqualTo(node.onLoop(() -> node.tokens.verify(alicesToken)).expiresAt()).isGreaterThan(soon);

    refused.assertClosedWith(CloseCodes.EXPIRED, "unauthorized: token expired");
    // Past the first expiry, the renewed socket is open and still answers.
    node.run(() -> renewed.send(renew("n-4", bobsToken)));
    assertThat(renewed.nextFrame()).isEqualTo(err("the token is another user's", "forbidden", 403, "n-4"));
    assertThat(renewed.closed).isNotDone();
    assertThat(node.openSessions()).isEqualTo(1);
  }

  @Test
  @DisplayName("a frame that is not allowed is answered with an err frame naming why, and reaches no service")
  void refusals() throws Exception {
    node = new SocketNode(Map.of());
    node.serve(Addresses.Chat.MESSAGE_SEND, request -> Future.succeededFuture(new JsonObject()));
    FakeChannel channel = node.connect(caller(ALICE));
    Map<String, String> answers = new java.util.LinkedHashMap<>();
    answers.put("[1, 2]", err("a frame must be a JSON object", "bad_request", 400, null));
    answers.put("{\"type\":\"send\"}", err("a frame needs a string type and address", "bad_request", 400, null));
    answers.put("{\"type\":\"shout\",\"address\":\"chat.send\"}", err("unknown frame type", "bad_request", 400, null));
    answers.put("{\"type\":\"publish\",\"address\":\"chat.send\"}", err("publishing is not allowed", "access_denied", 403, "chat.send"));
    answers.put("{\"type\":\"register\",\"address\":\"user.u_other\"}",
        err("you may register only your own inbox user." + ALICE, "access_denied", 403, "user.u_other"));
    answers.put("{\"type\":\"send\",\"address\":\"svc.chat.messages.send\",\"body\":{}}",
        err("address not allowed: svc.chat.messages.send", "access_denied", 403, "svc.chat.messages.send"));
    answers.put(send("r-2", "[]"), err("body must be a JSON object", "bad_request", 400, "r-2"));
    answers.put(send("r".repeat(FrameRouter.MAX_REPLY_ADDRESS_LENGTH + 1), SEND_BODY), err("replyAddress must be a short string", "bad_request", 400, null));
    answers.put(send("r-3", "{\"roomId\":\"r_1\"}"), err("clientMsgId is required", "bad_request", 400, "r-3"));
    for (Map.Entry<String, String> frame : answers.entrySet()) {
      node.run(() -> channel.send(frame.getKey()));
      assertThat(channel.nextFrame()).as(frame.getKey()).isEqualTo(frame.getValue());
    }
    node.run(() -> channel.send("{\"type\":\"ping\"}"));
    assertThat(channel.framesWaiting()).as("a ping is not answered").isZero();
    assertThat(node.requestsWaiting(Addresses.Chat.MESSAGE_SEND)).isZero();
    assertThat(channel.closed).isNotDone();
  }

  @Test
  @DisplayName("while the event loop runs more than OVERLOAD_LOOP_LAG_MS behind, a request is refused unavailable with when to retry "
      + "and reaches no service; auth.renew is still answered; once the loop has caught up, requests go again")
  void requestsShedWhileTheLoopIsBehind() throws Exception {
    node = new SocketNode(Map.of());
    node.serve(Addresses.Chat.MESSAGE_SEND, request -> Future.succeededFuture(new JsonObject(STORED)));
    FakeChannel channel = node.connect(caller(ALICE));
    String token = node.tokens.issue(new JsonObject().put("userId", ALICE).put("username", "alice"));
    // One check 10 s late: smoothed, over the production threshold (1 s).
    node.run(() -> {
      node.loopLag.scheduled();
      node.loopClock.addAndGet(java.util.concurrent.TimeUnit.SECONDS.toNanos(10));
      node.loopLag.checked();
    });
    assertThat(node.onLoop(() -> Future.succeededFuture(node.loopLag.behind()))).isTrue();
    node.run(() -> channel.send(send("r-1", SEND_BODY)));
    assertThat(channel.nextFrame()).isEqualTo(err("the server is overloaded, retry in 2 s", "unavailable", 503, "r-1"));
    node.run(() -> channel.send(renew("n-1", token)));
    assertThat(new JsonObject(channel.nextFrame()).getString("type")).as("auth.renew answered").isEqualTo("rec");
    assertThat(node.requestsWaiting(Addresses.Chat.MESSAGE_SEND)).isZero();
    assertThat(node.sheddingMeters.get(LoadShedding.SHED_METRIC).tag("what", LoadShedding.REQUEST).counter().count()).isEqualTo(1.0);

    // Checks on time until the loop has caught up: the same request goes to its service and is answered.
    node.run(() -> {
      for (int i = 0; i < 20 && node.loopLag.behind(); i++) {
        node.loopLag.scheduled();
        node.loopClock.addAndGet(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100));
        node.loopLag.checked();
      }
    });
    assertThat(node.onLoop(() -> Future.succeededFuture(node.loopLag.behind()))).isFalse();
    node.run(() -> channel.send(send("r-2", SEND_BODY)));
    assertThat(node.request(Addresses.Chat.MESSAGE_SEND).getString("callerId")).isEqualTo(ALICE);
    assertThat(channel.nextFrame()).isEqualTo("{\"type\":\"rec\",\"address\":\"r-2\",\"body\":" + STORED + "}");
    assertThat(channel.closed).isNotDone();
  }

  @Test
  @DisplayName("a frame over SOCKET_MAX_FRAME_BYTES closes the socket with 1009, after an err frame saying why")
  void frameTooLarge() throws Exception {
    node = new SocketNode(Map.of("SOCKET_MAX_FRAME_BYTES", "1024"));
    FakeChannel channel = node.connect(caller(ALICE));
    node.run(() -> channel.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(1024) + "\"}"));
    channel.assertClosedWith(CloseCodes.TOO_LARGE, "payload_too_large: frame larger than 1024 bytes");
    assertThat(channel.nextFrame()).isEqualTo(err("frame larger than 1024 bytes", "payload_too_large", 413, null));
    assertThat(node.openSessions()).isZero();
  }

  @Test
  @DisplayName("frames over the socket's rate are refused, and a socket that keeps sending them is closed as a flooder with 1008")
  void flooding() throws Exception {
    node = new SocketNode(Map.of(
        "RATE_LIMIT_SOCKET_FRAMES_BURST", "2", "RATE_LIMIT_SOCKET_FRAMES_PER_SECOND", "0.001",
        "RATE_LIMIT_SOCKET_REFUSALS_BURST", "2", "RATE_LIMIT_SOCKET_REFUSALS_PER_SECOND", "0.001"));
    FakeChannel channel = node.connect(caller(ALICE));
    for (int i = 0; i < 4; i++) {
      node.run(() -> channel.send("{\"type\":\"ping\"}"));
    }
    for (int refused = 0; refused < 2; refused++) {
      assertThat(new JsonObject(channel.nextFrame()).getString("message")).startsWith("rate_limited: too many frames on this socket, retry in");
    }
    assertThat(channel.closed).isNotDone();
    node.run(() -> channel.send("{\"type\":\"ping\"}"));
    channel.assertClosedWith(CloseCodes.FLOODING, "rate_limited: flooding: too many requests over the rate limits");
    assertThat(node.openSessions()).isZero();
  }

  @Test
  @DisplayName("a user's sends over RATE_LIMIT_SEND are refused to their replyAddress and reach no service")
  void perUserLimit() throws Exception {
    node = new SocketNode(Map.of("RATE_LIMIT_SEND_BURST", "1", "RATE_LIMIT_SEND_PER_SECOND", "0.001"));
    node.serve(Addresses.Chat.MESSAGE_SEND, request -> Future.succeededFuture(new JsonObject(STORED)));
    FakeChannel channel = node.connect(caller(ALICE));
    node.run(() -> {
      channel.send(send("r-1", SEND_BODY));
      channel.send(send("r-2", SEND_BODY));
    });
    JsonObject refusal = new JsonObject(channel.nextFrame());
    assertThat(refusal.getString("address")).isEqualTo("r-2");
    assertThat(refusal.getString("message")).startsWith("rate_limited: too many chat.send, retry in");
    assertThat(channel.nextFrame()).isEqualTo("{\"type\":\"rec\",\"address\":\"r-1\",\"body\":" + STORED + "}");
    node.request(Addresses.Chat.MESSAGE_SEND);
    assertThat(node.requestsWaiting(Addresses.Chat.MESSAGE_SEND)).isZero();
  }

  static String request(String address, String replyAddress, String body) {
    return "{\"type\":\"send\",\"address\":\"" + address + "\",\"replyAddress\":\"" + replyAddress + "\",\"body\":" + body + "}";
  }

  @Test
  @DisplayName("chat.sync, chat.receipt and presence.set are limited per user: another socket of the user adds no allowance, another user keeps theirs")
  void perUserLimitsAcrossSockets() throws Exception {
    node = new SocketNode(Map.of(
        "RATE_LIMIT_SYNC_BURST", "1", "RATE_LIMIT_SYNC_PER_SECOND", "0.001",
        "RATE_LIMIT_RECEIPTS_BURST", "1", "RATE_LIMIT_RECEIPTS_PER_SECOND", "0.001",
        "RATE_LIMIT_PRESENCE_BURST", "1", "RATE_LIMIT_PRESENCE_PER_SECOND", "0.001"));
    node.serve(Addresses.Chat.MESSAGE_SYNC, request -> Future.succeededFuture(new JsonObject().put("rooms", new JsonObject())));
    node.serve(Addresses.Chat.RECEIPT_MARK, request -> Future.succeededFuture(new JsonObject().put("delivered", 1).put("read", 1)));
    node.serve(Addresses.Presence.SET, request -> Future.succeededFuture(new JsonObject()));
    FakeChannel first = node.connect(caller(ALICE));
    FakeChannel second = node.connect(caller(ALICE));
    FakeChannel bobs = node.connect(caller(SocketNode.BOB));
    Map<String, String> bodies = Map.of(
        Addresses.Client.CHAT_SYNC, "{\"rooms\":{}}",
        Addresses.Client.CHAT_RECEIPT, "{\"roomId\":\"r_1\",\"seq\":1,\"kind\":\"read\"}",
        Addresses.Client.PRESENCE_SET, "{\"status\":\"away\"}");
    for (Map.Entry<String, String> body : bodies.entrySet()) {
      String address = body.getKey();
      node.run(() -> first.send(request(address, "first", body.getValue())));
      assertThat(new JsonObject(first.nextFrame()).getString("type")).as(address + " within the burst").isEqualTo("rec");
      node.run(() -> second.send(request(address, "second", body.getValue())));
      JsonObject refusal = new JsonObject(second.nextFrame());
      assertThat(refusal.getString("address")).as(address).isEqualTo("second");
      assertThat(refusal.getString("message")).as(address + " from the user's other socket")
          .startsWith("rate_limited: too many " + address + ", retry in");
      node.run(() -> bobs.send(request(address, "bob", body.getValue())));
      assertThat(new JsonObject(bobs.nextFrame()).getString("type")).as(address + " of another user").isEqualTo("rec");
    }
  }

  @Test
  @DisplayName("a reply larger than the socket's whole write queue (SOCKET_WRITE_QUEUE_MAX_BYTES) is not written: the request is answered payload_too_large, and the socket serves on")
  void replyTooLarge() throws Exception {
    node = new SocketNode(Map.of("SOCKET_WRITE_QUEUE_MAX_BYTES", "1024"));
    // 200 control characters, 1,200 bytes once JSON-escaped: the frame is over 1,024 bytes.
    JsonObject inflated = new JsonObject(STORED).put("text", "\u0001".repeat(200));
    JsonObject large = new JsonObject().put("rooms", new JsonObject().put("r_0123456789abcdef",
        new JsonObject().put("messages", new JsonArray().add(inflated)).put("hasMore", false).put("epoch", "e1")));
    node.serve(Addresses.Chat.MESSAGE_SYNC,
        request -> Future.succeededFuture(request.getJsonObject("rooms").isEmpty() ? new JsonObject().put("rooms", new JsonObject()) : large));
    FakeChannel channel = node.connect(caller(ALICE));
    String syncAll = "{\"type\":\"send\",\"address\":\"chat.sync\",\"replyAddress\":\"s-1\",\"body\":{\"rooms\":{\"r_0123456789abcdef\":0}}}";
    node.run(() -> channel.send(syncAll));
    assertThat(channel.nextFrame()).isEqualTo(err("the reply would be larger than 1024 bytes; ask for less", "payload_too_large", 413, "s-1"));

    node.run(() -> channel.send(syncAll.replace("s-1", "s-2").replace("\"r_0123456789abcdef\":0", "")));
    assertThat(channel.nextFrame()).isEqualTo("{\"type\":\"rec\",\"address\":\"s-2\",\"body\":{\"rooms\":{}}}");
    assertThat(channel.closed).isNotDone();
  }
}

package io.chatplatform.gateway.socket;

import static io.chatplatform.gateway.socket.SocketNode.ALICE;
import static io.chatplatform.gateway.socket.SocketNode.BOB;
import static io.chatplatform.gateway.socket.SocketNode.caller;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.testsupport.Await;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A gateway node's sockets, from handshake to close")
class SessionRegistryTest {
  SocketNode node;

  @AfterEach
  void close() {
    node.close();
  }

  @Test
  @DisplayName("a socket whose client hung up before its close handler ran does not stop the drain: the others are told to reconnect and closed, and the drain ends")
  void drainPastAClosedSocket() throws Exception {
    node = new SocketNode(Map.of());
    FakeChannel gone = node.connect(caller(ALICE));
    FakeChannel staying = node.connect(caller(BOB));
    node.request(Addresses.Presence.CONNECT);
    node.request(Addresses.Presence.CONNECT);
    // As Vert.x's WebSocket: closed underneath, it throws on writeQueueFull until its close handler runs.
    gone.closedByClient = true;

    java.util.concurrent.atomic.AtomicReference<Future<Void>> drained = new java.util.concurrent.atomic.AtomicReference<>();
    node.run(() -> drained.set(node.sessions.drain(60_000)));

    assertThat(staying.nextFrame()).contains("\"reconnect\"");
    assertThat(staying.closeCode()).isEqualTo(CloseCodes.DRAINING);
    assertThat(gone.framesWaiting()).as("nothing written to the socket its client closed").isZero();
    node.run(gone::hangUp);
    node.run(staying::hangUp);
    Await.result(drained.get());
    assertThat(node.openSessions()).isZero();
  }

  @Test
  @DisplayName("a socket stays paused until it is set up, is then reported to presence-service, and its close is reported after")
  void lifecycle() throws Exception {
    node = new SocketNode(Map.of());
    FakeChannel channel = new FakeChannel("/eventbus/websocket");
    SessionRegistry.Connection connection = node.onLoop(() -> Future.succeededFuture(node.sessions.accept(channel)));
    assertThat(channel.paused).isTrue();
    assertThat(channel.writeQueueMaxSize).isEqualTo(node.config.socketWriteQueueMaxBytes());
    assertThat(channel.resumed).isFalse();

    node.onLoop(() -> connection.open(caller(ALICE), "ios").andThen(setUp -> connection.start(setUp, node.frames::onFrame)));
    assertThat(channel.resumed).isTrue();
    JsonObject connect = node.request(Addresses.Presence.CONNECT);
    assertThat(connect.getString("userId")).isEqualTo(ALICE);
    assertThat(connect.getString("device")).isEqualTo("ios");
    assertThat(connect.getString("nodeId")).isEqualTo(node.sessions.nodeId());
    assertThat(node.openSessions()).isEqualTo(1);

    node.run(channel::hangUp);
    assertThat(node.request(Addresses.Presence.DISCONNECT)).isEqualTo(connect);
    assertThat(node.openSessions()).isZero();
  }

  @Test
  @DisplayName("a close that presence-service could not take is reported again after its next heartbeat")
  void failedCloseIsReportedAgain() throws Exception {
    // PRESENCE_HEARTBEAT_MS lowered from 3 s so the test does not wait for a production heartbeat.
    node = new SocketNode(Map.of("PRESENCE_HEARTBEAT_MS", "200"));
    FakeChannel channel = new FakeChannel("/eventbus/websocket");
    SessionRegistry.Connection connection = node.onLoop(() -> Future.succeededFuture(node.sessions.accept(channel)));
    node.onLoop(() -> connection.open(caller(ALICE), "web").andThen(setUp -> connection.start(setUp, node.frames::onFrame)));
    JsonObject connect = node.request(Addresses.Presence.CONNECT);

    node.presenceFailures.set(1);
    node.run(channel::hangUp);
    assertThat(node.request(Addresses.Presence.DISCONNECT)).as("the report presence-service refused").isEqualTo(connect);
    assertThat(node.request(Addresses.Presence.DISCONNECT)).as("the same report, sent again after a heartbeat").isEqualTo(connect);
  }

  @Test
  @DisplayName("a socket whose account is disabled while it is set up is closed with 4403 and never started")
  void disabledWhileSettingUp() throws Exception {
    node = new SocketNode(Map.of());
    Promise<Void> roomsRead = Promise.promise();
    node.roomsHeld = roomsRead.future();
    FakeChannel alice = new FakeChannel("/eventbus/websocket");
    Promise<Void> setUp = Promise.promise();
    node.run(() -> {
      SessionRegistry.Connection connection = node.sessions.accept(alice);
      connection.open(caller(ALICE), "web").onComplete(result -> {
        connection.start(result, node.frames::onFrame);
        setUp.complete();
      });
    });
    node.request(Addresses.Chat.ROOM_IDS_OF_USER);

    node.run(() -> node.sessions.closeSessionsOf(ALICE));
    alice.assertClosedWith(CloseCodes.EXPIRED, "unauthorized: this account is disabled");
    roomsRead.complete();
    Await.result(setUp.future());

    assertThat(alice.resumed).as("started").isFalse();
    node.roomsHeld = null;
    node.connect(caller(BOB));
    assertThat(node.request(Addresses.Presence.CONNECT).getString("userId")).as("the first socket reported").isEqualTo(BOB);
    assertThat(node.openSessions()).isEqualTo(1);
  }

  @Test
  @DisplayName("a socket that fails authentication is closed with 4401, after an err frame saying why")
  void unauthenticated() throws Exception {
    node = new SocketNode(Map.of());
    FakeChannel channel = new FakeChannel("/eventbus/websocket");
    node.run(() -> node.sessions.accept(channel)
        .start(Future.failedFuture(ServiceException.unauthorized("invalid, used or expired ticket")), node.frames::onFrame));
    channel.assertClosedWith(CloseCodes.UNAUTHORIZED, "unauthorized: invalid, used or expired ticket");
    assertThat(channel.nextFrame()).isEqualTo("{\"type\":\"err\",\"failureCode\":401,\"failureType\":\"RECIPIENT_FAILURE\","
        + "\"message\":\"unauthorized: invalid, used or expired ticket\",\"body\":\"unauthorized\"}");
    assertThat(channel.resumed).isFalse();
  }

  @Test
  @DisplayName("a socket whose rooms cannot be read is closed with 1011 and forgotten")
  void setUpFails() throws Exception {
    node = new SocketNode(Map.of("SERVICE_TIMEOUT_MS", "200"));
    node.roomsHeld = Promise.<Void>promise().future();
    FakeChannel channel = node.connect(caller(ALICE));
    assertThat(channel.closeCode()).isEqualTo(CloseCodes.SERVER_ERROR);
    assertThat(new JsonObject(channel.nextFrame()).getString("message")).isEqualTo("unavailable: service unavailable, try again");
    assertThat(channel.resumed).isFalse();
    assertThat(node.openSessions()).isZero();
  }

  @Test
  @DisplayName("a socket is closed with 4403 when the token that opened it expires")
  void tokenExpires() throws Exception {
    node = new SocketNode(Map.of());
    FakeChannel channel = node.connect(caller(ALICE, System.currentTimeMillis() + 300));
    assertThat(channel.resumed).isTrue();
    channel.assertClosedWith(CloseCodes.EXPIRED, "unauthorized: token expired");
    assertThat(node.openSessions()).isZero();
  }

  @Test
  @DisplayName("a socket that sends nothing for SOCKET_IDLE_TIMEOUT_MS is closed with 4408")
  void idle() throws Exception {
    node = new SocketNode(Map.of("SOCKET_IDLE_TIMEOUT_MS", "300"));
    FakeChannel channel = node.connect(caller(ALICE));
    channel.assertClosedWith(CloseCodes.IDLE, "bad_request: idle: send a ping at least every 150 ms");
    assertThat(node.openSessions()).isZero();
  }

  @Test
  @DisplayName("a message the transport refused as too big closes with 1009; another transport failure with 1011")
  void transportFailures() throws Exception {
    node = new SocketNode(Map.of());
    FakeChannel big = node.connect(caller(ALICE));
    node.run(() -> big.fail(new TooLongFrameException("too long")));
    assertThat(big.closeCode()).isEqualTo(CloseCodes.TOO_LARGE);
    assertThat(big.nextFrame()).contains("\"message\":\"payload_too_large: frame larger than 65536 bytes\"");

    FakeChannel broken = node.connect(caller(BOB));
    node.run(() -> broken.fail(new IOException("connection reset")));
    broken.assertClosedWith(CloseCodes.SERVER_ERROR, "connection error");
    assertThat(broken.framesWaiting()).isZero();
  }

  @Test
  @DisplayName("a client that cannot keep up is closed with 4429 and is written nothing more")
  void tooSlow() throws Exception {
    node = new SocketNode(Map.of());
    FakeChannel channel = node.connect(caller(ALICE));
    channel.writeQueueFull = true;
    node.run(() -> channel.send("not json"));
    channel.assertClosedWith(CloseCodes.TOO_SLOW, "too slow: reconnect and sync");
    channel.writeQueueFull = false;
    node.run(() -> channel.send("not json either"));
    assertThat(channel.framesWaiting()).isZero();
  }

  @Test
  @DisplayName("a user's socket over MAX_SOCKETS_PER_USER is closed with 4409 before its rooms are read; a close makes room; other users are unaffected")
  void socketsPerUser() throws Exception {
    node = new SocketNode(Map.of("MAX_SOCKETS_PER_USER", "2"));
    FakeChannel first = node.connect(caller(ALICE));
    node.connect(caller(ALICE));
    FakeChannel third = node.connect(caller(ALICE));
    third.assertClosedWith(CloseCodes.TOO_MANY_SOCKETS, "rate_limited: too many sockets for this user on this gateway (at most 2): close one first");
    assertThat(new JsonObject(third.nextFrame()).getString("message")).as("the reason, as an err frame first")
        .isEqualTo("rate_limited: too many sockets for this user on this gateway (at most 2): close one first");
    assertThat(third.resumed).isFalse();
    assertThat(node.requestsWaiting(Addresses.Chat.ROOM_IDS_OF_USER)).as("the refused socket cost no look-up").isEqualTo(2);
    assertThat(node.openSessions()).isEqualTo(2);

    assertThat(node.connect(caller(BOB)).resumed).as("another user's socket").isTrue();
    node.run(first::hangUp);
    FakeChannel again = node.connect(caller(ALICE));
    assertThat(again.resumed).as("a socket in the place a close freed").isTrue();
    assertThat(node.openSessions()).isEqualTo(3);
  }
}

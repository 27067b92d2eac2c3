package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("A socket lives no longer than its credential and its activity")
class SocketLifetimeTest {
  @TempDir Path dataDir;

  @Test
  @DisplayName("a socket is closed with 4403 when its access token expires, and a ticket carries the token's expiry")
  void closedWhenTokenExpires() throws Exception {
    try (PlatformFixture fx = new PlatformFixture(dataDir, Map.of("ACCESS_TOKEN_TTL_SECONDS", "2"));
        SocketClient byToken = fx.socket(fx.newUser("exp"));
        SocketClient byTicket = SocketClient.connect(fx.clientVertx, fx.port(), "ticket=" + fx.api.ticket(fx.newUser("expt")))) {
      assertThat(byToken.awaitClose()).isEqualTo((short) 4403);
      assertThat(byToken.closeReason()).contains("expired");
      assertThat(byTicket.awaitClose()).isEqualTo((short) 4403);
    }
  }

  @Test
  @DisplayName("a socket that sends nothing, not even a ping, is closed with 4408; the server forgets it")
  void closedWhenIdle() throws Exception {
    try (PlatformFixture fx = new PlatformFixture(dataDir, Map.of("SOCKET_IDLE_TIMEOUT_MS", "1000"))) {
      Api.User user = fx.newUser("idle");
      fx.api.createRoom(user, "Quiet");
      SocketClient silent = fx.socket(user);
      // Authentication completes after the WebSocket handshake; then the room is subscribed.
      Await.until("the socket's room to be subscribed", Await.TIMEOUT, () -> fx.platform.gateway().roomSubscriptions() == 1);
      assertThat(silent.awaitClose()).isEqualTo((short) 4408);
      silent.close();
      // Both counts awaited together: the gateway's loop updates them one after the other.
      Await.until("the gateway to drop the closed session and its room", Await.TIMEOUT,
          () -> fx.platform.gateway().openSessions() == 0 && fx.platform.gateway().roomSubscriptions() == 0);
    }
  }

  @Test
  @DisplayName("when clients close their sockets the gateway forgets them and drops the room subscriptions")
  void forgetsClosedSockets() throws Exception {
    // One event loop: its two sockets then share one room subscription (with several loops each
    // loop has its own, one per room however many of its sockets: GatewayEventLoopsTest).
    try (PlatformFixture fx = new PlatformFixture(dataDir, Map.of("GATEWAY_EVENT_LOOPS", "1"))) {
      Api.User user = fx.newUser("gone");
      fx.api.createRoom(user, "Left behind");
      // Ready sockets (a sync round trip each): a socket counts as open while its room
      // subscriptions are still being set up, so "2 open, 1 room" alone could be seen before the
      // second socket joined the room, and closing the first would then drop the room.
      SocketClient first = fx.readySocket(user);
      SocketClient second = fx.readySocket(user);
      Await.until("both sockets to be open and subscribed", Await.TIMEOUT,
          () -> fx.platform.gateway().openSessions() == 2 && fx.platform.gateway().roomSubscriptions() == 1);
      first.close();
      Await.until("one socket to remain", Await.TIMEOUT, () -> fx.platform.gateway().openSessions() == 1);
      assertThat(fx.platform.gateway().roomSubscriptions()).isEqualTo(1);
      second.close();
      // Both counts are read from the test's thread while the gateway's loop updates them one
      // after the other (the session, then its rooms): await both rather than read one after the other.
      Await.until("no socket and no room subscription to remain", Await.TIMEOUT,
          () -> fx.platform.gateway().openSessions() == 0 && fx.platform.gateway().roomSubscriptions() == 0);
    }
  }
}

package io.chatplatform.gateway.socket;

import static io.chatplatform.gateway.socket.SocketNode.ALICE;
import static io.chatplatform.gateway.socket.SocketNode.BOB;
import static io.chatplatform.gateway.socket.SocketNode.CAROL;
import static io.chatplatform.gateway.socket.SocketNode.caller;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ClientEvents;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Events to the sockets of one gateway node")
class LocalFanoutTest {
  SocketNode node;

  @AfterEach
  void close() {
    node.close();
  }

  FakeChannel registered(String userId) {
    FakeChannel channel = node.connect(caller(userId));
    node.run(() -> channel.send("{\"type\":\"register\",\"address\":\"user." + userId + "\"}"));
    return channel;
  }

  static String rec(String userId, String encodedEvent) {
    return "{\"type\":\"rec\",\"address\":\"user." + userId + "\",\"body\":" + encodedEvent + "}";
  }

  @Test
  @DisplayName("a room event reaches each registered member socket wrapped around its own bytes, once per node, skipping the excluded user")
  void roomEvents() throws Exception {
    node = new SocketNode(Map.of());
    for (String user : List.of(ALICE, BOB, CAROL)) {
      node.rooms.put(user, List.of("r_1"));
    }
    FakeChannel alice = registered(ALICE);
    FakeChannel bob = registered(BOB);
    FakeChannel carol = node.connect(caller(CAROL));
    assertThat(node.roomSubscriptions()).as("one subscription for three sockets").isEqualTo(1);

    // Spacing and key order as published: the bytes are passed on, never parsed and encoded again.
    String typing = "{ \"type\":\"typing\", \"userId\":\"" + BOB + "\", \"roomId\":\"r_1\", \"typing\":true }";
    node.vertx.eventBus().publish(Addresses.Fanout.room("r_1"), Buffer.buffer(typing),
        new DeliveryOptions().addHeader(Addresses.Fanout.EXCLUDE_USER_HEADER, BOB));
    assertThat(alice.nextFrame()).isEqualTo(rec(ALICE, typing));

    String message = ClientEvents.message(new JsonObject().put("roomId", "r_1").put("seq", 7)).encode();
    node.vertx.eventBus().publish(Addresses.Fanout.room("r_1"), Buffer.buffer(message));
    assertThat(bob.nextFrame()).as("the first event Bob gets").isEqualTo(rec(BOB, message));
    assertThat(alice.nextFrame()).isEqualTo(rec(ALICE, message));
    assertThat(carol.framesWaiting()).as("an inbox not registered").isZero();
  }

  @Test
  @DisplayName("membership events follow the user: joined subscribes the node to the room, left and the last socket's close unsubscribe it")
  void membership() throws Exception {
    node = new SocketNode(Map.of());
    FakeChannel alice = registered(ALICE);
    assertThat(node.roomSubscriptions()).isZero();

    JsonObject joined = ClientEvents.room(ClientEvents.ROOM_JOINED, new JsonObject().put("roomId", "r_2"));
    publishToUsers(joined, ALICE);
    assertThat(alice.nextFrame()).isEqualTo(rec(ALICE, joined.encode()));
    assertThat(node.roomSubscriptions()).isEqualTo(1);
    String message = ClientEvents.message(new JsonObject().put("roomId", "r_2").put("seq", 1)).encode();
    node.vertx.eventBus().publish(Addresses.Fanout.room("r_2"), Buffer.buffer(message));
    assertThat(alice.nextFrame()).isEqualTo(rec(ALICE, message));

    JsonObject left = ClientEvents.room(ClientEvents.ROOM_LEFT, new JsonObject().put("roomId", "r_2"));
    publishToUsers(left, ALICE);
    assertThat(alice.nextFrame()).isEqualTo(rec(ALICE, left.encode()));
    assertThat(node.roomSubscriptions()).isZero();

    publishToUsers(joined, ALICE);
    alice.nextFrame();
    assertThat(node.roomSubscriptions()).isEqualTo(1);
    node.run(alice::hangUp);
    assertThat(node.roomSubscriptions()).isZero();
  }

  @Test
  @DisplayName("joined reaches the socket only once the room subscription is active, and nothing written after it overtakes it")
  void joinedWaitsForTheSubscription() throws Exception {
    node = new SocketNode(Map.of());
    node.rooms.put(ALICE, List.of("r_1"));
    node.rooms.put(BOB, List.of("r_1"));
    FakeChannel alice = registered(ALICE);
    FakeChannel bob = registered(BOB);
    node.subscriptionsRequested.clear();
    Promise<Void> held = Promise.promise();
    node.subscriptionsHeld = held.future();

    JsonObject joined = ClientEvents.room(ClientEvents.ROOM_JOINED, new JsonObject().put("roomId", "r_2"));
    publishToUsers(joined, ALICE);
    assertThat(node.subscriptionsRequested.poll(20, TimeUnit.SECONDS)).as("the node subscribes to r_2").isNotNull();
    node.run(() -> {});
    assertThat(alice.framesWaiting()).as("frames written while the r_2 subscription is not active").isZero();

    // A message of a room Alice was already in, handled while joined waits: Bob's copy shows it was handled.
    String earlier = ClientEvents.message(new JsonObject().put("roomId", "r_1").put("seq", 3)).encode();
    node.vertx.eventBus().publish(Addresses.Fanout.room("r_1"), Buffer.buffer(earlier));
    assertThat(bob.nextFrame()).isEqualTo(rec(BOB, earlier));
    assertThat(alice.framesWaiting()).as("frames that would overtake joined").isZero();

    node.run(held::complete);
    assertThat(alice.nextFrame()).as("first, joined").isEqualTo(rec(ALICE, joined.encode()));
    assertThat(alice.nextFrame()).as("then what came after it").isEqualTo(rec(ALICE, earlier));
    String message = ClientEvents.message(new JsonObject().put("roomId", "r_2").put("seq", 1)).encode();
    node.vertx.eventBus().publish(Addresses.Fanout.room("r_2"), Buffer.buffer(message));
    assertThat(alice.nextFrame()).as("a message of the room right after joined").isEqualTo(rec(ALICE, message));
  }

  @Test
  @DisplayName("membership events apply in version order: a joined older than the left already applied changes nothing")
  void membershipVersions() throws Exception {
    node = new SocketNode(Map.of());
    FakeChannel alice = registered(ALICE);
    JsonObject joined2 = ClientEvents.room(ClientEvents.ROOM_JOINED, new JsonObject().put("roomId", "r_2").put("version", 2));
    JsonObject left3 = ClientEvents.room(ClientEvents.ROOM_LEFT, new JsonObject().put("roomId", "r_2").put("version", 3));
    JsonObject joined4 = ClientEvents.room(ClientEvents.ROOM_JOINED, new JsonObject().put("roomId", "r_2").put("version", 4));

    // Two chat-service instances announced "joined" (version 2) then "left" (version 3); the
    // left arrives first.
    publishToUsers(left3, ALICE);
    assertThat(alice.nextFrame()).isEqualTo(rec(ALICE, left3.encode()));
    publishToUsers(joined2, ALICE);
    publishToUsers(joined4, ALICE);
    // The stale joined is dropped: the next frame is version 4's, and only it subscribed the node.
    assertThat(alice.nextFrame()).isEqualTo(rec(ALICE, joined4.encode()));
    assertThat(node.roomSubscriptions()).isEqualTo(1);

    publishToUsers(left3, ALICE);
    String message = ClientEvents.message(new JsonObject().put("roomId", "r_2").put("seq", 1)).encode();
    node.vertx.eventBus().publish(Addresses.Fanout.room("r_2"), Buffer.buffer(message));
    assertThat(alice.nextFrame()).as("a repeated older left does not unsubscribe").isEqualTo(rec(ALICE, message));
    assertThat(node.roomSubscriptions()).isEqualTo(1);
  }

  private void publishToUsers(JsonObject event, String... userIds) {
    node.vertx.eventBus().publish(Addresses.Fanout.USERS, ClientEvents.forUsers(List.of(userIds), event));
  }
}

package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.chat.ChatConfig;
import io.chatplatform.chat.bus.ChatVerticle;
import io.chatplatform.contracts.Addresses;
import io.chatplatform.embeddedstore.EmbeddedMongo;
import io.chatplatform.gateway.GatewayConfig;
import io.chatplatform.gateway.GatewayVerticle;
import io.chatplatform.history.HistoryConfig;
import io.chatplatform.history.bus.HistoryVerticle;
import io.chatplatform.runtime.ClusterConfig;
import io.chatplatform.runtime.ServiceNode;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two gateway nodes and a services node in one Hazelcast cluster (three members in this JVM).
 * The cost of a room message on the cluster must not grow with the room's members.
 */
@DisplayName("Fan-out crosses the cluster once per gateway node, whatever the number of members")
class FanoutScalingTest {
  static final int BASE_PORT = 5811;
  static final int LOOPS = 2;
  static EmbeddedMongo mongo;
  static final List<ServiceNode> nodes = new ArrayList<>();
  static GatewayVerticle gatewayA;
  static GatewayVerticle gatewayB;
  static final AtomicInteger deliveriesA = new AtomicInteger();
  static final AtomicInteger deliveriesB = new AtomicInteger();
  static final AtomicInteger publishes = new AtomicInteger();
  static Vertx clientVertx;

  @BeforeAll
  static void startCluster() {
    mongo = EmbeddedMongo.inMemory();
    String members = "127.0.0.1:" + BASE_PORT + ",127.0.0.1:" + (BASE_PORT + 1) + ",127.0.0.1:" + (BASE_PORT + 2);
    List<Future<ServiceNode>> starting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      // The three members start at once: gathering their joins (5 s, up to 20 s) only delays them.
      Settings s = settings(Map.of("CLUSTER_PORT", String.valueOf(BASE_PORT + i), "CLUSTER_MEMBERS", members, "CLUSTER_NAME", "fanout-test",
          "CLUSTER_JOIN_WAIT_SECONDS", "1", "CLUSTER_SECRET", "fanout-test-cluster-secret-0123456789"));
      starting.add(ServiceNode.clustered(ClusterConfig.from(s)));
    }
    starting.forEach(f -> nodes.add(Await.result(f)));
    ServiceNode services = nodes.get(0);
    // Two event loops per gateway node, whatever the machine: each loop subscribes to the rooms of its own sockets.
    Settings base = settings(Map.of("GATEWAY_EVENT_LOOPS", String.valueOf(LOOPS)));
    Await.result(services.deployAll(List.of(
        new HistoryVerticle(HistoryConfig.from(base), services.operations()),
        new ChatVerticle(ChatConfig.from(base), services.operations()))));
    gatewayA = new GatewayVerticle(GatewayConfig.from(base), nodes.get(1).operations());
    gatewayB = new GatewayVerticle(GatewayConfig.from(base), nodes.get(2).operations());
    Await.result(nodes.get(1).deployAll(List.of(gatewayA)));
    Await.result(nodes.get(2).deployAll(List.of(gatewayB)));
    countRoomEvents(nodes.get(1).vertx(), deliveriesA);
    countRoomEvents(nodes.get(2).vertx(), deliveriesB);
    services.vertx().eventBus().addOutboundInterceptor(dc -> {
      if (dc.message().address().startsWith(Addresses.Fanout.ROOM_PREFIX)) {
        publishes.incrementAndGet();
      }
      dc.next();
    });
    clientVertx = Vertx.vertx();
  }

  static Settings settings(Map<String, String> extra) {
    return Settings.of(Map.of(
            "MONGO_URI", mongo.connectionString(),
            "JWT_SECRET", "fanout-test-secret-fanout-test-secret-0123",
            "HTTP_PORT", "0",
            "HTTP_HOST", "127.0.0.1",
            "PASSWORD_HASH_ITERATIONS", "1000",
            // Every test user signs up from 127.0.0.1.
            "RATE_LIMIT_AUTH_IP_BURST", "1000000"))
        .with(extra);
  }

  static void countRoomEvents(Vertx vertx, AtomicInteger counter) {
    vertx.eventBus().addInboundInterceptor(dc -> {
      if (dc.message().address().startsWith(Addresses.Fanout.ROOM_PREFIX)) {
        counter.incrementAndGet();
      }
      dc.next();
    });
  }

  @AfterAll
  static void stopCluster() {
    Await.result(clientVertx.close());
    nodes.forEach(n -> Await.result(n.close()));
    mongo.close();
  }

  @Test
  @DisplayName("a message to a 10-member room and to a 50-member room each cost one publish and one delivery per gateway event loop")
  void costDoesNotGrowWithMembers() {
    Api api = new Api(clientVertx, gatewayA.port());
    try {
      Map<Integer, int[]> costs = new java.util.TreeMap<>();
      for (int size : new int[] {10, 50}) {
        List<Api.User> users = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          users.add(api.register("f" + size + "-" + i));
        }
        JsonObject room = api.createRoom(users.get(0), "Room of " + size, users.subList(1, size).toArray(Api.User[]::new));
        List<SocketClient> sockets = new ArrayList<>();
        try {
          int subscriptionsBefore = gatewayA.roomSubscriptions() + gatewayB.roomSubscriptions();
          for (int i = 0; i < size; i++) {
            int port = i % 2 == 0 ? gatewayA.port() : gatewayB.port();
            sockets.add(SocketClient.withToken(clientVertx, port, users.get(i)));
          }
          // Every socket is indexed once its first request is answered.
          sockets.forEach(s -> s.ask("chat.sync", new JsonObject().put("rooms", new JsonObject())));
          int subscriptions = gatewayA.roomSubscriptions() + gatewayB.roomSubscriptions() - subscriptionsBefore;

          deliveriesA.set(0);
          deliveriesB.set(0);
          publishes.set(0);
          sockets.get(0).ask("chat.send", PlatformEndToEndTest.send(room, "one", "to everyone"));
          for (SocketClient s : sockets) {
            assertThat(s.awaitEvent("message").getJsonObject("message").getString("text")).isEqualTo("to everyone");
          }
          costs.put(size, new int[] {publishes.get(), deliveriesA.get(), deliveriesB.get(), subscriptions});
        } finally {
          sockets.forEach(SocketClient::close);
        }
      }
      // One publish, which Vert.x sends once to each gateway node; there it is handed to the
      // consumer of each event loop with members (the sockets of a node alternate between its
      // loops): LOOPS deliveries per node, and one subscription per loop, however many members.
      assertThat(costs.get(10)).containsExactly(1, LOOPS, LOOPS, 2 * LOOPS);
      assertThat(costs.get(50)).containsExactly(1, LOOPS, LOOPS, 2 * LOOPS);
    } finally {
      api.close();
    }
  }
}

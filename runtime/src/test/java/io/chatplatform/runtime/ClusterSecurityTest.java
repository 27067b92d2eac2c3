package io.chatplatform.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.spi.exception.PartitionMigratingException;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Attacks on a clustered node from a process that can reach its ports but does not know
 * {@code CLUSTER_SECRET}: joining Hazelcast (with another secret, with stock Hazelcast, as the
 * master others join), connecting as a Hazelcast client, talking to the event bus port, and
 * getting a Java object deserialized.
 */
@DisplayName("Cluster: members need CLUSTER_SECRET; nothing from the network is Java-deserialized")
class ClusterSecurityTest {
  static final Duration TIMEOUT = Duration.ofSeconds(90);
  static final String NAME = "security-test";
  static final String SECRET = "cluster-security-test-secret-0123456789";
  static final int PORT = 5871;
  static ServiceNode node;
  static int eventBusPort;
  static Vertx outsider;

  @BeforeAll
  static void start() throws IOException {
    // Below the ephemeral range, so no outgoing connection can hold it when the node binds it.
    eventBusPort = PORT + 14;
    node = Await.result(ServiceNode.clustered(config(SECRET, PORT, List.of("127.0.0.1:" + PORT, "127.0.0.1:" + (PORT + 1)), eventBusPort)), TIMEOUT);
    outsider = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    Await.result(outsider.close());
    Await.result(node.close(), TIMEOUT);
  }

  static ClusterConfig config(String secret, int port, List<String> members, int eventBusPort) {
    return new ClusterConfig(NAME, secret, members, "127.0.0.1", port, eventBusPort, null);
  }

  /** A stock Hazelcast member: right cluster name, no proof. */
  static Config stockMember(int port, String... members) {
    Config config = new Config().setClusterName(NAME);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(List.of(members));
    return config;
  }

  int clusterSize() {
    return node.hazelcast().getCluster().getMembers().size();
  }

  @Test
  @DisplayName("a member with the right cluster name and another CLUSTER_SECRET is refused; the cluster keeps its one member")
  void wrongSecretRefused() {
    ClusterConfig wrong = config("another-secret-another-secret-0123456789", PORT + 1, List.of("127.0.0.1:" + PORT), 0);
    assertThatThrownBy(() -> Await.result(ServiceNode.clustered(wrong), TIMEOUT)).isNotNull();
    assertThat(clusterSize()).isEqualTo(1);
  }

  @Test
  @DisplayName("a stock Hazelcast member with the right cluster name (no proof at all) is refused before it gets any data")
  void stockMemberRefused() {
    assertThatThrownBy(() -> Hazelcast.newHazelcastInstance(stockMember(PORT + 2, "127.0.0.1:" + PORT)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(clusterSize()).isEqualTo(1);
  }

  @Test
  @DisplayName("a legitimate node that finds a stranger already running the cluster refuses to start in it")
  void strangerAsMaster() {
    int strangerPort = PORT + 3;
    HazelcastInstance stranger = Hazelcast.newHazelcastInstance(stockMember(strangerPort, "127.0.0.1:" + strangerPort));
    try {
      ClusterConfig joining = new ClusterConfig(NAME, SECRET, List.of("127.0.0.1:" + strangerPort), "127.0.0.1", PORT + 4, 0, null);
      assertThatThrownBy(() -> Await.result(ServiceNode.clustered(joining), TIMEOUT)).hasMessageContaining("did not prove CLUSTER_SECRET");
    } finally {
      stranger.shutdown();
    }
  }

  @Test
  @DisplayName("a Hazelcast client with the right cluster name cannot connect to the cluster port (it would reach every map)")
  void clientProtocolClosed() {
    ClientConfig client = new ClientConfig().setClusterName(NAME);
    client.setProperty("hazelcast.logging.type", "slf4j");
    client.getNetworkConfig().addAddress("127.0.0.1:" + PORT);
    client.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(5_000);
    assertThatThrownBy(() -> HazelcastClient.newHazelcastClient(client).shutdown()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  @DisplayName("the event bus port speaks TLS only to holders of the secret's key: another secret's key and plain TCP are cut off")
  void eventBusNeedsTheKey() {
    // The same secret completes a handshake: the port is reachable, so the refusals below are TLS.
    NetClient memberClient = outsider.createNetClient(tlsClient(SECRET));
    NetSocket member = Await.result(memberClient.connect(eventBusPort, "127.0.0.1"));
    member.close();

    Future<NetSocket> wrongKey = outsider.createNetClient(tlsClient("another-secret-another-secret-0123456789"))
        .connect(eventBusPort, "127.0.0.1")
        .compose(ClusterSecurityTest::closedByPeer);
    assertThat(Await.failure(wrongKey)).as("refused, not timed out").isNotNull();

    NetSocket plain = Await.result(outsider.createNetClient().connect(eventBusPort, "127.0.0.1"));
    Promise<Void> closed = Promise.promise();
    plain.closeHandler(v -> closed.tryComplete());
    plain.write(Buffer.buffer(new byte[64]));
    Await.result(closed.future());
  }

  /** Fails when the server closes the connection (a refused client certificate) before it answers. */
  static Future<NetSocket> closedByPeer(NetSocket socket) {
    Promise<NetSocket> result = Promise.promise();
    socket.closeHandler(v -> result.tryFail("closed by the event bus"));
    socket.write("x");
    return result.future();
  }

  static NetClientOptions tlsClient(String secret) {
    EventBusOptions keyed = EventBusTls.configure(new EventBusOptions(), EventBusTls.derived(new ClusterSecret(secret, NAME)));
    return new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("")
        .setKeyCertOptions(keyed.getKeyCertOptions()).setTrustOptions(keyed.getTrustOptions());
  }

  record Gadget(String payload) implements Serializable {}

  @Test
  @DisplayName("Hazelcast Java-deserializes only its own classes and the JDK classes exceptions are made of: other libraries' and other JDK classes are refused")
  void hazelcastJavaSerializationFiltered() {
    IMap<String, Object> map = node.hazelcast().getMap("security-test");
    map.put("json", "{\"userId\":\"u_1\"}");
    assertThat(map.get("json")).isEqualTo("{\"userId\":\"u_1\"}");
    // What Hazelcast sends between members itself, e.g. a retry signal, still works.
    map.put("retry", new PartitionMigratingException("migrating"));
    assertThat(map.get("retry")).isInstanceOf(PartitionMigratingException.class);

    map.put("gadget", new Gadget("boom"));
    assertThatThrownBy(() -> map.get("gadget")).hasStackTraceContaining("is not allowed");
    map.put("jdk", new java.util.Random(1));
    assertThatThrownBy(() -> map.get("jdk")).hasStackTraceContaining("is not allowed");
  }

  @Test
  @DisplayName("the event bus has no codec for Serializable or ClusterSerializable objects, so none is decoded from the wire")
  void eventBusRefusesSerializable() {
    // Vert.x's default checker would let BigInteger through its Serializable codec.
    assertThatThrownBy(() -> node.vertx().eventBus().send("security-test", BigInteger.ONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("No message codec");
  }
}

package io.chatplatform.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoClientSettings;
import com.mongodb.connection.NettyTransportSettings;
import io.chatplatform.embeddedstore.EmbeddedMongo;
import io.chatplatform.testsupport.Await;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("MongoClientFactory: the MongoDB driver's sockets on Vert.x's own event loops, on either transport")
class MongoClientFactoryTest {
  /** The name of the threads of a Netty NIO event loop group that nobody named: the driver's own. */
  private static final String DRIVER_OWN_LOOPS = "nioEventLoopGroup";

  private final EmbeddedMongo embedded = EmbeddedMongo.inMemory();
  private ServiceNode node;

  @AfterEach
  void close() {
    if (node != null) {
      Await.result(node.close());
    }
    embedded.close();
  }

  @Test
  @DisplayName("on the native transport a store call starts no event loop threads of the driver's own")
  void nativeTransport() {
    node = ServiceNode.standalone(Settings.of(Map.of()), Telemetry.off());
    if (NativeTransportTest.SHIPPED_FOR_THIS_MACHINE) {
      assertThat(node.vertx().isNativeTransportEnabled()).isTrue();
      assertTransportIsVertxLoops(node.vertx(), EpollSocketChannel.class);
    }
    assertThat(threadsStartedBy((vertx, config) -> MongoClientFactory.create(vertx, config))).isEmpty();
  }

  @Test
  @DisplayName("why it exists: vertx-mongo-client's own client starts the driver's NIO loops when Vert.x runs on epoll")
  void vertxMongoClientsOwnOnNative() {
    node = ServiceNode.standalone(Settings.of(Map.of()), Telemetry.off());
    if (!node.vertx().isNativeTransportEnabled()) {
      // Without the native transport vertx-mongo-client hands the driver Vert.x's loops itself.
      assertThat(threadsStartedBy((vertx, config) -> MongoClient.create(vertx, config.clientConfig()))).isEmpty();
      return;
    }
    assertThat(threadsStartedBy((vertx, config) -> MongoClient.create(vertx, config.clientConfig())))
        .isNotEmpty();
  }

  @Test
  @DisplayName("on NIO (NATIVE_TRANSPORT=false) the driver gets Vert.x's loops and NIO channels")
  void nioTransport() {
    node = ServiceNode.standalone(Settings.of(Map.of("NATIVE_TRANSPORT", "false")), Telemetry.off());
    assertTransportIsVertxLoops(node.vertx(), NioSocketChannel.class);
    assertThat(threadsStartedBy((vertx, config) -> MongoClientFactory.create(vertx, config))).isEmpty();
  }

  @Test
  @DisplayName("each client is a driver client of its own: two services in one JVM do not share one pool or database")
  void clientsAreNotShared() {
    node = ServiceNode.standalone(Settings.of(Map.of()), Telemetry.off());
    MongoClient first = MongoClientFactory.create(node.vertx(), configOf("first"));
    MongoClient second = MongoClientFactory.create(node.vertx(), configOf("second"));
    try {
      Await.result(first.insert("things", new JsonObject().put("_id", "a")));
      // A shared client would be the first one's, on its database.
      assertThat(Await.result(second.findOne("things", new JsonObject().put("_id", "a"), null))).isNull();
      Await.result(first.close());
      Await.result(second.insert("things", new JsonObject().put("_id", "b")));
      assertThat(Await.result(second.count("things", new JsonObject()))).isEqualTo(1L);
    } finally {
      Await.result(second.close());
    }
  }

  @Test
  @DisplayName("the rest of the settings are vertx-mongo-client's reading of MongoConfig: pool, timeouts, the JSON codec")
  void settingsAreTheClientsOwn() {
    node = ServiceNode.standalone(Settings.of(Map.of()), Telemetry.off());
    MongoConfig config = MongoConfig.from(Settings.of(Map.of(
        "MONGO_URI", "mongodb://127.0.0.1:1",
        "MONGO_MAX_POOL_SIZE", "7",
        "MONGO_CONNECT_TIMEOUT_MS", "1234",
        "MONGO_SOCKET_TIMEOUT_MS", "2345",
        "MONGO_POOL_WAIT_TIMEOUT_MS", "3456",
        "MONGO_SERVER_SELECTION_TIMEOUT_MS", "4567")));
    MongoClientSettings settings = MongoClientFactory.settings(node.vertx(), config);
    assertThat(settings.getConnectionPoolSettings().getMaxSize()).isEqualTo(7);
    assertThat(settings.getConnectionPoolSettings().getMaxWaitTime(TimeUnit.MILLISECONDS)).isEqualTo(3456);
    assertThat(settings.getSocketSettings().getConnectTimeout(TimeUnit.MILLISECONDS)).isEqualTo(1234);
    assertThat(settings.getSocketSettings().getReadTimeout(TimeUnit.MILLISECONDS)).isEqualTo(2345);
    assertThat(settings.getClusterSettings().getServerSelectionTimeout(TimeUnit.MILLISECONDS)).isEqualTo(4567);
    // The stores read and write JsonObject documents through vertx-mongo-client's codec.
    assertThat(settings.getCodecRegistry().get(JsonObject.class)).isNotNull();
  }

  private MongoConfig configOf(String database) {
    return MongoConfig.from(Settings.of(Map.of("MONGO_URI", embedded.connectionString(), "MONGO_DATABASE", database)));
  }

  private void assertTransportIsVertxLoops(Vertx vertx, Class<?> channelClass) {
    NettyTransportSettings transport = (NettyTransportSettings) MongoClientFactory.settings(vertx, configOf("factory")).getTransportSettings();
    assertThat(transport.getEventLoopGroup()).isSameAs(((VertxInternal) vertx).nettyEventLoopGroup());
    assertThat(transport.getSocketChannelClass()).isEqualTo(channelClass);
  }

  /**
   * The names of the driver-loop threads that appeared while a client made by {@code open} wrote
   * a document and read it back (the round trip also proves the client works on that transport).
   */
  private Set<String> threadsStartedBy(BiFunction<Vertx, MongoConfig, MongoClient> open) {
    Set<String> before = driverLoopThreads();
    MongoClient client = open.apply(node.vertx(), configOf("factory"));
    try {
      Await.result(client.insert("things", new JsonObject().put("_id", "a").put("n", 1)));
      JsonObject found = Await.result(client.findOne("things", new JsonObject().put("_id", "a"), null));
      assertThat(found.getInteger("n")).isEqualTo(1);
      Set<String> after = driverLoopThreads();
      after.removeAll(before);
      return after;
    } finally {
      Await.result(client.close());
    }
  }

  private static Set<String> driverLoopThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(name -> name.startsWith(DRIVER_OWN_LOOPS))
        .collect(Collectors.toSet());
  }
}

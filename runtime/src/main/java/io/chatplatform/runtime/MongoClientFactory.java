package io.chatplatform.runtime;

import com.mongodb.MongoClientSettings;
import com.mongodb.connection.NettyTransportSettings;
import com.mongodb.connection.TransportSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.impl.config.MongoClientOptionsParser;
import java.util.UUID;

/**
 * The one way the services open MongoDB: vertx-mongo-client's client, with the driver's sockets on
 * Vert.x's own event loops on NIO and on epoll, so the driver starts no event loop threads of its own.
 *
 * <p>Why not {@code MongoClient.create}: it hands the driver Vert.x's event loops only when Vert.x
 * runs on NIO. On the native transport ({@code NATIVE_TRANSPORT}, epoll) it lets the driver start an
 * NIO event loop group of its own for each client (up to two threads per core, for each service),
 * which then wake one another and Vert.x's loops on every store call: on the efficiency load those
 * threads took about a ninth of the server's CPU, most of it in the kernel (docs/benchmarks.md,
 * "The MongoDB driver on Vert.x's event loops"). The driver runs on an epoll group when told the
 * matching channel class, which is what this does. A store call still crosses threads: the driver
 * checks a connection out on its pool's one {@code AsyncGetter} thread (by design in driver 5.x), and
 * a connection's replies are read on the Vert.x loop it was registered with, then handed to the
 * caller's. Replies are decoded on that loop, as they are on NIO.
 *
 * <p>The settings are vertx-mongo-client's own reading of the configuration (its
 * {@code MongoClientOptionsParser}, which the client itself uses), with only the transport's event
 * loop group and channel class replaced, so every configuration key means what the client's
 * documentation says; {@code MongoClientFactoryTest} checks what the services rely on.
 */
public final class MongoClientFactory {
  private MongoClientFactory() {}

  /** A client of {@code config}, each operation timed in {@link Meters#MONGO_OPERATIONS} ({@link TimedMongo}). */
  public static MongoClient create(Vertx vertx, MongoConfig config, MeterRegistry registry) {
    return TimedMongo.wrap(create(vertx, config), registry);
  }

  /** A client of {@code config}, untimed. */
  public static MongoClient create(Vertx vertx, MongoConfig config) {
    // A name of its own, as MongoClient.create gives: under one name vertx-mongo-client shares one
    // driver client between callers, so the services of one JVM would share one pool and database.
    return MongoClient.createWithMongoSettings(vertx, config.clientConfig(), UUID.randomUUID().toString(), settings(vertx, config));
  }

  /** vertx-mongo-client's settings for {@code config}, on Vert.x's event loops where it can. */
  static MongoClientSettings settings(Vertx vertx, MongoConfig config) {
    MongoClientSettings parsed = new MongoClientOptionsParser(vertx, config.clientConfig()).settings();
    return MongoClientSettings.builder(parsed).transportSettings(transport(vertx, parsed.getTransportSettings())).build();
  }

  /**
   * The driver's Netty transport on Vert.x's event loop group, with the socket channel class of
   * that group's I/O type, keeping the rest of what the client chose ({@code parsed}: allocator, TLS
   * context). A group of another type (a native transport this build does not ship, io_uring or
   * kqueue): the driver's own NIO group, as vertx-mongo-client has it.
   */
  static NettyTransportSettings transport(Vertx vertx, TransportSettings parsed) {
    NettyTransportSettings.Builder transport = TransportSettings.nettyBuilder();
    if (parsed instanceof NettyTransportSettings netty) {
      if (netty.getAllocator() != null) {
        transport.allocator(netty.getAllocator());
      }
      if (netty.getSslContext() != null) {
        transport.sslContext(netty.getSslContext());
      }
    }
    EventLoopGroup loops = ((VertxInternal) vertx).nettyEventLoopGroup();
    if (loops instanceof IoEventLoopGroup group) {
      if (group.isIoType(NioIoHandler.class)) {
        transport.eventLoopGroup(loops).socketChannelClass(NioSocketChannel.class);
      } else if (group.isIoType(EpollIoHandler.class)) {
        transport.eventLoopGroup(loops).socketChannelClass(EpollSocketChannel.class);
      }
    }
    return transport.build();
  }
}

package io.chatplatform.embeddedstore;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.h2.mvstore.MVStore;

/**
 * An in-process server speaking the MongoDB wire protocol (mongo-java-server), so the embedded
 * default runs the same {@code vertx-mongo-client} code as production without a MongoDB install.
 *
 * <p>It is bound to loopback on a free port. With a file it keeps data across restarts (H2
 * backend); without one it is in memory (tests). Its limits (no {@code $text}, compound indexes
 * ignored) are listed in docs/architecture.md; the stores are written to need neither.
 */
public final class EmbeddedMongo implements AutoCloseable {
  private final MongoServer server;
  private final InetSocketAddress address;

  private EmbeddedMongo(MongoBackend backend, int port) {
    this.server = new MongoServer(backend);
    try {
      server.bind("127.0.0.1", port);
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
    this.address = server.getLocalAddress();
  }

  /** A server whose data lives in {@code file} (created when missing). Blocking: call at start-up. */
  public static EmbeddedMongo onFile(Path file) {
    return onFile(file, 0);
  }

  /**
   * A server whose data lives in {@code file}, on loopback port {@code port} (0: any free one);
   * {@link StoreMain} runs it as a process of its own. Blocking: call at start-up.
   */
  public static EmbeddedMongo onFile(Path file, int port) {
    return new EmbeddedMongo(new BsonH2Backend(MVStore.open(file.toAbsolutePath().toString())), port);
  }

  /** A server that keeps its data in memory only. */
  public static EmbeddedMongo inMemory() {
    return new EmbeddedMongo(new MemoryBackend(), 0);
  }

  public String connectionString() {
    return "mongodb://" + address.getHostString() + ":" + address.getPort();
  }

  /** Blocking: flushes and closes the backend. */
  @Override
  public void close() {
    server.shutdownNow();
  }
}

package io.chatplatform.embeddedstore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded MongoDB-wire store as a process of its own, for demos and tests of the clustered
 * mode on one machine (bin/cluster starts it with the services; bin/chaos starts it, stops it and
 * starts it again): {@code java -jar
 * embedded-store/target/chat-embedded-store.jar}.
 *
 * <p>It listens on 127.0.0.1:{@code STORE_PORT} (default 27017) only, keeps its data in
 * {@code DATA_DIR/chat.mv.db} (default {@code ./data}, the file the embedded platform uses), and
 * closes the file cleanly on SIGTERM. Never production: no authentication, no replication, no
 * {@code $text}, compound indexes ignored (docs/architecture.md), and a {@code kill -9} loses what
 * H2 had not yet written to the file (about the last second). Production runs a real MongoDB.
 */
public final class StoreMain {
  static final String FILE = "chat.mv.db";
  /** Logged at every start, framed so that nobody mistakes this process for a database. */
  static final String BANNER = String.join("\n",
      "",
      "  ************************************************************************************",
      "  *  NOT FOR PRODUCTION. This is the embedded MongoDB-wire store (mongo-java-server *",
      "  *  on an H2 file), for demos (bin/cluster) and tests (bin/chaos) only: no         *",
      "  *  authentication, no replication, no $text, compound indexes ignored, the last   *",
      "  *  second of writes lost on kill -9. Production runs a real MongoDB (MONGO_URI).  *",
      "  ************************************************************************************");

  private StoreMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "store-logback.xml");
    }
    Logger log = LoggerFactory.getLogger(StoreMain.class);
    EmbeddedMongo store;
    Path file;
    try {
      int port = Integer.parseInt(env("STORE_PORT", "27017"));
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("STORE_PORT must be 1-65535, got " + port);
      }
      Path dataDir = Path.of(env("DATA_DIR", "./data")).toAbsolutePath();
      Files.createDirectories(dataDir);
      file = dataDir.resolve(FILE);
      store = EmbeddedMongo.onFile(file, port);
    } catch (Exception e) {
      log.error("the store did not start: {}", e.toString());
      System.exit(1);
      return;
    }
    log.warn(BANNER);
    log.info("store listening on {} with its data in {}", store.connectionString(), file);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      store.close();
      log.info("store closed, data written to {}", file);
      closed.countDown();
    }, "store-shutdown"));
    closed.await();
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }
}

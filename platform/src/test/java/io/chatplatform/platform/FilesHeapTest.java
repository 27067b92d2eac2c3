package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's heap while files stream through it. The store runs as a process of its own
 * ({@code StoreMain}): in this JVM its page cache and unwritten pages would be counted too (they
 * held 16 MiB of a 24 MiB upload for a moment), and they are the store's, not the platform's.
 */
@DisplayName("Files: the heap while they stream")
class FilesHeapTest {
  private static final Logger LOG = LoggerFactory.getLogger(FilesHeapTest.class);

  @TempDir static Path dataDir;
  static Process store;
  static PlatformFixture fx;
  static Uploads files;

  @BeforeAll
  static void start() throws Exception {
    int storePort;
    try (ServerSocket free = new ServerSocket(0)) {
      storePort = free.getLocalPort();
    }
    ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), "io.chatplatform.embeddedstore.StoreMain"))
        .redirectErrorStream(true).redirectOutput(dataDir.resolve("store.log").toFile());
    builder.environment().putAll(Map.of("STORE_PORT", String.valueOf(storePort), "DATA_DIR", dataDir.resolve("store").toString()));
    store = builder.start();
    Await.until("the store to listen", Duration.ofSeconds(30), () -> listening(storePort));
    fx = new PlatformFixture(dataDir.resolve("platform"), Map.of("MONGO_URI", "mongodb://127.0.0.1:" + storePort));
    files = new Uploads(fx.clientVertx, fx.api, fx.platform);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (files != null) {
        files.close();
      }
      if (fx != null) {
        fx.close();
      }
    } finally {
      store.destroy();
      if (!store.waitFor(10, TimeUnit.SECONDS)) {
        store.destroyForcibly();
      }
    }
  }

  static boolean listening(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The heap of this JVM (gateway and services) while a 24 MiB upload is all sent but its closing
   * boundary, and while a download of it is half read and stalled: measured after a full
   * collection, against a baseline taken after the same transfers once. A server that held the
   * file would hold 24 MiB more.
   */
  @Test
  @DisplayName("a 24 MiB upload and its download hold a few buffers of the server's heap, never the file")
  void heapDuringTransfers() throws Exception {
    Api.User alice = fx.newUser("heap");
    String roomId = fx.api.createRoom(alice, "big files").getString("roomId");
    int size = 24 * 1024 * 1024;
    byte[] bytes = Uploads.pdf(size, 20);
    String warm = files.uploaded(alice.token(), roomId, "warm-up.pdf", bytes).getString("fileId");
    assertThat(files.get("/api/v1/files/" + warm, alice.token(), Map.of()).body().length()).isEqualTo(size);
    long baseline = heapAfterGc();

    String boundary = "----heap-test";
    String partHead = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n"
        + "Content-Type: application/pdf\r\n\r\n";
    String close = "\r\n--" + boundary + "--\r\n";
    String fileId;
    long duringUpload;
    try (RawHttp raw = RawHttp.connect(fx.port())) {
      raw.send("POST /api/v1/rooms/" + roomId + "/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + alice.token()
          + "\r\nContent-Type: multipart/form-data; boundary=" + boundary
          + "\r\nContent-Length: " + (partHead.length() + size + close.length()) + "\r\n\r\n" + partHead);
      raw.send(bytes);
      duringUpload = heapAfterGc();
      raw.send(close);
      RawHttp.Response answer = raw.response();
      assertThat(answer.status()).as(answer.body()).isEqualTo(201);
      fileId = new JsonObject(answer.body()).getString("fileId");
    }

    long duringDownload;
    try (RawHttp raw = RawHttp.connect(fx.port())) {
      raw.send("GET /api/v1/files/" + fileId + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + alice.token() + "\r\n\r\n");
      assertThat(raw.head()).startsWith("HTTP/1.1 200");
      // Read into a digest, not kept: the test's own copy would count in the heap measured.
      MessageDigest received = MessageDigest.getInstance("SHA-256");
      int half = size / 2;
      for (int read = 0; read < half; read += 64 * 1024) {
        received.update(raw.read(Math.min(64 * 1024, half - read)));
      }
      duringDownload = heapAfterGc();
      for (int read = half; read < size; read += 64 * 1024) {
        received.update(raw.read(Math.min(64 * 1024, size - read)));
      }
      assertThat(received.digest()).as("byte for byte").isEqualTo(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
    long kib = 1024;
    LOG.info("heap after full GC: baseline {} KiB; all of a {} KiB upload sent: {} KiB ({} KiB from the baseline); half of its download read: {} KiB ({} KiB from the baseline)",
        baseline / kib, size / kib, duringUpload / kib, (duringUpload - baseline) / kib, duringDownload / kib, (duringDownload - baseline) / kib);
    assertThat(duringUpload - baseline).as("heap growth during the upload").isLessThan(size / 3);
    assertThat(duringDownload - baseline).as("heap growth during the download").isLessThan(size / 3);
  }

  /** Heap in use after full collections (this JVM runs the whole platform). */
  static long heapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

}

package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's connections to history-service's files endpoint, which every upload and download
 * holds for its whole length ({@code FILES_INTERNAL_CONNECTIONS}): slow transfers do not hold up the
 * others, one user's uploads in progress are capped ({@code FILE_UPLOADS_PER_USER}), and an upload
 * whose client goes away while it waits for a connection keeps nothing.
 * Each test starts its own platform: production limits, but for the settings each names.
 */
@DisplayName("Files: the gateway's connections to history-service")
class FileTransferConnectionsTest {
  static final int KiB = 1024;
  static final int MiB = 1024 * KiB;
  /** GridFS's chunk: a held upload that sent twice this has had at least two chunks stored. */
  static final int CHUNK = 255 * KiB;
  static final String BOUNDARY = "----chat-test-boundary";

  @TempDir Path dataDir;
  PlatformFixture fx;
  Uploads files;
  final List<RawHttp> held = new ArrayList<>();

  void start(Map<String, String> settings) throws Exception {
    Map<String, String> all = new HashMap<>(PlatformFixture.PRODUCTION_BURSTS);
    all.putAll(settings);
    fx = new PlatformFixture(dataDir, all);
    files = new Uploads(fx.clientVertx, fx.api, fx.platform);
  }

  @AfterEach
  void stop() {
    held.forEach(RawHttp::close);
    if (files != null) {
      files.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  /** An upload of 2 MiB whose client sends its head and {@code sent} bytes of the file, then waits. */
  RawHttp slowUpload(Api.User user, String roomId, int sent) {
    byte[] body = Uploads.pdf(2 * MiB, 11);
    String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.pdf\"\r\n"
        + "Content-Type: application/pdf\r\n\r\n";
    int full = head.length() + body.length + ("\r\n--" + BOUNDARY + "--\r\n").length();
    RawHttp raw = RawHttp.connect(fx.port());
    held.add(raw);
    raw.send("POST /api/v1/rooms/" + roomId + "/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + user.token()
        + "\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\nContent-Length: " + full + "\r\n\r\n" + head);
    raw.send(Arrays.copyOf(body, sent));
    return raw;
  }

  long chunks() {
    return files.stored().get("fs.chunks");
  }

  @Test
  @DisplayName("with the default settings, more slow uploads than Vert.x's default pool (5 per event loop) stream at once, and a small one still goes through")
  void slowTransfersDoNotHoldUpTheOthers() throws Exception {
    start(Map.of("GATEWAY_EVENT_LOOPS", "2"));
    long before = chunks();
    int slow = 2 * 5 + 1; // more than 5 on at least one of the two loops, whichever way connections land
    for (int i = 0; i < slow; i++) {
      Api.User user = fx.newUser("slow" + i);
      slowUpload(user, fx.api.createRoom(user, "slow").getString("roomId"), 2 * CHUNK + KiB);
    }
    // Each held upload reaches history-service, which stores its first two chunks: none waits for a connection.
    Await.until(slow + " slow uploads streaming to history-service", Duration.ofSeconds(20), () -> chunks() >= before + 2L * slow);

    Api.User quick = fx.newUser("quick");
    String roomId = fx.api.createRoom(quick, "quick").getString("roomId");
    assertThat(files.uploaded(quick.token(), roomId, "small.pdf", Uploads.pdf(10 * KiB, 12)).getLong("size")).isEqualTo(10L * KiB);
  }

  @Test
  @DisplayName("an upload cut off while it waits for a connection to history-service keeps nothing, at once")
  void uploadCutOffWhileWaitingForAConnection() throws Exception {
    // One loop with one connection: a second upload must wait for it, the way to cut one off there.
    start(Map.of("GATEWAY_EVENT_LOOPS", "1", "FILES_INTERNAL_CONNECTIONS", "1"));
    Map<String, Long> before = files.stored();
    Api.User alice = fx.newUser("holder");
    RawHttp holder = slowUpload(alice, fx.api.createRoom(alice, "hold").getString("roomId"), 2 * CHUNK + KiB);
    Await.until("the first upload streaming", Duration.ofSeconds(20), () -> chunks() >= before.get("fs.chunks") + 2);

    Api.User bob = fx.newUser("waiter");
    RawHttp waiter = slowUpload(bob, fx.api.createRoom(bob, "wait").getString("roomId"), 64 * KiB);
    try (Api ops = new Api(fx.clientVertx, fx.platform.opsPort())) {
      Await.until("the second upload waiting for the connection", Duration.ofSeconds(20), () -> waitingForAConnection(ops) >= 1);
    }
    waiter.close(); // cut off while its request to history-service is not open yet
    holder.close(); // the connection is free: the waiting request opens, and is reset at once

    // Within FILES_INTERNAL_TIMEOUT_MS (30 s) if it were only discarded when history-service gave up on it.
    Await.until("both cut-off uploads deleted", Duration.ofSeconds(10), () -> files.stored().equals(before));
  }

  @Test
  @DisplayName("an upload that gets no connection within FILES_INTERNAL_WAIT_MS is refused 503 unavailable, before its grant could expire")
  void waitForAConnectionIsBounded() throws Exception {
    // One loop with one connection, held by a slow upload; the wait cut from 10 s to 1 s so that
    // the test does not sit through it.
    start(Map.of("GATEWAY_EVENT_LOOPS", "1", "FILES_INTERNAL_CONNECTIONS", "1", "FILES_INTERNAL_WAIT_MS", "1000"));
    long before = chunks();
    Api.User alice = fx.newUser("holder");
    slowUpload(alice, fx.api.createRoom(alice, "hold").getString("roomId"), 2 * CHUNK + KiB);
    Await.until("the first upload streaming", Duration.ofSeconds(20), () -> chunks() >= before + 2);

    Api.User bob = fx.newUser("waiter");
    Api.Response refused = files.upload(bob.token(), fx.api.createRoom(bob, "wait").getString("roomId"), "waits.pdf",
        Uploads.pdf(10 * KiB, 16));
    assertThat(refused.status()).as(refused.body().toString()).isEqualTo(503);
    assertThat(refused.errorCode()).isEqualTo("unavailable");
  }

  @Test
  @DisplayName("a user's uploads past FILE_UPLOADS_PER_USER (10) at once are refused 429; another user's are not, and one that ends frees its place")
  void uploadsPerUser() throws Exception {
    start(Map.of());
    Api.User carol = fx.newUser("many");
    String roomId = fx.api.createRoom(carol, "many").getString("roomId");
    long before = chunks();
    List<RawHttp> hers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      hers.add(slowUpload(carol, roomId, 2 * CHUNK + KiB));
    }
    Await.until("her 10 uploads streaming", Duration.ofSeconds(20), () -> chunks() >= before + 2 * 10);

    Api.Response refused = files.upload(carol.token(), roomId, "one-more.pdf", Uploads.pdf(10 * KiB, 13));
    assertThat(refused.status()).as(refused.body().toString()).isEqualTo(429);
    assertThat(refused.errorCode()).isEqualTo("rate_limited");
    Api.User dave = fx.newUser("other");
    String his = fx.api.createRoom(dave, "other").getString("roomId");
    assertThat(files.uploaded(dave.token(), his, "his.pdf", Uploads.pdf(10 * KiB, 14)).getLong("size")).isEqualTo(10L * KiB);

    hers.get(0).close(); // cut off: history-service discards its two chunks, and its place is free
    Await.until("her cut-off upload discarded", Duration.ofSeconds(10), () -> chunks() == before + 2 * 9 + 1);
    assertThat(files.uploaded(carol.token(), roomId, "next.pdf", Uploads.pdf(10 * KiB, 15)).getLong("size")).isEqualTo(10L * KiB);
  }

  /** Requests waiting for a connection of an HTTP client's pool (the gateway's to the files endpoint here), from Vert.x's metrics. */
  static long waitingForAConnection(Api ops) {
    long waiting = 0;
    for (String line : ops.get("/metrics", null).body().toString().split("\n")) {
      if (line.startsWith("vertx_pool_queue_pending{") && line.contains("pool_type=\"http\"")) {
        waiting += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return waiting;
  }
}

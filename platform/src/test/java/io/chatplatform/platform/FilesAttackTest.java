package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.history.FileTransfer;
import io.chatplatform.contracts.history.HistoryApi;
import io.chatplatform.gateway.files.FileLinks;
import io.chatplatform.runtime.ServiceClient;
import io.chatplatform.testsupport.Await;
import io.chatplatform.testsupport.LogCapture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks through files, each asserting its refusal and that nothing was kept (docs/security.md,
 * "Files (issue 15)"). Production limits, but for two settings: REST writes do not refill within
 * a test (so a user's uploads are exactly the burst of 30), and the storage quota is 30 MiB instead
 * of 1 GiB, so the quota is reached with a few uploads.
 */
@DisplayName("Security: attacks through files are refused")
class FilesAttackTest {
  static final int MiB = 1024 * 1024;
  static final long MAX_UPLOAD = 25L * MiB;

  @TempDir static Path dataDir;
  static PlatformFixture fx;
  static Uploads files;
  static String secret;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> production = new HashMap<>(PlatformFixture.PRODUCTION_BURSTS);
    production.put("RATE_LIMIT_REST_WRITES_PER_SECOND", "0.001");
    production.put("USER_STORAGE_QUOTA_BYTES", String.valueOf(30L * MiB));
    fx = new PlatformFixture(dataDir, production);
    files = new Uploads(fx.clientVertx, fx.api, fx.platform);
    secret = Files.readString(dataDir.resolve(EmbeddedPlatform.SECRET_FILE)).trim();
  }

  @AfterAll
  static void stop() {
    files.close();
    fx.close();
  }

  static String room(Api.User owner, Api.User... members) {
    return fx.api.createRoom(owner, "files", members).getString("roomId");
  }

  /** Refused with {@code status} and {@code reason}, and nothing of it is stored. */
  static void refused(Api.User user, String roomId, String name, byte[] bytes, int status, String reason) {
    Map<String, Long> before = files.stored();
    Api.Response response = files.upload(user.token(), roomId, name, bytes);
    assertThat(response.status()).as(name + ": " + response.body()).isEqualTo(status);
    assertThat(response.json().getJsonObject("error").getString("reason")).as(name).isEqualTo(reason);
    assertThat(files.stored()).as("nothing kept of " + name).isEqualTo(before);
  }

  @Test
  @DisplayName("an upload over MAX_UPLOAD_BYTES is cut off mid-stream with 413, and no chunk of it is kept")
  void overSize() {
    Api.User alice = fx.newUser("big");
    String roomId = room(alice);
    Map<String, Long> before = files.stored();
    Api.Response response = files.upload(alice.token(), roomId, "big.pdf", Uploads.pdf((int) MAX_UPLOAD + 1, 3));
    assertThat(response.status()).isEqualTo(413);
    assertThat(response.errorCode()).isEqualTo("payload_too_large");
    Await.until("the partial upload to be deleted", Duration.ofSeconds(10), () -> files.stored().equals(before));
    assertThat(files.uploaded(alice.token(), roomId, "fits.pdf", Uploads.pdf((int) MAX_UPLOAD, 4)).getLong("size"))
        .as("exactly the limit is allowed").isEqualTo(MAX_UPLOAD);
  }

  @Test
  @DisplayName("HTML named .png, SVG with script, a PNG named .pdf, an empty file and unknown bytes are refused with 415")
  void spoofedTypes() {
    Api.User alice = fx.newUser("spoof");
    String roomId = room(alice);
    byte[] html = "<!DOCTYPE html><html><body><script>fetch('/api/v1/me')</script></body></html>".getBytes(StandardCharsets.UTF_8);
    byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(document.cookie)</script></svg>".getBytes(StandardCharsets.UTF_8);
    refused(alice, roomId, "cute.png", html, 415, "active_content");
    refused(alice, roomId, "logo.svg", svg, 415, "active_content");
    refused(alice, roomId, "logo.png", svg, 415, "active_content");
    refused(alice, roomId, "invoice.pdf", Uploads.image("png", 20, 20), 415, "extension_mismatch");
    refused(alice, roomId, "empty.txt", new byte[0], 415, "empty_file");
    refused(alice, roomId, "noise.bin", Uploads.random(5000, 5), 415, "type_unrecognised");
  }

  @Test
  @DisplayName("a pixel bomb (a tiny PNG declaring 50,000 × 50,000 pixels) is refused from its header")
  void pixelBomb() {
    Api.User alice = fx.newUser("bomb");
    refused(alice, room(alice), "bomb.png", pngDeclaring(50_000, 50_000), 413, "image_too_large");
  }

  @Test
  @DisplayName("a name with path parts and control characters is stored as a plain name")
  void pathTraversal() {
    Api.User alice = fx.newUser("path");
    String roomId = room(alice);
    JsonObject file = files.uploaded(alice.token(), roomId, "../../etc/pass\u0000wd\r\n.txt", "root:x:0:0".getBytes(StandardCharsets.UTF_8));
    assertThat(file.getString("name")).doesNotContain("/", "\\", "..", "\u0000", "\r", "\n").endsWith(".txt");
    Api.Response download = files.get("/api/v1/files/" + file.getString("fileId"), alice.token(), Map.of());
    assertThat(download.raw().getHeader("Content-Disposition")).startsWith("attachment;").doesNotContain("/", "\r", "\n");
  }

  @Test
  @DisplayName("a multipart body cut off inside the file, or ending without its closing boundary, keeps nothing")
  void truncatedMultipart() {
    Api.User alice = fx.newUser("cut");
    String roomId = room(alice);
    Map<String, Long> before = files.stored();
    byte[] body = Uploads.pdf(2 * MiB, 6);
    String boundary = "----chat-test-boundary";
    String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.pdf\"\r\n"
        + "Content-Type: application/pdf\r\n\r\n";
    String request = "POST /api/v1/rooms/" + roomId + "/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + alice.token()
        + "\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\n";
    int full = head.length() + body.length + ("\r\n--" + boundary + "--\r\n").length();

    // The connection drops after half the file.
    try (RawHttp raw = RawHttp.connect(fx.port())) {
      raw.send(request + "Content-Length: " + full + "\r\n\r\n" + head);
      raw.send(java.util.Arrays.copyOf(body, MiB));
    }
    Await.until("the cut-off upload to be deleted", Duration.ofSeconds(10), () -> files.stored().equals(before));

    // All of the declared length comes, but the part never ends: no closing boundary.
    try (RawHttp raw = RawHttp.connect(fx.port())) {
      raw.send(request + "Content-Length: " + (head.length() + body.length) + "\r\n\r\n" + head);
      raw.send(body);
      RawHttp.Response response = raw.response();
      assertThat(response.status()).isEqualTo(400);
    }
    Await.until("the unterminated upload to be deleted", Duration.ofSeconds(10), () -> files.stored().equals(before));
  }

  @Test
  @DisplayName("outsiders get 404 for uploads into a room and for its files and thumbnails, as for files that do not exist")
  void outsiders() {
    Api.User alice = fx.newUser("owner");
    Api.User mallory = fx.newUser("outsider");
    String roomId = room(alice);
    JsonObject photo = files.uploaded(alice.token(), roomId, "private.png", Uploads.image("png", 400, 300));
    Api.Response upload = files.upload(mallory.token(), roomId, "x.pdf", Uploads.pdf(100, 7));
    assertThat(upload.status()).isEqualTo(404);

    String missing = "/api/v1/files/f_00000000000000000000000000000000";
    Api.Response notThere = fx.api.get(missing, mallory.token());
    for (String path : List.of("/api/v1/files/" + photo.getString("fileId"), "/api/v1/files/" + photo.getString("fileId") + "/thumbnail")) {
      Api.Response response = fx.api.get(path, mallory.token());
      assertThat(response.status()).as(path).isEqualTo(404);
      assertThat(response.body()).as("the same answer as for a file that does not exist").isEqualTo(notThere.body());
    }
    // Mallory's own signed link for Alice's file opens nothing either.
    String link = fx.api.get("/api/v1/files/links?fileIds=" + photo.getString("fileId"), mallory.token()).json()
        .getJsonArray("links").getJsonObject(0).getString("url");
    assertThat(files.get(link, null, Map.of()).status()).isEqualTo(404);
    // A member who leaves loses access at once.
    Api.User bob = fx.newUser("leaver");
    fx.api.post("/api/v1/rooms/" + roomId + "/members", alice.token(), new JsonObject().put("userId", bob.userId()));
    assertThat(fx.api.get("/api/v1/files/" + photo.getString("fileId"), bob.token()).status()).isEqualTo(200);
    fx.api.delete("/api/v1/rooms/" + roomId + "/members/" + bob.userId(), bob.token());
    assertThat(fx.api.get("/api/v1/files/" + photo.getString("fileId"), bob.token()).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("expired, tampered and misapplied links are refused without a word of what they name, and no log holds a signature")
  void links() throws Exception {
    Api.User alice = fx.newUser("links");
    String roomId = room(alice);
    JsonObject a = files.uploaded(alice.token(), roomId, "a.pdf", Uploads.pdf(100, 8));
    JsonObject b = files.uploaded(alice.token(), roomId, "b.pdf", Uploads.pdf(100, 9));
    String url = a.getString("url");
    try (LogCapture logs = new LogCapture()) {
      assertThat(files.get(url, null, Map.of()).status()).as("the genuine link works, so the refusals can fail").isEqualTo(200);
      FileLinks pastClock = new FileLinks(secret, 600, () -> System.currentTimeMillis() - 3_600_000);
      String expired = FileLinks.url(a.getString("fileId"), false, pastClock.sign(a.getString("fileId"), alice.userId()));
      assertThat(files.get(expired, null, Map.of()).status()).as("expired").isEqualTo(401);
      String signature = url.substring(url.indexOf("&s=") + 3);
      String tampered = url.replace(signature, (signature.charAt(0) == 'A' ? "B" : "A") + signature.substring(1));
      assertThat(files.get(tampered, null, Map.of()).status()).as("tampered").isEqualTo(401);
      assertThat(files.get(url.replace(a.getString("fileId"), b.getString("fileId")), null, Map.of()).status())
          .as("another file's path").isEqualTo(401);
      assertThat(files.get(url.replace("/api/v1/files/" + a.getString("fileId"), "/api/v1/me"), null, Map.of()).status())
          .as("another endpoint").isEqualTo(401);
      FileLinks otherKey = new FileLinks("a-guess-at-the-secret-a-guess-at-the-secret", 600, System::currentTimeMillis);
      String forged = FileLinks.url(a.getString("fileId"), false, otherKey.sign(a.getString("fileId"), alice.userId()));
      assertThat(files.get(forged, null, Map.of()).status()).as("signed with another key").isEqualTo(401);
      assertThat(logs.lines()).as("no log line holds a link's signature").noneMatch(line -> line.contains(signature) || line.contains("s="));
    }
  }

  @Test
  @DisplayName("the quota counts every byte a user holds: the upload that would pass it is refused mid-stream and not kept")
  void quota() {
    Api.User alice = fx.newUser("quota");
    String roomId = room(alice);
    files.uploaded(alice.token(), roomId, "one.pdf", Uploads.pdf(20 * MiB, 10));
    Map<String, Long> before = files.stored();
    Api.Response over = files.upload(alice.token(), roomId, "two.pdf", Uploads.pdf(12 * MiB, 11));
    assertThat(over.status()).isEqualTo(413);
    assertThat(over.errorCode()).isEqualTo("quota_exceeded");
    Await.until("the refused upload to be deleted", Duration.ofSeconds(10), () -> files.stored().equals(before));
    assertThat(files.upload(alice.token(), roomId, "three.pdf", Uploads.pdf(9 * MiB, 12)).status()).as("what is left still fits").isEqualTo(201);
    Api.Response full = files.upload(alice.token(), roomId, "four.pdf", Uploads.pdf(2 * MiB, 13));
    assertThat(full.status()).isEqualTo(413);
    assertThat(full.errorCode()).isEqualTo("quota_exceeded");
  }

  @Test
  @DisplayName("only the sender's own unattached files of the room can be attached, at most 10")
  void attachRules() {
    Api.User alice = fx.newUser("attacher");
    Api.User bob = fx.newUser("other");
    String roomId = room(alice, bob);
    String elsewhere = room(alice);
    String mine = files.uploaded(alice.token(), roomId, "mine.pdf", Uploads.pdf(100, 14)).getString("fileId");
    String otherRoom = files.uploaded(alice.token(), elsewhere, "there.pdf", Uploads.pdf(100, 15)).getString("fileId");
    String bobs = files.uploaded(bob.token(), roomId, "bobs.pdf", Uploads.pdf(100, 16)).getString("fileId");

    assertThat(send(alice, roomId, "c1", otherRoom).errorCode()).as("a file of another room").isEqualTo("bad_request");
    assertThat(send(alice, roomId, "c2", bobs).errorCode()).as("someone else's file").isEqualTo("bad_request");
    assertThat(send(alice, roomId, "c3", "f_00000000000000000000000000000000").errorCode()).as("no such file").isEqualTo("bad_request");
    assertThat(send(alice, roomId, "c4", mine).status()).isEqualTo(201);
    assertThat(send(alice, roomId, "c4", mine).status()).as("the same send again is its retry").isEqualTo(201);
    Api.Response again = send(alice, roomId, "c5", mine);
    assertThat(again.errorCode()).as("already attached").isEqualTo("bad_request");
    assertThat(again.json().getJsonObject("error").getString("message")).contains("already attached");
    JsonArray eleven = new JsonArray();
    for (int i = 0; i < 11; i++) {
      eleven.add(String.format("f_%032d", i));
    }
    Api.Response tooMany = fx.api.post("/api/v1/rooms/" + roomId + "/messages", alice.token(),
        new JsonObject().put("clientMsgId", "c6").put("attachments", eleven));
    assertThat(tooMany.errorCode()).isEqualTo("bad_request");
    // A refused send gives its claims back: Bob can still attach his file.
    assertThat(send(bob, roomId, "c7", bobs).status()).isEqualTo(201);
  }

  static Api.Response send(Api.User sender, String roomId, String clientMsgId, String fileId) {
    return fx.api.post("/api/v1/rooms/" + roomId + "/messages", sender.token(),
        new JsonObject().put("clientMsgId", clientMsgId).put("attachments", new JsonArray().add(fileId)));
  }

  @Test
  @DisplayName("the internal files endpoint serves nothing without a grant, and a grant works once")
  void internalEndpoint() {
    Api.User alice = fx.newUser("grant");
    String roomId = room(alice);
    ServiceClient bus = new ServiceClient(fx.platform.node().vertx().eventBus(), 5_000, null);
    HistoryApi.UploadGrant grant = Await.result(bus.request(HistoryApi.FILE_UPLOAD_GRANT, new HistoryApi.UploadGrantRequest(alice.userId(), roomId, null)));
    assertThat(grant.url()).startsWith("http://127.0.0.1:");
    Buffer text = Buffer.buffer("hello from inside");

    assertThat(internal(grant.url(), null, text).statusCode()).as("no grant").isEqualTo(404);
    assertThat(internal(grant.url(), "made-up-grant", text).statusCode()).as("a made-up grant").isEqualTo(404);
    assertThat(internal(grant.url(), grant.grantId(), text).statusCode()).as("the grant").isEqualTo(201);
    assertThat(internal(grant.url(), grant.grantId(), text).statusCode()).as("the grant again").isEqualTo(404);
    String download = grant.url().replace(FileTransfer.UPLOAD_PATH, FileTransfer.DOWNLOAD_PATH);
    assertThat(Await.result(fx.api.client.getAbs(download).send()).statusCode()).as("a download without a grant").isEqualTo(404);
    assertThat(Await.result(fx.api.client.getAbs(download).putHeader(FileTransfer.GRANT_HEADER, grant.grantId()).send()).statusCode())
        .as("an upload's grant opens no download").isEqualTo(404);
  }

  static HttpResponse<Buffer> internal(String url, String grant, Buffer body) {
    var request = fx.api.client.postAbs(url).putHeader(FileTransfer.NAME_HEADER, "note.txt");
    if (grant != null) {
      request.putHeader(FileTransfer.GRANT_HEADER, grant);
    }
    return Await.result(request.sendBuffer(body));
  }

  @Test
  @DisplayName("uploads count against the per-user REST write limit")
  void uploadsAreRateLimited() {
    Api.User alice = fx.newUser("flood");
    String roomId = room(alice);
    int created = 0;
    Api.Response last = null;
    for (int i = 0; i < 40; i++) {
      last = files.upload(alice.token(), roomId, "n" + i + ".txt", ("note " + i).getBytes(StandardCharsets.UTF_8));
      if (last.status() != 201) {
        break;
      }
      created++;
    }
    assertThat(last.status()).isEqualTo(429);
    assertThat(created).as("the room's creation was one write of the 30").isEqualTo(29);
  }

  /** A PNG whose header declares the size, with one tiny compressed row: the bytes of a bomb, without its pixels. */
  static byte[] pngDeclaring(int width, int height) {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array());
    chunk(png, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
    chunk(png, "IEND", new byte[0]);
    return png.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    png.writeBytes(typeBytes);
    png.writeBytes(data);
    png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}

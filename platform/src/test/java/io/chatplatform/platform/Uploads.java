package io.chatplatform.platform;

import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

/** Uploads and downloads of files for the platform tests, and what the store holds of them. */
public final class Uploads implements AutoCloseable {
  private final Api api;
  private final MongoClient mongo;

  public Uploads(Vertx vertx, Api api, EmbeddedPlatform platform) {
    this(vertx, api, platform.mongoUri());
  }

  Uploads(Vertx vertx, Api api, String mongoUri) {
    this.api = api;
    this.mongo = MongoClient.create(vertx, new JsonObject().put("connection_string", mongoUri).put("db_name", "chat"));
  }

  /** {@code POST /rooms/{roomId}/files} with one part, {@code file}, as a browser's form sends it. */
  Api.Response upload(String token, String roomId, String name, byte[] bytes) {
    MultipartForm form = MultipartForm.create().binaryFileUpload("file", name, Buffer.buffer(bytes), "application/octet-stream");
    HttpRequest<Buffer> request = api.client.request(HttpMethod.POST, "/api/v1/rooms/" + roomId + "/files");
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    HttpResponse<Buffer> response = Await.result(request.sendMultipartForm(form));
    return new Api.Response(response.statusCode(), response.body(), response);
  }

  /** An upload that must succeed: the file object answered. */
  public JsonObject uploaded(String token, String roomId, String name, byte[] bytes) {
    Api.Response response = upload(token, roomId, name, bytes);
    if (response.status() != 201) {
      throw new AssertionError("upload " + name + ": " + response.status() + " " + response.body());
    }
    return response.json();
  }

  /** A GET of {@code pathAndQuery} with the token (when not null) and headers. */
  Api.Response get(String pathAndQuery, String token, Map<String, String> headers) {
    HttpRequest<Buffer> request = api.client.request(HttpMethod.GET, pathAndQuery);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    headers.forEach(request::putHeader);
    HttpResponse<Buffer> response = Await.result(request.send());
    return new Api.Response(response.statusCode(), response.body(), response);
  }

  /** Documents in a collection of the platform's database ({@code fs.files}, {@code fs.chunks}, {@code files}). */
  long count(String collection) {
    return Await.result(mongo.count(collection, new JsonObject()));
  }

  /** Every stored object and record of files, for "nothing kept" checks. */
  Map<String, Long> stored() {
    return Map.of("fs.files", count("fs.files"), "fs.chunks", count("fs.chunks"), "files", count("files"));
  }

  static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** A PDF by its magic number, whatever follows: Tika types a file by its head. */
  public static byte[] pdf(int size, long seed) {
    byte[] bytes = random(size, seed);
    byte[] magic = "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(magic, 0, bytes, 0, magic.length);
    return bytes;
  }

  static byte[] image(String format, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLUE);
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    Await.result(mongo.close());
  }
}

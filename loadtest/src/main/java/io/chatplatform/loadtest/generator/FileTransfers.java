package io.chatplatform.loadtest.generator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Uploads ({@code POST /api/v1/rooms/{roomId}/files}, one multipart part named {@code file}) and
 * downloads ({@code GET /api/v1/files/{fileId}}) of the {@code files} scenario. A download is
 * counted as it streams and never held; an upload's body is one buffer made once per payload
 * with its multipart framing and sent with a {@code Content-Length}. Failures are counted
 * ({@code upload.<status>}, {@code download.<kind>}) and not retried: a refused transfer is a figure.
 *
 * <p>An answer's handlers are set in the callback of its send, which runs as Vert.x delivers the
 * answer's head, before any of its body. A step later in a flat chain ({@code .compose(send).compose(read)})
 * is only safe when the chain was built on the event loop that delivers the answer: the scenario
 * starts its first transfers from the main thread, and there the later step can be attached after
 * the send completed, run as a task of its own, and find a short answer already ended (its bytes
 * dropped: {@code response.end()} throws, {@code body()} never completes). Seen 35 times in 8,000
 * tiny transfers with both cores busy ({@code FileTransfersTest}).
 */
final class FileTransfers implements AutoCloseable {
  private static final int TIMEOUT_MS = 120_000;
  private static final String BOUNDARY = "loadtest-files-boundary-7c1f";

  private final HttpClientAgent http;
  private final ErrorCounter errors;

  FileTransfers(Vertx vertx, Endpoint endpoint, int connections, ErrorCounter errors) {
    this.errors = errors;
    this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(endpoint.host()).setDefaultPort(endpoint.port())
        .setKeepAlive(true).setConnectTimeout(TIMEOUT_MS), new PoolOptions().setHttp1MaxSize(connections));
  }

  /** The multipart body of one upload: the {@code file} part holding {@code bytes}. */
  static Buffer multipart(String fileName, byte[] bytes) {
    String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\n"
        + "Content-Type: application/pdf\r\n\r\n";
    return Buffer.buffer(head.length() + bytes.length + BOUNDARY.length() + 8)
        .appendString(head, StandardCharsets.US_ASCII.name())
        .appendBytes(bytes)
        .appendString("\r\n--" + BOUNDARY + "--\r\n", StandardCharsets.US_ASCII.name());
  }

  /** Uploads one file; the server's file id. */
  Future<String> upload(String token, String roomId, String fileName, byte[] bytes) {
    Buffer body = multipart(fileName, bytes);
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1/rooms/" + roomId + "/files")
        .setIdleTimeout(TIMEOUT_MS)
        .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token)
        .putHeader(HttpHeaders.CONTENT_TYPE, "multipart/form-data; boundary=" + BOUNDARY);
    // The answer is read in the send's own callback (see the class comment).
    return http.request(request)
        .compose(r -> r.send(body).compose(response -> response.body().compose(answer -> {
          if (response.statusCode() != 201) {
            return Future.<String>failedFuture(new Refused(response.statusCode(), answer.toString()));
          }
          return Future.succeededFuture(new JsonObject(answer).getString("fileId"));
        })))
        .onFailure(e -> countFailure("upload", e));
  }

  /** Downloads one file whole, counting its bytes as they come; the count. */
  Future<Long> download(String token, String fileId) {
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/v1/files/" + fileId)
        .setIdleTimeout(TIMEOUT_MS)
        .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    AtomicLong received = new AtomicLong();
    return http.request(request)
        .compose(r -> r.send().compose(response -> {
          if (response.statusCode() != 200) {
            return response.body().compose(answer -> Future.<Long>failedFuture(new Refused(response.statusCode(), answer.toString())));
          }
          return counted(response, received);
        }))
        .onFailure(e -> countFailure("download", e));
  }

  private static Future<Long> counted(HttpClientResponse response, AtomicLong received) {
    response.handler(chunk -> received.addAndGet(chunk.length()));
    return response.end().map(x -> received.get());
  }

  private void countFailure(String what, Throwable e) {
    errors.add(what + "." + (e instanceof Refused r ? Integer.toString(r.status) : ErrorCounter.kindOf(e)));
  }

  @Override
  public void close() throws Exception {
    Await.result(http.close(), Duration.ofSeconds(30));
  }

  /** A transfer the server answered with another status than expected. */
  static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String body) {
      super("HTTP " + status + ": " + body, null, false, false);
      this.status = status;
    }
  }
}

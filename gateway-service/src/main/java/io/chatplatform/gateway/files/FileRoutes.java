package io.chatplatform.gateway.files;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.history.FileInfo;
import io.chatplatform.contracts.history.FileTransfer;
import io.chatplatform.contracts.history.HistoryApi;
import io.chatplatform.contracts.history.HistoryApi.DownloadGrantRequest;
import io.chatplatform.contracts.history.HistoryApi.UploadGrant;
import io.chatplatform.contracts.history.HistoryApi.UploadGrantRequest;
import io.chatplatform.gateway.auth.Caller;
import io.chatplatform.gateway.web.ConnectionGuard;
import io.chatplatform.gateway.web.OpenCounts;
import io.chatplatform.runtime.ServiceClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file routes of REST {@code /api/v1}. The gateway holds no file: it asks history-service for
 * a grant over the event bus (history-service checks membership and quota), then pipes the bytes
 * between the client and that instance's files endpoint ({@link FileTransfer}) with back-pressure
 * both ways: a slow side pauses the other, so a transfer holds a few buffers, never the file.
 *
 * <ul>
 *   <li>{@code POST /rooms/{roomId}/files}: the multipart body is decoded as it arrives (no body
 *       handler buffers it); the part named {@code file} is streamed on, and history-service's answer
 *       (201 with the file, or its refusal) is the client's, with signed links added.
 *   <li>{@code GET /files/{fileId}} and {@code /thumbnail}: the client's {@code Range} and
 *       {@code If-None-Match} go on, the answer's file headers come back ({@link FileTransfer#FORWARDED_RESPONSE_HEADERS})
 *       with {@code Content-Security-Policy: sandbox}.
 *   <li>{@code GET /files/links?fileIds=a,b}: signed links ({@link FileLinks}), made here alone.
 * </ul>
 */
public final class FileRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(FileRoutes.class);
  /** Files are never documents of this site: no script, no plugin, no same-origin access, even when opened in place. */
  static final String FILE_POLICY = "sandbox";
  /** The one multipart field an upload's file is read from. */
  public static final String FIELD = "file";
  private static final Pattern UPLOAD_PATH = Pattern.compile("/api/v1/rooms/[^/]+/files");

  private final FilesConfig config;
  private final ServiceClient services;
  private final FileLinks links;
  private final Function<RoutingContext, Caller> callers;
  private final HttpClient client;
  /** Uploads in progress per user on this node: a slow upload holds a connection to history-service for minutes. */
  private final OpenCounts uploads;

  public FileRoutes(Vertx vertx, FilesConfig config, ServiceClient services, FileLinks links, Function<RoutingContext, Caller> callers) {
    this.config = config;
    this.services = services;
    this.links = links;
    this.callers = callers;
    this.uploads = OpenCounts.shared(vertx, "uploads-per-user");
    this.client = vertx.createHttpClient(
        new HttpClientOptions().setConnectTimeout((int) config.internalWaitMs()).setKeepAlive(true),
        // A transfer holds its connection for its whole length, a slow client's for minutes: with
        // Vert.x's default pool of 5, five slow transfers held up every other one of this loop to
        // that history-service instance, for as long as they lasted.
        new PoolOptions().setHttp1MaxSize(config.internalConnections()).setMaxWaitQueueSize(config.internalConnections()));
  }

  public Future<Void> close() {
    return client.close();
  }

  /** Whether the request is an upload, whose body must not go through a body handler. */
  public static boolean isUpload(HttpServerRequest request) {
    return request.method() == HttpMethod.POST && UPLOAD_PATH.matcher(request.path()).matches();
  }

  // ---- upload ---------------------------------------------------------------------------------

  /**
   * Streams the request's {@code file} part to history-service. The request was paused when it
   * arrived (nothing of its body is lost while the caller is authenticated and the grant fetched).
   * A request whose body was not read to its end when it is answered: refused before its file was
   * read (no grant), the rest is read and dropped up to {@code FILE_REFUSED_BODY_READ_MAX_BYTES},
   * so that a client still sending reads the answer; otherwise its connection is closed.
   */
  public void upload(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    boolean[] relayed = {false};
    ctx.addEndHandler(x -> {
      if (!request.isEnded()) {
        if (relayed[0]) {
          request.connection().close();
        } else {
          drop(request, config.refusedBodyReadMaxBytes());
        }
      }
    });
    if (ctx.response().closed()) {
      // Gone while its checks ran (the rate limit may ask Redis): the end handlers have run already,
      // and one added now would never release the place counted below.
      return;
    }
    Caller caller = callers.apply(ctx);
    if (!uploads.tryOpen(caller.userId(), config.uploadsPerUser())) {
      ctx.fail(new ServiceException(ErrorCode.RATE_LIMITED,
          "too many uploads at once on this server (at most " + config.uploadsPerUser() + "): wait for one to finish"));
      return;
    }
    ctx.addEndHandler(x -> uploads.closed(caller.userId()));
    services.request(HistoryApi.FILE_UPLOAD_GRANT, new UploadGrantRequest(caller.userId(), ctx.pathParam("roomId"), declaredLength(request)))
        .onFailure(ctx::fail)
        .onSuccess(grant -> {
          relayed[0] = true;
          new Relay(ctx, caller, grant).start();
        });
  }

  /** Reads and drops the rest of a refused request's body, closing its connection past {@code max} bytes. */
  private static void drop(HttpServerRequest request, long max) {
    long[] read = {0};
    request.handler(data -> {
      read[0] += data.length();
      if (read[0] > max) {
        request.connection().close();
      }
    });
    request.resume();
  }

  private static Long declaredLength(HttpServerRequest request) {
    try {
      String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
      return length == null ? null : Long.parseLong(length);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** One upload's way from the client to history-service and the answer back. */
  private final class Relay {
    private final RoutingContext ctx;
    private final Caller caller;
    private final UploadGrant grant;
    private boolean started;
    private boolean answered;
    private HttpClientRequest toHistory;
    private boolean cutOff;

    Relay(RoutingContext ctx, Caller caller, UploadGrant grant) {
      this.ctx = ctx;
      this.caller = caller;
      this.grant = grant;
    }

    void start() {
      HttpServerRequest request = ctx.request();
      ConnectionGuard.allowSlowBody(request, config.uploadTimeoutMs());
      String closeDelimiter = closeDelimiter(request.getHeader(HttpHeaders.CONTENT_TYPE));
      if (closeDelimiter == null) {
        fail(ServiceException.badRequest("send the file as multipart/form-data"));
        return;
      }
      request.setExpectMultipart(true);
      request.uploadHandler(this::part);
      // The raw body, beside the multipart decoder: its end tells whether the part was closed.
      BodyTail tail = new BodyTail(closeDelimiter);
      request.handler(tail::add);
      request.exceptionHandler(e -> cutOff());
      request.endHandler(x -> {
        if (!started) {
          fail(ServiceException.badRequest("the multipart body has no part named " + FIELD));
        } else if (!tail.closed()) {
          // The body ended inside the part (no closing boundary): the decoder will never end the
          // part, and history-service must not keep what came.
          fail(ServiceException.badRequest("the multipart body ends inside the file: no closing boundary"));
          cutOff();
        }
      });
      request.resume();
    }

    /** The first part named {@code file} is the upload; any other file part is refused (and reset what started). */
    private void part(HttpServerFileUpload upload) {
      if (started || !FIELD.equals(upload.name())) {
        upload.pause();
        if (toHistory != null) {
          toHistory.reset();
        }
        fail(ServiceException.badRequest("send one file, in the part named " + FIELD));
        return;
      }
      started = true;
      upload.pause();
      RequestOptions options = new RequestOptions()
          .setMethod(HttpMethod.POST)
          .setAbsoluteURI(grant.url())
          .setConnectTimeout(config.internalWaitMs()) // waiting for a connection of the pool included
          .setIdleTimeout(config.internalTimeoutMs())
          .putHeader(FileTransfer.GRANT_HEADER, grant.grantId())
          .putHeader(FileTransfer.NAME_HEADER, URLEncoder.encode(upload.filename() == null ? "" : upload.filename(), StandardCharsets.UTF_8));
      client.request(options)
          .onFailure(e -> unavailable(e))
          .onSuccess(out -> {
            toHistory = out;
            if (cutOff) {
              // The client went away while this request was being opened: cutOff() had nothing to
              // reset yet, and the upload would never end, leaving history-service to wait out
              // FILES_INTERNAL_TIMEOUT_MS before it discards what came.
              out.reset();
              return;
            }
            // Its failures are answered through its response, below.
            out.exceptionHandler(e -> LOG.debug("an upload to history-service stopped: {}", e.toString()));
            out.setChunked(true);
            out.response().onComplete(answer -> {
              if (answer.succeeded()) {
                answer(answer.result());
              } else {
                unavailable(answer.cause());
              }
            });
            // Not ended when the pipe fails: a client that went away is reset above (cutOff), and
            // history-service, when it refuses midway, answers before it closes.
            upload.pipe().endOnFailure(false).to(out).onFailure(e -> LOG.debug("an upload stopped: {}", e.toString()));
          });
    }

    /** history-service's answer is the client's: 201 with links added, or its refusal as it is. */
    private void answer(HttpClientResponse response) {
      response.body().onComplete(body -> {
        if (body.failed()) {
          unavailable(body.cause());
          return;
        }
        JsonObject json;
        try {
          json = body.result().toJsonObject();
        } catch (DecodeException e) {
          unavailable(e);
          return;
        }
        if (response.statusCode() == 201) {
          respond(201, withLinks(FileInfo.read(json), caller.userId()));
        } else {
          respond(response.statusCode(), json);
        }
        if (!ctx.request().isEnded()) {
          // Refused midway (too large, over quota): stop sending. history-service reads and drops
          // what is in flight, and would otherwise hold the connection until it goes silent.
          toHistory.reset();
        }
      });
    }

    private void respond(int status, JsonObject body) {
      if (answered || ctx.response().ended()) {
        return;
      }
      answered = true;
      ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toBuffer());
    }

    private void fail(ServiceException error) {
      if (!answered && !ctx.response().ended()) {
        answered = true;
        ctx.fail(error);
      }
    }

    private void unavailable(Throwable cause) {
      if (answered || cutOff) {
        // Reset on purpose: the client was answered already, or is gone.
        LOG.debug("an upload to history-service ended: {}", cause.toString());
        return;
      }
      LOG.warn("an upload to history-service failed: {}", cause.toString());
      fail(new ServiceException(ErrorCode.UNAVAILABLE, "the file could not be stored, try again"));
    }

    /** The client went away or sent a body that cannot be whole: history-service discards the upload. */
    private void cutOff() {
      cutOff = true;
      if (toHistory != null) {
        toHistory.reset();
      }
    }
  }

  /** {@code --boundary--} of a multipart Content-Type, or null when it is not one. */
  static String closeDelimiter(String contentType) {
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      return null;
    }
    for (String parameter : contentType.split(";")) {
      String p = parameter.trim();
      if (p.regionMatches(true, 0, "boundary=", 0, 9)) {
        String boundary = p.substring(9).trim();
        if (boundary.length() > 1 && boundary.startsWith("\"") && boundary.endsWith("\"")) {
          boundary = boundary.substring(1, boundary.length() - 1);
        }
        return boundary.isEmpty() || boundary.length() > 70 ? null : "--" + boundary + "--";
      }
    }
    return null;
  }

  /**
   * The last bytes of a multipart body, to see whether it ended with its close delimiter. An
   * epilogue after it (RFC 2046 allows one; browsers send none) longer than the window reads as a
   * body that was cut off.
   */
  static final class BodyTail {
    private static final int EPILOGUE_MAX = 256;
    private final byte[] delimiter;
    private Buffer tail = Buffer.buffer();

    BodyTail(String delimiter) {
      this.delimiter = delimiter.getBytes(StandardCharsets.US_ASCII);
    }

    void add(Buffer data) {
      int keep = delimiter.length + EPILOGUE_MAX;
      Buffer joined = tail.copy().appendBuffer(data.length() > keep ? data.getBuffer(data.length() - keep, data.length()) : data);
      tail = joined.length() > keep ? joined.getBuffer(joined.length() - keep, joined.length()) : joined;
    }

    boolean closed() {
      byte[] bytes = tail.getBytes();
      for (int i = 0; i + delimiter.length <= bytes.length; i++) {
        if (Arrays.equals(bytes, i, i + delimiter.length, delimiter, 0, delimiter.length)) {
          return true;
        }
      }
      return false;
    }
  }

  /** The file object with its signed links: {@code url}, and {@code thumbnailUrl} for images with a thumbnail. */
  private JsonObject withLinks(FileInfo file, String userId) {
    FileLinks.Signed signed = links.sign(file.fileId(), userId);
    JsonObject json = file.write().put("url", FileLinks.url(file.fileId(), false, signed));
    if (file.hasThumbnail()) {
      json.put("thumbnailUrl", FileLinks.url(file.fileId(), true, signed));
    }
    return json;
  }

  // ---- download -------------------------------------------------------------------------------

  /** Streams a file ({@code thumbnail}: its thumbnail) to a member of its room; anyone else gets 404. */
  public void download(RoutingContext ctx, boolean thumbnail) {
    Caller caller = callers.apply(ctx);
    HttpServerRequest request = ctx.request();
    services.request(HistoryApi.FILE_DOWNLOAD_GRANT, new DownloadGrantRequest(caller.userId(), ctx.pathParam("fileId"), thumbnail))
        .compose(grant -> {
          RequestOptions options = new RequestOptions()
              .setMethod(HttpMethod.GET)
              .setAbsoluteURI(grant.url())
              .setConnectTimeout(config.internalWaitMs()) // waiting for a connection of the pool included
              .setIdleTimeout(config.internalTimeoutMs())
              .putHeader(FileTransfer.GRANT_HEADER, grant.grantId());
          copy(request, options, "Range");
          copy(request, options, HttpHeaders.IF_NONE_MATCH.toString());
          return client.request(options).compose(HttpClientRequest::send);
        })
        .onFailure(e -> ctx.fail(e instanceof ServiceException ? e : new ServiceException(ErrorCode.UNAVAILABLE, "the file cannot be read now, try again")))
        .onSuccess(file -> {
          HttpServerResponse response = ctx.response().setStatusCode(file.statusCode());
          FileTransfer.FORWARDED_RESPONSE_HEADERS.forEach(name -> {
            String value = file.getHeader(name);
            if (value != null) {
              response.putHeader(name, value);
            }
          });
          response.putHeader("Content-Security-Policy", FILE_POLICY);
          file.pipeTo(response).onFailure(e -> {
            LOG.debug("a download stopped: {}", e.toString());
            if (!response.closed()) {
              response.reset();
            }
          });
        });
  }

  private static void copy(HttpServerRequest request, RequestOptions options, String header) {
    String value = request.getHeader(header);
    if (value != null) {
      options.putHeader(header, value);
    }
  }

  // ---- links ----------------------------------------------------------------------------------

  /**
   * {@code ?fileIds=a,b} → {@code {"links":[{"fileId","url","thumbnailUrl"}],"expiresAt"}}, signed
   * for the caller. Nothing is looked up: a link lets its user try the file as they could with their
   * token, and every download checks membership. {@code thumbnailUrl} serves only files that have
   * a thumbnail (those with {@code width} and {@code height}).
   */
  public JsonObject links(RoutingContext ctx) {
    Set<String> ids = new LinkedHashSet<>();
    for (String id : ctx.request().getParam("fileIds", "").split(",")) {
      if (!id.isBlank()) {
        ids.add(id.trim());
      }
    }
    if (ids.isEmpty() || ids.size() > config.linksMax()) {
      throw ServiceException.badRequest("fileIds must list 1-" + config.linksMax() + " file ids, comma-separated");
    }
    String userId = callers.apply(ctx).userId();
    JsonArray list = new JsonArray();
    long expiresAt = 0;
    for (String id : ids) {
      if (!FileLinks.FILE_ID.matcher(id).matches()) {
        throw ServiceException.badRequest("fileIds: " + id + " is not a file id");
      }
      FileLinks.Signed signed = links.sign(id, userId);
      expiresAt = signed.expiresAt();
      list.add(new JsonObject().put("fileId", id).put("url", FileLinks.url(id, false, signed)).put("thumbnailUrl", FileLinks.url(id, true, signed)));
    }
    return new JsonObject().put("links", list).put("expiresAt", expiresAt * 1000);
  }
}

package io.chatplatform.history.bus;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.history.HistoryMetrics;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi;
import io.chatplatform.contracts.history.FileTransfer;
import io.chatplatform.contracts.history.HistoryApi.DownloadGrant;
import io.chatplatform.contracts.history.HistoryApi.DownloadGrantRequest;
import io.chatplatform.contracts.history.HistoryApi.UploadGrant;
import io.chatplatform.contracts.history.HistoryApi.UploadGrantRequest;
import io.chatplatform.history.FileTransferConfig;
import io.chatplatform.history.domain.ByteRange;
import io.chatplatform.history.domain.FileHeaders;
import io.chatplatform.history.domain.Grants;
import io.chatplatform.history.files.CheckedFile;
import io.chatplatform.history.files.FileConfig;
import io.chatplatform.history.files.FileTypePolicy;
import io.chatplatform.history.files.ImageInspector;
import io.chatplatform.history.files.ImageInspector.ImageInfo;
import io.chatplatform.history.files.RefusedFileException;
import io.chatplatform.history.files.RefusedFileException.Reason;
import io.chatplatform.history.storage.FileStorage;
import io.chatplatform.history.store.FileCatalog;
import io.chatplatform.history.store.FileRecord;
import io.chatplatform.runtime.ServiceClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files endpoint of one history-service instance: the internal HTTP server file bytes travel
 * through ({@link FileTransfer}), and the grants that open it. A gateway asks for a grant over the
 * event bus; this checks with chat-service that the user is a member of the room (404 otherwise,
 * as for a missing file), then issues a single-use grant bound to the user and room (an upload,
 * with its byte limit) or to the file (a download). The server serves nothing without a live grant.
 *
 * <p>An upload is checked as it streams: its head's type and name ({@link FileTypePolicy}) before
 * anything is stored (415), its size on every buffer (413, the partial object deleted), the
 * uploader's quota before and after the bytes (413 {@code quota_exceeded}); an image is then
 * decoded off the event loop by at most {@code THUMBNAIL_CONCURRENCY} workers ({@link ImageInspector}:
 * pixel bombs refused from the header, dimensions, a thumbnail without metadata). Only then is the
 * file ready. Anything refused or cut off is deleted, bytes and record.
 *
 * <p>Runs on the verticle's event loop, as do its grants.
 */
public final class FilesEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(FilesEndpoint.class);

  /** An upload's grant: who uploads into which room, the most bytes, and what it reserves of the quota. */
  record UploadBinding(String userId, String roomId, long limit, long reserve, boolean quotaBound) {}

  /** A download's grant: the file as it was when granted, and whether its thumbnail is asked for. */
  record DownloadBinding(FileRecord file, boolean thumbnail) {}

  private final Vertx vertx;
  private final FileConfig limits;
  private final FileTransferConfig transfer;
  private final FileCatalog catalog;
  private final FileStorage storage;
  private final ServiceClient chat;
  private final LongSupplier clock;
  private final HistoryMetrics metrics;
  private final FileTypePolicy types;
  private final ImageInspector images;
  private final Grants<UploadBinding> uploads;
  private final Grants<DownloadBinding> downloads;
  private WorkerExecutor inspectors;
  private HttpServer server;
  private long purgeTimer = -1;
  private String baseUrl;

  public FilesEndpoint(Vertx vertx, FileConfig limits, FileTransferConfig transfer, FileCatalog catalog, FileStorage storage,
      ServiceClient chat, LongSupplier clock, HistoryMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.limits = limits;
    this.transfer = transfer;
    this.catalog = catalog;
    this.storage = storage;
    this.chat = chat;
    this.clock = clock;
    this.types = new FileTypePolicy(limits);
    this.images = new ImageInspector(limits);
    this.uploads = new Grants<>(transfer.grantTtlMs(), transfer.grantsMax(), clock);
    this.downloads = new Grants<>(transfer.grantTtlMs(), transfer.grantsMax(), clock);
  }

  /** Listens on {@code FILES_INTERNAL_HOST}:{@code FILES_INTERNAL_PORT}; call on the verticle's event loop. */
  public Future<Void> start() {
    inspectors = vertx.createSharedWorkerExecutor("file-inspectors", limits.thumbnailConcurrency());
    HttpServerOptions options = new HttpServerOptions()
        .setHost(transfer.host())
        .setPort(transfer.port())
        .setIdleTimeout((int) transfer.idleTimeoutMs())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    purgeTimer = vertx.setPeriodic(transfer.grantTtlMs(), id -> {
      uploads.dropExpired();
      downloads.dropExpired();
    });
    return vertx.fileSystem().mkdirs(transfer.tempDir())
        .compose(x -> vertx.createHttpServer(options).requestHandler(this::serve).listen())
        .onSuccess(s -> {
          server = s;
          baseUrl = "http://" + hostInUrl(transfer.advertisedHost()) + ":" + s.actualPort();
          LOG.info("files endpoint on {}:{}, advertised as {}", transfer.host(), s.actualPort(), baseUrl);
        })
        .mapEmpty();
  }

  public Future<Void> stop() {
    if (purgeTimer >= 0) {
      vertx.cancelTimer(purgeTimer);
    }
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(() -> inspectors == null ? Future.succeededFuture() : inspectors.close());
  }

  private static String hostInUrl(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  // ---- grants ---------------------------------------------------------------------------------

  /**
   * One upload of the user into the room, if they are a member and have quota left: at most
   * {@code MAX_UPLOAD_BYTES}, or what is left of the quota when that is less. The upload reserves
   * the client's declared length (an upper bound of the file), so uploads in parallel do not each
   * reserve the most a file may be.
   */
  public Future<UploadGrant> uploadGrant(UploadGrantRequest request) {
    return member(request.userId(), request.roomId(), "room not found")
        .compose(x -> catalog.usedBytes(request.userId()))
        .map(used -> {
          long left = limits.userStorageQuotaBytes() - used;
          if (left <= 0) {
            throw quotaExceeded();
          }
          long limit = Math.min(limits.maxUploadBytes(), left);
          long reserve = request.declaredBytes() == null ? limit : Math.min(limit, request.declaredBytes());
          String id = uploads.issue(new UploadBinding(request.userId(), request.roomId(), limit, reserve, left < limits.maxUploadBytes()));
          return new UploadGrant(id, baseUrl + FileTransfer.UPLOAD_PATH, limit);
        });
  }

  /** One download of a ready file (or its thumbnail) by a member of its room; anyone else: 404, as for a missing file. */
  public Future<DownloadGrant> downloadGrant(DownloadGrantRequest request) {
    ServiceException missing = ServiceException.notFound("file not found");
    return catalog.find(request.fileId())
        .compose(file -> file == null || !file.ready() || (request.thumbnail() && file.thumbnailId() == null)
            ? Future.failedFuture(missing)
            : member(request.userId(), file.roomId(), missing.getMessage()).map(file))
        .map(file -> new DownloadGrant(downloads.issue(new DownloadBinding(file, request.thumbnail())), baseUrl + FileTransfer.DOWNLOAD_PATH));
  }

  /** Succeeds when chat-service says the user is a member; {@code not_found} with {@code text} when not. */
  private Future<Void> member(String userId, String roomId, String text) {
    return chat.request(ChatApi.ROOM_CHECK_MEMBER, new ChatApi.RoomRef(userId, roomId))
        .<Void>mapEmpty()
        .recover(e -> Future.failedFuture(ServiceException.from(e).code() == ErrorCode.NOT_FOUND ? ServiceException.notFound(text) : e));
  }

  private static ServiceException quotaExceeded() {
    return new ServiceException(ErrorCode.QUOTA_EXCEEDED, "the upload would take you past your storage quota");
  }

  // ---- the server -----------------------------------------------------------------------------

  private void serve(HttpServerRequest request) {
    String path = request.path();
    if (request.method() == HttpMethod.POST && FileTransfer.UPLOAD_PATH.equals(path)) {
      upload(request);
    } else if ((request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD) && FileTransfer.DOWNLOAD_PATH.equals(path)) {
      download(request);
    } else {
      refuse(request, ServiceException.notFound("no such endpoint"), null);
    }
  }

  /** The error answer; when the request's body was not read to its end, the rest is dropped and the connection closed ({@link #dropRest}). */
  private void refuse(HttpServerRequest request, ServiceException error, String reason) {
    HttpServerResponse response = request.response();
    if (response.headWritten() || response.closed()) {
      return;
    }
    JsonObject body = new JsonObject().put("code", error.code().word).put("message", error.getMessage());
    if (reason != null) {
      body.put("reason", reason);
    }
    boolean unread = !request.isEnded();
    if (unread) {
      // Not to be used again; closed once the rest is read (dropRest).
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    response.setStatusCode(error.code().status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("error", body).toBuffer())
        .onFailure(e -> LOG.debug("a refusal could not be written: {}", e.toString()));
    if (unread) {
      dropRest(request);
    }
  }

  /**
   * Reads and drops the rest of a refused request's body, closing the connection once it ends or
   * past {@code MAX_UPLOAD_BYTES}: closing with the rest unread would reset the connection, and the
   * gateway, still sending, could lose the answer with it (it then answered its client 503 instead
   * of, say, 413 quota_exceeded). The gateway stops sending once it has the answer; a peer that
   * goes silent instead is closed by {@code FILES_INTERNAL_IDLE_TIMEOUT_MS}.
   */
  private void dropRest(HttpServerRequest request) {
    long[] dropped = {0};
    request.handler(data -> {
      dropped[0] += data.length();
      if (dropped[0] > limits.maxUploadBytes()) {
        request.connection().close();
      }
    });
    request.endHandler(v -> request.connection().close());
    request.resume();
  }

  // ---- uploads --------------------------------------------------------------------------------

  /** One upload, from its grant to 201 or its refusal; whatever fails, nothing of it is kept. */
  private void upload(HttpServerRequest request) {
    request.pause();
    UploadBinding grant = uploads.take(request.getHeader(FileTransfer.GRANT_HEADER));
    if (grant == null) {
      metrics.upload(ErrorCode.NOT_FOUND.word, 0);
      refuse(request, ServiceException.notFound("no such grant"), null);
      return;
    }
    String clientName = decodedName(request.getHeader(FileTransfer.NAME_HEADER));
    Upload upload = new Upload("f_" + UUID.randomUUID().toString().replace("-", ""), storage.newKey(), grant);
    UploadBody body = new UploadBody(request, grant.limit());
    catalog.reserve(upload.fileId, grant.roomId(), grant.userId(), upload.storageId, grant.reserve(), clock.getAsLong())
        .compose(x -> {
          upload.reserved = true;
          return catalog.usedBytes(grant.userId());
        })
        .compose(used -> used > limits.userStorageQuotaBytes() ? Future.failedFuture(quotaExceeded()) : body.head(FileTypePolicy.HEAD_BYTES))
        .compose(head -> checked(head, clientName))
        .compose(checked -> storage.write(upload.storageId, body).map(size -> {
          upload.stored = true;
          return new FileRecord(upload.fileId, FileRecord.READY, grant.roomId(), grant.userId(), checked.name(), size, checked.contentType(),
              null, null, upload.storageId, null, 0, null, 0, null, null);
        }))
        .compose(file -> ImageInspector.READABLE_TYPES.contains(file.contentType()) ? withThumbnail(upload, file) : Future.succeededFuture(file))
        .compose(catalog::complete)
        .onSuccess(file -> {
          metrics.upload(HistoryMetrics.STORED, body.received());
          request.response().setStatusCode(201)
              .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .end(file.info().write().toBuffer());
        })
        // The refusal is answered once nothing of the upload is left.
        .onFailure(failure -> discard(upload).onComplete(x -> metrics.upload(answerFailure(request, grant, failure), body.received())));
  }

  /** What an upload has made so far, to be deleted if it fails. */
  private static final class Upload {
    final String fileId;
    final String storageId;
    final UploadBinding grant;
    boolean reserved;
    boolean stored;
    String thumbnailId;

    Upload(String fileId, String storageId, UploadBinding grant) {
      this.fileId = fileId;
      this.storageId = storageId;
      this.grant = grant;
    }
  }

  private Future<CheckedFile> checked(Buffer head, String clientName) {
    try {
      return Future.succeededFuture(types.check(head.getBytes(), clientName));
    } catch (RefusedFileException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Copies the stored image to a temporary file and inspects it on a worker: refused (bomb,
   * undecodable) or given its dimensions and thumbnail, stored beside it.
   */
  private Future<FileRecord> withThumbnail(Upload upload, FileRecord file) {
    return vertx.fileSystem().createTempFile(transfer.tempDir(), "upload-", ".img", (String) null).compose(path ->
        vertx.fileSystem().open(path, new OpenOptions().setWrite(true))
            .compose(copy -> storage.read(file.storageId(), 0, file.size()).pipeTo(copy))
            .compose(x -> inspectors.<ImageInfo>executeBlocking(() -> images.inspect(Path.of(path), file.contentType()), false))
            .eventually(() -> vertx.fileSystem().delete(path)))
        .compose(image -> {
          upload.thumbnailId = storage.newKey();
          return storage.write(upload.thumbnailId, Buffer.buffer(image.thumbnail().bytes())).map(size -> new FileRecord(
              file.fileId(), file.state(), file.roomId(), file.uploaderId(), file.name(), file.size(), file.contentType(),
              image.width(), image.height(), file.storageId(), upload.thumbnailId, size, image.thumbnail().contentType(),
              file.createdAt(), null, null));
        });
  }

  /** Deletes what a failed upload made: its bytes, its thumbnail, its record (which reserved quota). */
  private Future<Void> discard(Upload upload) {
    Future<Void> gone = Future.succeededFuture();
    if (upload.stored) {
      gone = gone.compose(x -> storage.delete(upload.storageId));
    }
    if (upload.thumbnailId != null) {
      gone = gone.compose(x -> storage.delete(upload.thumbnailId));
    }
    if (upload.reserved) {
      gone = gone.compose(x -> catalog.remove(upload.fileId));
    }
    return gone.onFailure(e -> LOG.warn("could not delete the remains of a failed upload {}; the sweep will: {}", upload.fileId, e.toString()));
  }

  /** Answers an upload's failure; returns its outcome for the meters (the refusal's code, or {@code aborted}). */
  private String answerFailure(HttpServerRequest request, UploadBinding grant, Throwable failure) {
    ServiceException error;
    String reason = null;
    if (failure instanceof UploadBody.TooLarge) {
      error = grant.quotaBound() ? quotaExceeded()
          : new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE, "the file is larger than " + grant.limit() + " bytes");
    } else if (failure instanceof RefusedFileException refused) {
      ErrorCode code = refused.reason() == Reason.IMAGE_TOO_LARGE ? ErrorCode.PAYLOAD_TOO_LARGE : ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      error = new ServiceException(code, refused.getMessage());
      reason = refused.reason().code();
    } else if (failure instanceof ServiceException refused) {
      error = refused;
    } else if (request.response().closed() || request.connection() == null) {
      LOG.debug("an upload was cut off: {}", failure.toString());
      return HistoryMetrics.ABORTED;
    } else {
      LOG.error("an upload failed", failure);
      error = new ServiceException(ErrorCode.INTERNAL, "internal error");
    }
    refuse(request, error, reason);
    return error.code().word;
  }


  private static String decodedName(String header) {
    if (header == null) {
      return null;
    }
    try {
      return URLDecoder.decode(header, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  // ---- downloads ------------------------------------------------------------------------------

  /** A granted file or thumbnail: whole (200), a range (206), unchanged (304) or out of range (416). */
  private void download(HttpServerRequest request) {
    DownloadBinding grant = downloads.take(request.getHeader(FileTransfer.GRANT_HEADER));
    if (grant == null) {
      refuse(request, ServiceException.notFound("no such grant"), null);
      return;
    }
    FileRecord file = grant.file();
    boolean thumbnail = grant.thumbnail();
    String key = thumbnail ? file.thumbnailId() : file.storageId();
    long size = thumbnail ? file.thumbnailSize() : file.size();
    String type = thumbnail ? file.thumbnailType() : file.contentType();
    String etag = FileHeaders.etag(file.fileId(), thumbnail);
    HttpServerResponse response = request.response()
        .putHeader(HttpHeaders.ETAG, etag)
        .putHeader(HttpHeaders.CACHE_CONTROL, "private, max-age=86400")
        .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
    if (FileHeaders.matches(request.getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
      response.setStatusCode(304).end();
      return;
    }
    ByteRange range = ByteRange.of(request.getHeader("Range"), size);
    if (range == ByteRange.UNSATISFIABLE) {
      response.putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
      refuse(request, new ServiceException(ErrorCode.RANGE_NOT_SATISFIABLE, "the file has " + size + " bytes"), null);
      return;
    }
    long from = range.partial() ? range.from() : 0;
    long length = range.partial() ? range.length() : size;
    response.putHeader(HttpHeaders.CONTENT_TYPE, type)
        .putHeader("Content-Disposition", FileHeaders.contentDisposition(file.name(), type))
        .putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(length));
    if (range.partial()) {
      response.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE, "bytes " + range.from() + "-" + range.to() + "/" + size);
    }
    if (request.method() == HttpMethod.HEAD || length == 0) {
      response.end();
      return;
    }
    storage.read(key, from, length).pipeTo(response).onFailure(e -> {
      LOG.debug("a download of {} stopped: {}", file.fileId(), e.toString());
      if (!response.closed()) {
        response.reset();
      }
    });
  }
}

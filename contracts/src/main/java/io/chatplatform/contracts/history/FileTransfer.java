package io.chatplatform.contracts.history;

import java.util.List;

/**
 * The internal HTTP endpoint through which file bytes travel between a gateway and the
 * history-service instance that owns them: bytes never cross the event bus (its messages are
 * held whole in memory on both sides). Each request carries one single-use grant, issued over the
 * event bus ({@link HistoryApi#FILE_UPLOAD_GRANT}, {@link HistoryApi#FILE_DOWNLOAD_GRANT}) after
 * the membership check; without a live grant the endpoint answers 404 and reads nothing.
 *
 * <ul>
 *   <li>Upload: {@code POST <grant url>} with {@link #GRANT_HEADER}, {@link #NAME_HEADER} and the
 *       file's bytes as the body (not multipart), streamed. Answers 201 with a {@link FileInfo},
 *       or an error {@code {"error":{"code","message","reason"?}}} as soon as it knows (415 after
 *       the first bytes, 413 mid-stream), closing the connection when the body is not read to its end.
 *   <li>Download: {@code GET <grant url>} with {@link #GRANT_HEADER} and, passed on from the
 *       client, {@code Range} and {@code If-None-Match}. Answers 200, 206, 304 or 416 with the
 *       file's headers ({@link #FORWARDED_RESPONSE_HEADERS}).
 * </ul>
 */
public final class FileTransfer {
  private FileTransfer() {}

  /** Path of uploads on the files endpoint. */
  public static final String UPLOAD_PATH = "/files";
  /** Path of downloads on the files endpoint. */
  public static final String DOWNLOAD_PATH = "/files/download";
  /** The grant's id; a header, so that no access log of a proxy between them records it. */
  public static final String GRANT_HEADER = "X-Chat-Grant";
  /** The name the client gave the file, percent-encoded (UTF-8); the service sanitises it. */
  public static final String NAME_HEADER = "X-Chat-File-Name";
  /** Headers of a download answer the gateway passes on to its client, and no others. */
  public static final List<String> FORWARDED_RESPONSE_HEADERS = List.of(
      "Content-Type", "Content-Length", "Content-Range", "Accept-Ranges", "Content-Disposition", "ETag", "Cache-Control",
      "Last-Modified");
}

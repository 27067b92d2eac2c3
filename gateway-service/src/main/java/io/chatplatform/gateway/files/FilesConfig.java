package io.chatplatform.gateway.files;

import io.chatplatform.runtime.Settings;

/**
 * The gateway's file routes; each setting is named after its environment variable.
 *
 * @param linkTtlSeconds a signed download link lives between this and twice this long: links are
 *     cut to windows of this length, so one file gets the same link (and the browser's cached copy)
 *     all through a window ({@code FILE_URL_TTL_SECONDS})
 * @param linksMax most files one {@code GET /files/links} may name ({@code FILE_LINKS_MAX})
 * @param internalTimeoutMs any silence of a transfer with a history-service files endpoint at most
 *     this long ({@code FILES_INTERNAL_TIMEOUT_MS}); keep it above the longest image inspection
 *     (history-service answers an upload only after it); getting the connection is bounded by
 *     {@code internalWaitMs}
 * @param uploadTimeoutMs an upload's body must have arrived this long after its head; it replaces
 *     {@code HTTP_REQUEST_READ_TIMEOUT_MS} for uploads, which take longer than a REST body
 *     ({@code FILE_UPLOAD_TIMEOUT_MS}, 10 minutes: 25 MiB at 350 kbit/s)
 * @param refusedBodyReadMaxBytes an upload refused before its file was read (no grant: not a
 *     member, no quota left, over the write limit) has this much of its body read and dropped, so
 *     that its client, still sending, reads the answer; a longer body has its connection closed
 *     ({@code FILE_REFUSED_BODY_READ_MAX_BYTES})
 * @param internalConnections connections each gateway event loop holds open to one history-service
 *     files endpoint at most; every transfer, upload or download, holds one for its whole length,
 *     and as many more may wait for one (up to {@code internalWaitMs}) before further ones are
 *     refused 503 ({@code FILES_INTERNAL_CONNECTIONS})
 * @param internalWaitMs how long a transfer may wait for one of those connections, then 503; below
 *     history-service's {@code FILE_GRANT_TTL_MS} (15 s), or its grant would expire while it waits
 *     ({@code FILES_INTERNAL_WAIT_MS})
 * @param uploadsPerUser uploads one user may have in progress on one gateway node; more are
 *     refused 429 before their body is read ({@code FILE_UPLOADS_PER_USER}, 10: a message's
 *     attachments, which the web page uploads all at once)
 */
public record FilesConfig(
    long linkTtlSeconds,
    int linksMax,
    long internalTimeoutMs,
    long uploadTimeoutMs,
    long refusedBodyReadMaxBytes,
    int internalConnections,
    long internalWaitMs,
    int uploadsPerUser) {

  /** Larger values of the two counts are a typo, not a plan: they would size pools and maps. */
  static final int COUNT_LIMIT = 100_000;

  public static FilesConfig from(Settings settings) {
    return new FilesConfig(
        positive(settings, "FILE_URL_TTL_SECONDS", 600),
        (int) positive(settings, "FILE_LINKS_MAX", 100),
        positive(settings, "FILES_INTERNAL_TIMEOUT_MS", 30_000),
        positive(settings, "FILE_UPLOAD_TIMEOUT_MS", 600_000),
        positive(settings, "FILE_REFUSED_BODY_READ_MAX_BYTES", 1024 * 1024),
        count(settings, "FILES_INTERNAL_CONNECTIONS", 50),
        positive(settings, "FILES_INTERNAL_WAIT_MS", 10_000),
        count(settings, "FILE_UPLOADS_PER_USER", 10));
  }

  private static int count(Settings settings, String name, int defaultValue) {
    int value = settings.integer(name, defaultValue);
    if (value < 1 || value > COUNT_LIMIT) {
      throw new IllegalArgumentException(name + " must be 1-" + COUNT_LIMIT + ", not " + value);
    }
    return value;
  }

  private static long positive(Settings settings, String name, long defaultValue) {
    long value = settings.longValue(name, defaultValue);
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1");
    }
    return value;
  }
}

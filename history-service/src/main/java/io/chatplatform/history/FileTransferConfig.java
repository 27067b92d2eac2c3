package io.chatplatform.history;

import io.chatplatform.runtime.Settings;

/**
 * How history-service moves file bytes and looks after them; each setting is named after its
 * environment variable. The limits of the files themselves are {@code files.FileConfig}.
 *
 * @param host interface of the internal files endpoint; keep it private ({@code FILES_INTERNAL_HOST})
 * @param port its port; 0 picks a free one ({@code FILES_INTERNAL_PORT})
 * @param advertisedHost the host gateways are told to reach it at, in the grants' URLs: this
 *     instance's address on the private network ({@code FILES_INTERNAL_ADVERTISED_HOST}; by default
 *     {@code FILES_INTERNAL_HOST}, which must then not be a wildcard address)
 * @param idleTimeoutMs a connection of the files endpoint that moves no byte this long is closed,
 *     and the upload on it discarded ({@code FILES_INTERNAL_IDLE_TIMEOUT_MS})
 * @param grantTtlMs how long an unused grant stays valid ({@code FILE_GRANT_TTL_MS})
 * @param grantsMax grants one instance holds unused at most; beyond, new ones are refused
 *     {@code unavailable} ({@code FILE_GRANTS_MAX})
 * @param chatTimeoutMs how long history-service waits for chat-service's membership answer
 *     before a grant is refused {@code unavailable} ({@code CHAT_TIMEOUT_MS})
 * @param sweepIntervalMs how often files no message owns are looked for ({@code FILE_SWEEP_INTERVAL_MS})
 * @param sweepBatch files deleted in one sweep at most ({@code FILE_SWEEP_BATCH})
 * @param tempDir where an image is copied while it is inspected ({@code FILES_TEMP_DIR}, the JVM's
 *     temporary directory by default)
 */
public record FileTransferConfig(
    String host,
    int port,
    String advertisedHost,
    long idleTimeoutMs,
    long grantTtlMs,
    int grantsMax,
    long chatTimeoutMs,
    long sweepIntervalMs,
    int sweepBatch,
    String tempDir) {

  public static FileTransferConfig from(Settings settings) {
    String host = settings.string("FILES_INTERNAL_HOST", "127.0.0.1");
    String advertised = settings.string("FILES_INTERNAL_ADVERTISED_HOST", host);
    if (advertised.equals("0.0.0.0") || advertised.equals("::") || advertised.equals("[::]")) {
      throw new IllegalArgumentException("FILES_INTERNAL_ADVERTISED_HOST must name this instance's address when FILES_INTERNAL_HOST is a wildcard");
    }
    return new FileTransferConfig(
        host,
        settings.integer("FILES_INTERNAL_PORT", 0),
        advertised,
        positive(settings, "FILES_INTERNAL_IDLE_TIMEOUT_MS", 30_000),
        positive(settings, "FILE_GRANT_TTL_MS", 15_000),
        (int) positive(settings, "FILE_GRANTS_MAX", 10_000),
        positive(settings, "CHAT_TIMEOUT_MS", 3_000),
        positive(settings, "FILE_SWEEP_INTERVAL_MS", 600_000),
        (int) positive(settings, "FILE_SWEEP_BATCH", 100),
        settings.string("FILES_TEMP_DIR", System.getProperty("java.io.tmpdir")));
  }

  private static long positive(Settings settings, String name, long defaultValue) {
    long value = settings.longValue(name, defaultValue);
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1");
    }
    return value;
  }
}

package io.chatplatform.history;

import io.chatplatform.history.files.FileConfig;
import io.chatplatform.runtime.MongoConfig;
import io.chatplatform.runtime.Settings;

/**
 * Settings of history-service.
 *
 * @param mongo its database
 * @param syncPageSize messages per room in one {@code chat.sync} answer ({@code HISTORY_SYNC_PAGE_SIZE})
 * @param maxPageSize the largest {@code limit} a history page may ask for ({@code HISTORY_MAX_PAGE_SIZE})
 * @param syncMaxReplyBytes most bytes of JSON in one {@code chat.sync} answer, all rooms together
 *     ({@code SYNC_MAX_REPLY_BYTES})
 * @param pageMaxBytes most bytes of JSON in one history page ({@code HISTORY_PAGE_MAX_BYTES})
 * @param appendMaxAttempts how often an append retries after another instance took the same
 *     {@code seq} before it answers {@code unavailable} ({@code HISTORY_APPEND_MAX_ATTEMPTS})
 * @param appendBatchMax most messages of one room written by one insert ({@code HISTORY_APPEND_BATCH_MAX})
 * @param appendQueueMax appends an instance holds waiting; more are refused at once with
 *     {@code unavailable} ({@code HISTORY_APPEND_QUEUE_MAX})
 * @param appendMaxWaitMs an append that waited this long is answered {@code unavailable} rather
 *     than written: its caller is about to give up ({@code HISTORY_APPEND_MAX_WAIT_MS})
 * @param seqCacheRooms rooms whose last {@code seq} is remembered in memory ({@code HISTORY_SEQ_CACHE_ROOMS})
 * @param unreadScanMax unread messages per room whose sender is checked when counting unread;
 *     older ones count unchecked ({@code HISTORY_UNREAD_SCAN_MAX})
 * @param files limits of uploaded files, read here so that a wrong one stops the service at start-up
 * @param transfer the files endpoint, grants and the sweep ({@link FileTransferConfig})
 * @param deliveredIndex where the push decision's index of delivered watermarks lives ({@link DeliveredIndexConfig})
 * @param search message search ({@link SearchConfig})
 * @param changeInFlightMaxMs how long a numbered edit, delete or reaction that was never settled
 *     (its instance died between numbering and writing it) holds back the room's changes in
 *     {@code chat.sync} ({@code HISTORY_CHANGE_IN_FLIGHT_MAX_MS})
 */
public record HistoryConfig(
    MongoConfig mongo, int syncPageSize, int maxPageSize,
    int syncMaxReplyBytes,
    int pageMaxBytes,
    int appendMaxAttempts, int appendBatchMax,
    int appendQueueMax,
    long appendMaxWaitMs,
    int seqCacheRooms,
    int unreadScanMax,
    FileConfig files,
    FileTransferConfig transfer,
    DeliveredIndexConfig deliveredIndex,
    SearchConfig search,
    long changeInFlightMaxMs) {

  public static HistoryConfig from(Settings settings) {
    return new HistoryConfig(
        MongoConfig.from(settings),
        settings.integer("HISTORY_SYNC_PAGE_SIZE", 100),
        settings.integer("HISTORY_MAX_PAGE_SIZE", 100),
        // Half the gateway's SOCKET_WRITE_QUEUE_MAX_BYTES (512 KiB): one answer never fills a socket's queue alone.
        positive(settings, "SYNC_MAX_REPLY_BYTES", 256 * 1024),
        positive(settings, "HISTORY_PAGE_MAX_BYTES", 1024 * 1024),
        settings.integer("HISTORY_APPEND_MAX_ATTEMPTS", 50),
        settings.integer("HISTORY_APPEND_BATCH_MAX", 100),
        settings.integer("HISTORY_APPEND_QUEUE_MAX", 5_000),
        settings.longValue("HISTORY_APPEND_MAX_WAIT_MS", 3_000),
        settings.integer("HISTORY_SEQ_CACHE_ROOMS", 100_000),
        settings.integer("HISTORY_UNREAD_SCAN_MAX", 1_000),
        FileConfig.from(settings),
        FileTransferConfig.from(settings),
        DeliveredIndexConfig.from(settings),
        SearchConfig.from(settings),
        // Far above a change's two writes (numbering, then the message), below what a waiting client notices.
        positive(settings, "HISTORY_CHANGE_IN_FLIGHT_MAX_MS", 10_000));
  }

  private static int positive(Settings settings, String name, int defaultValue) {
    int value = settings.integer(name, defaultValue);
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1");
    }
    return value;
  }
}

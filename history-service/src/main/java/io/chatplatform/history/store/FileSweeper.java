package io.chatplatform.history.store;

import io.chatplatform.contracts.history.FileInfo;
import io.chatplatform.contracts.history.Message;
import io.chatplatform.history.storage.FileStorage;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes files no message owns once they are {@code ORPHAN_FILE_HOURS} old: uploads never
 * attached, uploads a crash cut off, and claims of sends that were never stored. At most
 * {@code FILE_SWEEP_BATCH} files a run, one after the other, so a backlog costs many short runs,
 * not one long one. Several instances may sweep at once: each decision is a conditional update.
 *
 * <p>A file is deleted in three steps, each safe to repeat: its record is marked
 * {@link FileRecord#DELETING} (only if still unowned and claimed as seen: a send that claimed it
 * meanwhile wins), its storage objects are deleted, then its record. A crash between them leaves a
 * record marked deleting, which the next run finishes.
 */
public final class FileSweeper {
  private static final Logger LOG = LoggerFactory.getLogger(FileSweeper.class);

  private final FileCatalog catalog;
  private final MessageStore messages;
  private final FileStorage storage;
  private final Duration orphanAge;
  private final int batch;
  private final LongSupplier clock;

  public FileSweeper(FileCatalog catalog, MessageStore messages, FileStorage storage, Duration orphanAge, int batch, LongSupplier clock) {
    this.catalog = catalog;
    this.messages = messages;
    this.storage = storage;
    this.orphanAge = orphanAge;
    this.batch = batch;
    this.clock = clock;
  }

  /** One run; completes with the number of files deleted. */
  public Future<Integer> sweep() {
    return catalog.unowned(clock.getAsLong() - orphanAge.toMillis(), batch).compose(files -> {
      Future<Integer> deleted = Future.succeededFuture(0);
      for (FileRecord file : files) {
        deleted = deleted.compose(n -> settle(file).map(gone -> gone ? n + 1 : n));
      }
      return deleted;
    }).onSuccess(n -> {
      if (n > 0) {
        LOG.info("deleted {} files no message owns", n);
      }
    });
  }

  /** Confirms a file its claiming message stored, else deletes it; true when deleted. */
  private Future<Boolean> settle(FileRecord file) {
    if (file.attachedTo() == null || FileRecord.DELETING.equals(file.state())) {
      return delete(file);
    }
    return messages.storedUnder(file.attachedTo()).compose(message -> {
      if (message != null && lists(message, file.fileId())) {
        return catalog.confirm(List.of(file.fileId()), file.attachedTo(), message.messageId()).map(false);
      }
      return delete(file);
    });
  }

  private static boolean lists(Message message, String fileId) {
    return message.attachments().stream().map(FileInfo::fileId).anyMatch(fileId::equals);
  }

  /**
   * Deletes the files of a deleted message. The hook for moderation (issue 17): deleting a message
   * must call this after the message is marked deleted; a crash between leaves the files, and the
   * call may be repeated.
   */
  public Future<Integer> deleteFilesOf(String messageId) {
    return catalog.ownedBy(messageId).compose(files -> {
      Future<Integer> deleted = Future.succeededFuture(0);
      for (FileRecord file : files) {
        deleted = deleted.compose(n -> delete(file).map(gone -> gone ? n + 1 : n));
      }
      return deleted;
    });
  }

  /** Deletes a file unless it was claimed or attached since it was read. */
  private Future<Boolean> delete(FileRecord file) {
    Future<Boolean> marked = FileRecord.DELETING.equals(file.state()) ? Future.succeededFuture(true) : catalog.markDeleting(file);
    return marked.compose(mine -> {
      if (!mine) {
        return Future.succeededFuture(false);
      }
      Future<Void> objects = storage.delete(file.storageId());
      if (file.thumbnailId() != null) {
        objects = objects.compose(x -> storage.delete(file.thumbnailId()));
      }
      return objects.compose(x -> catalog.remove(file.fileId())).map(true);
    });
  }
}

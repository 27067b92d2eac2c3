package io.chatplatform.history.store;

import io.chatplatform.contracts.history.FileInfo;
import io.vertx.core.json.JsonObject;

/**
 * What history-service knows of one upload (a document of {@code files}). Its bytes are the
 * storage object {@code storageId}; an image's thumbnail is the object {@code thumbnailId}.
 *
 * @param state {@link #UPLOADING} while its bytes stream in ({@code size} is then what it
 *     reserves of the quota), {@link #READY} once stored and checked, {@link #DELETING} once the
 *     sweep decided to delete it (nothing may attach it any more)
 * @param attachedTo null, or the idempotency key ({@code clientKey}) of the message that claimed
 *     it: a retry of that send claims it again, anything else is refused
 * @param messageId set once that message is stored: the file belongs to it for good
 * @param createdAt when the upload began (epoch ms)
 */
public record FileRecord(
    String fileId,
    String state,
    String roomId,
    String uploaderId,
    String name,
    long size,
    String contentType,
    Integer width,
    Integer height,
    String storageId,
    String thumbnailId,
    long thumbnailSize,
    String thumbnailType,
    long createdAt,
    String attachedTo,
    String messageId) {

  public static final String UPLOADING = "uploading";
  public static final String READY = "ready";
  public static final String DELETING = "deleting";

  public boolean ready() {
    return READY.equals(state);
  }

  /** The client's view, as in an upload's answer and a message's attachments. */
  public FileInfo info() {
    return new FileInfo(fileId, name, size, contentType, width, height);
  }

  static FileRecord read(JsonObject doc) {
    return new FileRecord(
        doc.getString("_id"),
        doc.getString("state"),
        doc.getString("roomId"),
        doc.getString("uploaderId"),
        doc.getString("name"),
        doc.getLong("size", 0L),
        doc.getString("contentType"),
        doc.getInteger("width"),
        doc.getInteger("height"),
        doc.getString("storageId"),
        doc.getString("thumbnailId"),
        doc.getLong("thumbnailSize", 0L),
        doc.getString("thumbnailType"),
        doc.getLong("createdAt", 0L),
        doc.getString("attachedTo"),
        doc.getString("messageId"));
  }
}

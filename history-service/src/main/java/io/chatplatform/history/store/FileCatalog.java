package io.chatplatform.history.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The {@code files} collection: one {@link FileRecord} per upload, {@code _id = fileId}. Every
 * change that decides something is one conditional update of one document (atomic on every
 * MongoDB, the embedded one too): a claim moves {@code attachedTo} from null to a message's key,
 * the sweep moves {@code state} from ready (and unclaimed) to deleting, so the two never both win.
 */
public final class FileCatalog {
  static final String FILES = "files";

  private final MongoClient mongo;

  public FileCatalog(MongoClient mongo) {
    this.mongo = mongo;
  }

  /** Indexes real MongoDB uses for the quota sum and the sweep (the embedded store scans instead). */
  public Future<Void> createIndexes() {
    return Future.all(
            mongo.createIndexWithOptions(FILES, new JsonObject().put("uploaderId", 1), new IndexOptions().name("uploaderId_1")),
            mongo.createIndexWithOptions(FILES, new JsonObject().put("messageId", 1).put("createdAt", 1),
                new IndexOptions().name("messageId_1_createdAt_1")))
        .mapEmpty();
  }

  /** Records an upload that is about to stream in, reserving {@code reservedBytes} of its uploader's quota. */
  public Future<Void> reserve(String fileId, String roomId, String uploaderId, String storageId, long reservedBytes, long now) {
    return mongo.insert(FILES, new JsonObject()
            .put("_id", fileId)
            .put("state", FileRecord.UPLOADING)
            .put("roomId", roomId)
            .put("uploaderId", uploaderId)
            .put("size", reservedBytes)
            .put("storageId", storageId)
            .put("createdAt", now)
            .putNull("attachedTo")
            .putNull("messageId"))
        .mapEmpty();
  }

  /** Bytes the user holds: stored files, and what uploads in progress reserve. */
  public Future<Long> usedBytes(String uploaderId) {
    JsonArray pipeline = new JsonArray()
        .add(new JsonObject().put("$match", new JsonObject().put("uploaderId", uploaderId)))
        .add(new JsonObject().put("$group", new JsonObject().putNull("_id").put("bytes", new JsonObject().put("$sum", "$size"))));
    Promise<Long> sum = Promise.promise();
    long[] bytes = {0};
    mongo.aggregate(FILES, pipeline)
        .exceptionHandler(sum::tryFail)
        .endHandler(x -> sum.tryComplete(bytes[0]))
        .handler(doc -> bytes[0] += doc.getLong("bytes", 0L));
    return sum.future();
  }

  /** The upload is stored and checked: it may be downloaded and attached from now on. */
  public Future<FileRecord> complete(FileRecord done) {
    JsonObject set = new JsonObject()
        .put("state", FileRecord.READY)
        .put("name", done.name())
        .put("size", done.size())
        .put("contentType", done.contentType())
        .put("width", done.width())
        .put("height", done.height())
        .put("thumbnailId", done.thumbnailId())
        .put("thumbnailSize", done.thumbnailSize())
        .put("thumbnailType", done.thumbnailType());
    return mongo.updateCollection(FILES, new JsonObject().put("_id", done.fileId()).put("state", FileRecord.UPLOADING),
            new JsonObject().put("$set", set))
        .map(done);
  }

  public Future<FileRecord> find(String fileId) {
    return mongo.findOne(FILES, new JsonObject().put("_id", fileId), null).map(doc -> doc == null ? null : FileRecord.read(doc));
  }

  /** The records of the ids that exist, by id. */
  public Future<Map<String, FileRecord>> findAll(List<String> fileIds) {
    return mongo.find(FILES, new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(fileIds))))
        .map(docs -> docs.stream().map(FileRecord::read).collect(Collectors.toMap(FileRecord::fileId, Function.identity())));
  }

  public Future<Void> remove(String fileId) {
    return mongo.removeDocument(FILES, new JsonObject().put("_id", fileId)).mapEmpty();
  }

  /**
   * Claims a file for the message with {@code clientKey}: only a ready file of that room and
   * uploader that nothing claimed yet. True when this call claimed it (false also when that
   * message's earlier attempt already had).
   */
  public Future<Boolean> claim(String fileId, String roomId, String uploaderId, String clientKey) {
    JsonObject unclaimed = new JsonObject()
        .put("_id", fileId).put("roomId", roomId).put("uploaderId", uploaderId)
        .put("state", FileRecord.READY).putNull("attachedTo");
    return mongo.updateCollection(FILES, unclaimed, new JsonObject().put("$set", new JsonObject().put("attachedTo", clientKey)))
        .map(result -> result.getDocModified() == 1);
  }

  /** Gives back a claim of {@code clientKey} whose message was not stored (it was refused). */
  public Future<Void> release(String fileId, String clientKey) {
    return mongo.updateCollection(FILES,
            new JsonObject().put("_id", fileId).put("attachedTo", clientKey).putNull("messageId"),
            new JsonObject().put("$set", new JsonObject().putNull("attachedTo")))
        .mapEmpty();
  }

  /** The message with {@code clientKey} is stored as {@code messageId}: its claimed files are its for good. */
  public Future<Void> confirm(List<String> fileIds, String clientKey, String messageId) {
    if (fileIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return mongo.updateCollectionWithOptions(FILES,
            new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(fileIds))).put("attachedTo", clientKey),
            new JsonObject().put("$set", new JsonObject().put("messageId", messageId)),
            new UpdateOptions().setMulti(true))
        .mapEmpty();
  }

  /** Up to {@code limit} files that no stored message owns and that began before {@code before}. */
  public Future<List<FileRecord>> unowned(long before, int limit) {
    JsonObject query = new JsonObject().putNull("messageId").put("createdAt", new JsonObject().put("$lt", before));
    return mongo.findWithOptions(FILES, query, new FindOptions().setLimit(limit))
        .map(docs -> docs.stream().map(FileRecord::read).toList());
  }

  /** The files a stored message owns. */
  public Future<List<FileRecord>> ownedBy(String messageId) {
    return mongo.find(FILES, new JsonObject().put("messageId", messageId)).map(docs -> docs.stream().map(FileRecord::read).toList());
  }

  /**
   * Marks a file for deletion if it is still owned and claimed as it was seen ({@code messageId},
   * {@code attachedTo}). False when a send claimed it meanwhile.
   */
  public Future<Boolean> markDeleting(FileRecord seen) {
    JsonObject unchanged = new JsonObject().put("_id", seen.fileId()).put("messageId", seen.messageId()).put("attachedTo", seen.attachedTo());
    return mongo.updateCollection(FILES, unchanged, new JsonObject().put("$set", new JsonObject().put("state", FileRecord.DELETING)))
        .map(result -> result.getDocMatched() == 1);
  }
}

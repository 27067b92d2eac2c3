package io.chatplatform.history.storage;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.mongo.MongoClient;
import java.time.Instant;
import org.bson.types.ObjectId;

/**
 * Objects in MongoDB GridFS: the standard layout ({@code fs.files} with {@code length},
 * {@code chunkSize}, {@code uploadDate}, {@code filename}; {@code fs.chunks} with {@code files_id},
 * {@code n}, {@code data}), so {@code mongofiles} and every driver's GridFS reader, vertx-mongo-client's
 * {@code MongoGridFsClient} included, read what is written here (GridFsStorageTest checks that one).
 * Each chunk's {@code _id} is {@code "<object id>:<n>"}, where the specification suggests an ObjectId:
 * drivers never read a chunk's {@code _id}, and this one lets every read and delete find its chunks
 * by {@code _id}, a point look-up everywhere.
 *
 * <p>Why not write and read through {@code MongoGridFsClient} itself (measured on the embedded store,
 * docs/architecture.md, "Files"): its upload reads its source ahead of the stored chunks without
 * bound (the driver inserts up to 256 chunks at once: a 25 MiB upload was read entirely before its
 * chunks were stored, so the heap holds the file); an upload whose source fails leaves chunks behind
 * (inserts still in flight land after the driver's clean-up); it cannot read a range; and it finds
 * chunks by {@code files_id} and {@code n}, an index the embedded store ignores, so every download
 * there scans every chunk of every file. Here one chunk is written at a time while the source waits,
 * a failed write deletes exactly the chunks it wrote once none is in flight, and a range reads only
 * its chunks.
 */
public final class GridFsStorage implements FileStorage {
  /** The GridFS default bucket, so tools find the files without being told. */
  public static final String BUCKET = "fs";
  static final String FILES = BUCKET + ".files";
  static final String CHUNKS = BUCKET + ".chunks";
  /** GridFS's default chunk size (255 KiB): under MongoDB's 16 MiB document limit with room, and few round trips. */
  public static final int DEFAULT_CHUNK_SIZE = 255 * 1024;

  private final MongoClient mongo;
  private final int chunkSize;

  public GridFsStorage(MongoClient mongo) {
    this(mongo, DEFAULT_CHUNK_SIZE);
  }

  GridFsStorage(MongoClient mongo, int chunkSize) {
    this.mongo = mongo;
    this.chunkSize = chunkSize;
  }

  /** The index real MongoDB needs for a driver's reads; this class finds chunks by {@code _id}. */
  public Future<Void> createIndexes() {
    return mongo.createIndex(CHUNKS, new JsonObject().put("files_id", 1).put("n", 1)).mapEmpty();
  }

  @Override
  public String newKey() {
    return new ObjectId().toHexString();
  }

  @Override
  public Future<Long> write(String key, ReadStream<Buffer> bytes) {
    return new Writer(key, bytes).start();
  }

  @Override
  public ReadStream<Buffer> read(String key, long offset, long length) {
    return new ChunkReader(key, offset, offset + length);
  }

  @Override
  public Future<Void> delete(String key) {
    JsonObject id = objectId(key);
    return mongo.findOne(FILES, new JsonObject().put("_id", id), null)
        .compose(file -> {
          // A finished object names its chunks; one whose write died midway is found by files_id.
          JsonObject chunks = file == null
              ? new JsonObject().put("files_id", id)
              : new JsonObject().put("_id", new JsonObject().put("$in", chunkIds(key, chunkCount(file.getLong("length", 0L), file.getInteger("chunkSize", chunkSize)))));
          return mongo.removeDocuments(CHUNKS, chunks);
        })
        .compose(x -> mongo.removeDocument(FILES, new JsonObject().put("_id", id)))
        .mapEmpty();
  }

  private static JsonObject objectId(String key) {
    return new JsonObject().put("$oid", key);
  }

  static String chunkId(String key, long n) {
    return key + ":" + n;
  }

  private static JsonArray chunkIds(String key, long count) {
    JsonArray ids = new JsonArray();
    for (long n = 0; n < count; n++) {
      ids.add(chunkId(key, n));
    }
    return ids;
  }

  private static long chunkCount(long length, int chunkSize) {
    return (length + chunkSize - 1) / chunkSize;
  }

  /** One object being written: the source is paused while a chunk is stored, so at most two chunks are held. */
  private final class Writer {
    private final String key;
    private final ReadStream<Buffer> source;
    private final Promise<Long> done = Promise.promise();
    private Buffer pending = Buffer.buffer();
    private long length;
    private int chunks;
    /** The chunk inserts so far, one after the other; never fails (a failure is kept in {@link #failure}). */
    private Future<Void> stored = Future.succeededFuture();
    private Throwable failure;

    Writer(String key, ReadStream<Buffer> source) {
      this.key = key;
      this.source = source;
    }

    Future<Long> start() {
      source.exceptionHandler(this::fail);
      source.endHandler(x -> finish());
      source.handler(this::take);
      source.resume();
      return done.future();
    }

    private void take(Buffer data) {
      if (failure != null) {
        return;
      }
      length += data.length();
      pending.appendBuffer(data);
      if (pending.length() >= chunkSize) {
        source.pause();
        while (pending.length() >= chunkSize) {
          storeChunk(pending.getBuffer(0, chunkSize));
          pending = pending.getBuffer(chunkSize, pending.length());
        }
        stored.onComplete(x -> {
          if (failure == null) {
            source.resume();
          }
        });
      }
    }

    private void storeChunk(Buffer data) {
      int n = chunks++;
      JsonObject chunk = new JsonObject()
          .put("_id", chunkId(key, n))
          .put("files_id", objectId(key))
          .put("n", n)
          .put("data", new JsonObject().put("$binary", data.getBytes()));
      stored = stored.compose(x -> failure != null ? Future.succeededFuture() : mongo.insert(CHUNKS, chunk).<Void>mapEmpty())
          .recover(e -> {
            fail(e);
            return Future.succeededFuture();
          });
    }

    private void finish() {
      if (failure != null) {
        return;
      }
      if (pending.length() > 0) {
        storeChunk(pending);
        pending = Buffer.buffer();
      }
      JsonObject file = new JsonObject()
          .put("_id", objectId(key))
          .put("length", length)
          .put("chunkSize", chunkSize)
          .put("uploadDate", new JsonObject().put("$date", Instant.now().toString()))
          .put("filename", key);
      stored.compose(x -> failure != null ? Future.failedFuture(failure) : mongo.insert(FILES, file))
          .onSuccess(x -> done.tryComplete(length))
          .onFailure(this::fail);
    }

    /** Stops reading, and once no insert is in flight deletes every chunk written. */
    private void fail(Throwable cause) {
      if (failure != null) {
        return;
      }
      failure = cause;
      pending = Buffer.buffer();
      source.pause();
      stored.compose(x -> mongo.removeDocuments(CHUNKS, new JsonObject().put("_id", new JsonObject().put("$in", chunkIds(key, chunks)))))
          .onComplete(x -> done.tryFail(cause));
    }
  }

  /**
   * A range of an object, read one chunk at a time as the reader's demand allows: a paused reader
   * (a slow client) stops the reads, and at most one chunk is held.
   */
  private final class ChunkReader implements ReadStream<Buffer> {
    private final String key;
    private long position;
    private final long end;
    private long demand = Long.MAX_VALUE;
    private boolean reading;
    /** A chunk read before the reader paused, delivered when it asks again. */
    private Buffer held;
    private boolean ended;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;

    ChunkReader(String key, long from, long end) {
      this.key = key;
      this.position = from;
      this.end = end;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      this.exceptionHandler = handler;
      return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
      this.handler = handler;
      pump();
      return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
      demand = 0;
      return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
      return fetch(Long.MAX_VALUE);
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
      demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
      pump();
      return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> handler) {
      this.endHandler = handler;
      pump();
      return this;
    }

    private void pump() {
      if (reading || ended || handler == null || demand <= 0) {
        return;
      }
      if (held != null) {
        Buffer slice = held;
        held = null;
        deliver(slice);
        return;
      }
      if (position >= end) {
        ended = true;
        if (endHandler != null) {
          endHandler.handle(null);
        }
        return;
      }
      reading = true;
      long n = position / chunkSize;
      mongo.findOne(CHUNKS, new JsonObject().put("_id", chunkId(key, n)), new JsonObject().put("data", 1))
          .onComplete(read -> {
            reading = false;
            Buffer data = read.succeeded() && read.result() != null ? bytes(read.result()) : null;
            long within = position - n * chunkSize;
            if (data == null || data.length() <= within) {
              ended = true;
              Throwable cause = read.failed() ? read.cause() : new IllegalStateException("object " + key + " has no chunk " + n);
              if (exceptionHandler != null) {
                exceptionHandler.handle(cause);
              }
              return;
            }
            Buffer slice = data.getBuffer((int) within, (int) Math.min(data.length(), within + end - position));
            position += slice.length();
            if (demand > 0) {
              deliver(slice);
            } else {
              held = slice;
            }
          });
    }

    private void deliver(Buffer slice) {
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      handler.handle(slice);
      pump();
    }

    private Buffer bytes(JsonObject chunk) {
      JsonObject data = chunk.getJsonObject("data");
      return data == null ? null : Buffer.buffer(data.getBinary("$binary"));
    }
  }
}

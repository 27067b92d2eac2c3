package io.chatplatform.history.storage;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Where file bytes live, behind the smallest interface a store of objects needs: a stream in, a
 * stream (or a range of it) out, and delete. GridFS is the one implementation ({@link GridFsStorage});
 * an S3-compatible store fits the same four calls (multipart upload, ranged GET, DELETE).
 *
 * <p>Called on one event loop (the verticle's). Nothing here knows what a file is for: names,
 * types, rooms and quotas are the catalog's.
 */
public interface FileStorage {
  /** A fresh key to write an object under. */
  String newKey();

  /**
   * Reads {@code bytes} to its end and stores them under {@code key}, reading no faster than the
   * store writes (back-pressure). Completes with the number of bytes stored. When the stream fails
   * (too large, the client went away) or the store does, it fails with that cause and nothing of
   * the object is kept.
   */
  Future<Long> write(String key, ReadStream<Buffer> bytes);

  /** {@link #write(String, ReadStream)} of bytes already in memory (a thumbnail). */
  default Future<Long> write(String key, Buffer bytes) {
    return write(key, new BufferStream(bytes));
  }

  /**
   * {@code length} bytes of the object from {@code offset}, streamed as the reader asks for them.
   * The caller knows the object's size (it stored it) and asks only within it.
   */
  ReadStream<Buffer> read(String key, long offset, long length);

  /** Deletes the object; succeeds as well when there is none (a retry, or a write that never finished). */
  Future<Void> delete(String key);
}

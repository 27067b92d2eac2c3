package io.chatplatform.history.storage;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/** A buffer already in memory (a thumbnail), as a stream that ends after it. */
final class BufferStream implements ReadStream<Buffer> {
  private Buffer bytes;
  private boolean paused = true;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;

  BufferStream(Buffer bytes) {
    this.bytes = bytes;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    this.handler = handler;
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    paused = true;
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    paused = false;
    if (bytes != null && handler != null) {
      Buffer all = bytes;
      bytes = null;
      handler.handle(all);
    }
    if (!paused && bytes == null && endHandler != null) {
      Handler<Void> end = endHandler;
      endHandler = null;
      end.handle(null);
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    return resume();
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> handler) {
    this.endHandler = handler;
    return this;
  }
}

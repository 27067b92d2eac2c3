package io.chatplatform.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * Collects a response body up to a limit: past it nothing more is kept and every write fails, so
 * a response of any size costs at most {@code maxBytes} of memory.
 */
final class BoundedBody implements WriteStream<Buffer> {
  private final int maxBytes;
  private final Buffer data = Buffer.buffer();
  private boolean exceeded;

  BoundedBody(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Whether the body was larger than the limit (what was kept is then incomplete). */
  boolean exceeded() {
    return exceeded;
  }

  Buffer data() {
    return data;
  }

  @Override
  public Future<Void> write(Buffer chunk) {
    if (exceeded || data.length() + chunk.length() > maxBytes) {
      exceeded = true;
      return Future.failedFuture("body larger than " + maxBytes + " bytes");
    }
    data.appendBuffer(chunk);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> end() {
    return exceeded ? Future.failedFuture("body larger than " + maxBytes + " bytes") : Future.succeededFuture();
  }

  @Override
  public BoundedBody exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public BoundedBody setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return false;
  }

  @Override
  public BoundedBody drainHandler(Handler<Void> handler) {
    return this;
  }
}

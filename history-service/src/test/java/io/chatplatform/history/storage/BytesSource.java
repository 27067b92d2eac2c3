package io.chatplatform.history.storage;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Bytes delivered as a network stream delivers them: in pieces, on its context, only while there
 * is demand; optionally failing once {@code failAfter} bytes have gone out (a client that went
 * away, an upload cut off as too large).
 */
final class BytesSource implements ReadStream<Buffer> {
  static final int PIECE = 16 * 1024;

  private final Context context;
  private final byte[] bytes;
  private final long failAfter;
  private int sent;
  private long demand;
  private boolean done;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  BytesSource(Context context, byte[] bytes, long failAfter) {
    this.context = context;
    this.bytes = bytes;
    this.failAfter = failAfter;
  }

  BytesSource(Context context, byte[] bytes) {
    this(context, bytes, Long.MAX_VALUE);
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    this.handler = handler;
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
    context.runOnContext(x -> deliver());
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> handler) {
    endHandler = handler;
    return this;
  }

  private void deliver() {
    while (!done && demand > 0 && handler != null) {
      if (sent >= failAfter) {
        done = true;
        exceptionHandler.handle(new IllegalStateException("the source failed after " + sent + " bytes"));
        return;
      }
      if (sent == bytes.length) {
        done = true;
        endHandler.handle(null);
        return;
      }
      int length = Math.min(PIECE, bytes.length - sent);
      Buffer piece = Buffer.buffer().appendBytes(bytes, sent, length);
      sent += length;
      demand--;
      handler.handle(piece);
    }
  }
}

package io.chatplatform.history.bus;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.ReadStream;

/**
 * An upload's body: first its head, read alone so its type can be checked before anything is
 * stored ({@link #head}); then, as a stream, that head again and the rest, as the reader asks for
 * it (the request is paused while the reader is). The stream fails with {@link TooLarge} as soon
 * as more than {@code limit} bytes came, having passed on no more than the limit; the request is
 * then read no further.
 */
final class UploadBody implements ReadStream<Buffer> {
  /** More bytes came than the upload may have. */
  static final class TooLarge extends RuntimeException {
    TooLarge(long limit) {
      super("more than " + limit + " bytes", null, false, false);
    }
  }

  private final HttpServerRequest request;
  private final long limit;
  private Buffer held = Buffer.buffer();
  private long received;
  private boolean ended;
  private boolean endDelivered;
  private boolean paused = true;
  private Throwable failure;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  UploadBody(HttpServerRequest request, long limit) {
    this.request = request;
    this.limit = limit;
  }

  /** Bytes of the body received so far. */
  long received() {
    return received;
  }

  /** Reads until {@code bytes} came (or the body ended) and pauses; completes with what came. */
  Future<Buffer> head(int bytes) {
    Promise<Buffer> head = Promise.promise();
    request.handler(data -> {
      if (count(data)) {
        held.appendBuffer(data);
        if (held.length() >= bytes) {
          request.pause();
          head.tryComplete(held);
        }
      } else {
        head.tryFail(failure);
      }
    });
    request.endHandler(x -> {
      ended = true;
      head.tryComplete(held);
    });
    request.exceptionHandler(e -> {
      fail(e);
      head.tryFail(e);
    });
    request.resume();
    return head.future();
  }

  /** Counts what came; false (and failed) past the limit. */
  private boolean count(Buffer data) {
    received += data.length();
    if (received > limit) {
      request.pause();
      fail(new TooLarge(limit));
      return false;
    }
    return true;
  }

  private void fail(Throwable cause) {
    if (failure == null) {
      failure = cause;
      if (exceptionHandler != null) {
        exceptionHandler.handle(cause);
      }
    }
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    this.handler = handler;
    if (ended) {
      // All of it came with the head; the request takes no handlers any more.
      return this;
    }
    request.handler(data -> {
      if (count(data)) {
        this.handler.handle(data);
      }
    });
    request.endHandler(x -> {
      ended = true;
      if (!paused) {
        end();
      }
    });
    request.exceptionHandler(this::fail);
    return this;
  }

  private void end() {
    if (failure == null && !endDelivered) {
      endDelivered = true;
      if (endHandler != null) {
        endHandler.handle(null);
      }
    }
  }

  @Override
  public ReadStream<Buffer> pause() {
    paused = true;
    request.pause();
    return this;
  }

  /** The held head first; then the request, unless the reader paused again meanwhile. */
  @Override
  public ReadStream<Buffer> resume() {
    paused = false;
    if (failure != null) {
      return this;
    }
    if (held != null) {
      Buffer head = held;
      held = null;
      if (head.length() > 0) {
        handler.handle(head);
      }
    }
    if (paused) {
      return this;
    }
    if (ended) {
      end();
    } else {
      request.resume();
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

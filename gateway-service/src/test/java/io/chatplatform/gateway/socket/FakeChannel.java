package io.chatplatform.gateway.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A client connection in memory: it keeps every frame the server writes and how the server
 * closed it, and lets a test send frames, hang up or fail the transport. Driven on the node's
 * event loop ({@link SocketNode#onLoop}); read from the test thread.
 */
class FakeChannel implements ClientChannel {
  private final String uri;
  private final BlockingQueue<String> written = new LinkedBlockingQueue<>();
  /** The close code the server chose, once it closed the channel. */
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  volatile String closeReason;
  volatile boolean paused;
  volatile boolean resumed;
  volatile boolean writeQueueFull;
  /** The client hung up and the transport knows, before the server's close handler ran: as Vert.x's WebSocket, it then throws on writeQueueFull. */
  volatile boolean closedByClient;
  volatile int writeQueueMaxSize;
  private Handler<Buffer> messages;
  private Handler<Void> closeHandler;
  private Handler<Throwable> exceptionHandler;

  FakeChannel(String uri) {
    this.uri = uri;
  }

  /** The next frame the server wrote, as text; fails when none comes within 20 s. */
  String nextFrame() throws InterruptedException {
    String frame = written.poll(20, TimeUnit.SECONDS);
    if (frame == null) {
      throw new AssertionError("no frame within 20 s");
    }
    return frame;
  }

  /** Frames written and not yet taken by {@link #nextFrame}. */
  int framesWaiting() {
    return written.size();
  }

  /** The close code, waiting up to 20 s for it. */
  int closeCode() throws Exception {
    return closed.get(20, TimeUnit.SECONDS);
  }

  /** Asserts that the server closed the channel (waiting up to 20 s) with {@code code} and {@code reason}. */
  void assertClosedWith(int code, String reason) throws Exception {
    assertThat(closeCode()).as("close code").isEqualTo(code);
    assertThat(closeReason).as("close reason").isEqualTo(reason);
  }

  /** The client sends a frame (on the event loop). */
  void send(String frame) {
    messages.handle(Buffer.buffer(frame));
  }

  /** The connection is gone (on the event loop). */
  void hangUp() {
    closeHandler.handle(null);
  }

  /** The transport fails (on the event loop). */
  void fail(Throwable failure) {
    exceptionHandler.handle(failure);
  }

  @Override
  public String uri() {
    return uri;
  }

  @Override
  public String transport() {
    return io.chatplatform.gateway.GatewayMetrics.WEBSOCKET;
  }

  @Override
  public Future<Void> write(Buffer frame) {
    written.add(frame.toString());
    return Future.succeededFuture();
  }

  @Override
  public boolean writeQueueFull() {
    if (closedByClient) {
      throw new IllegalStateException("WebSocket is closed");
    }
    return writeQueueFull;
  }

  @Override
  public boolean isClosed() {
    return closedByClient;
  }

  @Override
  public void close(int code, String reason) {
    if (!closed.isDone()) {
      closeReason = reason;
      closed.complete(code);
    }
  }

  @Override
  public void pause() {
    paused = true;
  }

  @Override
  public void resume() {
    resumed = true;
  }

  @Override
  public void messageHandler(Handler<Buffer> handler) {
    messages = handler;
  }

  @Override
  public void closeHandler(Handler<Void> handler) {
    closeHandler = handler;
  }

  @Override
  public void exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
  }

  @Override
  public void writeQueueMaxSize(int bytes) {
    writeQueueMaxSize = bytes;
  }
}

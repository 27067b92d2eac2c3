package io.chatplatform.gateway.web;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.List;

/**
 * Vert.x's HTTP/1.x request decoder, refusing every request whose length a proxy in front could
 * read differently (request smuggling): a {@code Transfer-Encoding} other than exactly one
 * {@code chunked}, {@code Transfer-Encoding} beside {@code Content-Length}, and any header line
 * folded onto the one before it (obs-fold, RFC 9112 5.2). Netty alone would take the
 * {@code Content-Length} of {@code Transfer-Encoding: xchunked}, drop the {@code Content-Length}
 * beside {@code chunked}, and join a folded line to the previous header. Several or malformed
 * {@code Content-Length} values Netty refuses itself.
 *
 * <p>A refused request reaches Vert.x as a request that failed decoding: it answers 400 and
 * closes the connection, and nothing after it on the connection is read.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
  private final HeadScanner head = new HeadScanner();
  /** Bytes from the reader index on that {@link #head} has seen. */
  private int scanned;
  private boolean refused;

  /** True while a read is being decoded and its requests handed on, in the same call. */
  private boolean reading;

  StrictRequestDecoder(HttpServerOptions options) {
    super(options);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    reading = true;
    try {
      super.channelRead(ctx, msg);
    } finally {
      reading = false;
    }
  }

  /**
   * Whether the request being handled now was handed on by this decoder in this very call (not
   * queued by Vert.x behind an earlier response and handled later): only then are the bytes that
   * followed it still in this decoder, so that a WebSocket taking the connection over here gets
   * them (the gateway's {@code LeanWebSocket}).
   */
  static boolean handingOnRequest(ChannelPipeline pipeline) {
    return pipeline.get("httpDecoder") instanceof StrictRequestDecoder decoder && decoder.reading;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (refused) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int start = in.readerIndex();
    // Netty's header parser consumes whole lines only, so every line of a head is seen here
    // before it is parsed, whichever reads it arrived in.
    if (head.foldedLine(in, start + scanned, in.writerIndex())) {
      refused = true;
      in.skipBytes(in.readableBytes());
      DefaultHttpRequest invalid = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/bad-request");
      invalid.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("obs-fold: a header line starts with whitespace")));
      out.add(invalid);
      return;
    }
    scanned = in.writerIndex() - start;
    int before = out.size();
    super.decode(ctx, in, out);
    scanned = Math.max(0, scanned - (in.readerIndex() - start));
    for (int i = before; i < out.size(); i++) {
      if (out.get(i) instanceof LastHttpContent) {
        // The decoder returns right after a request's end: what follows is the next head.
        head.reset();
        scanned = 0;
      }
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (!refused) {
      super.decodeLast(ctx, in, out);
    }
  }

  /** Called once a request's headers are parsed, before its framing is decided: a throw makes it invalid. */
  @Override
  protected boolean isContentAlwaysEmpty(HttpMessage message) {
    if (message != null) {
      List<String> encodings = message.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
      if (!encodings.isEmpty()) {
        if (encodings.size() != 1 || !encodings.get(0).trim().equalsIgnoreCase("chunked")) {
          throw new IllegalArgumentException("Transfer-Encoding other than chunked");
        }
        if (message.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
          throw new IllegalArgumentException("Transfer-Encoding and Content-Length together");
        }
      }
    }
    return super.isContentAlwaysEmpty(message);
  }

  /**
   * Finds a line of a request head that starts with a space or tab, across reads: the bytes of one
   * head are fed in order, each once, until its empty line.
   */
  static final class HeadScanner {
    private boolean started;
    private boolean atLineStart;
    private boolean done;

    /** Feeds bytes {@code from} to {@code to} of {@code buf}; true when they hold a folded line. */
    boolean foldedLine(ByteBuf buf, int from, int to) {
      for (int i = from; i < to && !done; i++) {
        byte b = buf.getByte(i);
        if (!started) {
          // Netty skips control characters and whitespace before the request line.
          started = b > ' ';
        } else if (atLineStart) {
          if (b == ' ' || b == '\t') {
            return true;
          }
          done = b == '\r' || b == '\n';
          atLineStart = false;
        } else if (b == '\n') {
          atLineStart = true;
        }
      }
      return false;
    }

    void reset() {
      started = false;
      atLineStart = false;
      done = false;
    }
  }
}

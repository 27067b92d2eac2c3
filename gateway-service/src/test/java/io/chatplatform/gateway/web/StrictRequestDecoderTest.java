package io.chatplatform.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpServerOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The decoder alone, in a Netty channel of its own: what each framing is read as, whatever the reads. */
@DisplayName("StrictRequestDecoder")
class StrictRequestDecoderTest {
  /** The requests decoded from {@code chunks} (each a read of its own), as "ok METHOD URI" or "invalid: cause". */
  static List<String> decode(String... chunks) {
    EmbeddedChannel channel = new EmbeddedChannel(new StrictRequestDecoder(new HttpServerOptions()));
    for (String chunk : chunks) {
      channel.writeInbound(Unpooled.copiedBuffer(chunk, StandardCharsets.ISO_8859_1));
    }
    List<String> requests = new ArrayList<>();
    for (Object message; (message = channel.readInbound()) != null; ) {
      if (message instanceof HttpRequest request) {
        requests.add(request.decoderResult().isSuccess()
            ? "ok " + request.method() + " " + request.uri()
            : "invalid: " + request.decoderResult().cause().getMessage());
      } else if (!(message instanceof HttpContent)) {
        requests.add("other " + message);
      }
      ReferenceCountUtil.release(message);
    }
    channel.finishAndReleaseAll();
    return requests;
  }

  @Test
  @DisplayName("well-framed requests pass, pipelined and split across reads at any byte")
  void wellFramed() {
    String twoRequests = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
        + "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
        + "\r\nPOST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi";
    assertThat(decode(twoRequests)).containsExactly("ok GET /a", "ok POST /b", "ok POST /c");
    for (int split = 1; split < twoRequests.length(); split++) {
      assertThat(decode(twoRequests.substring(0, split), twoRequests.substring(split))).as("split at " + split)
          .containsExactly("ok GET /a", "ok POST /b", "ok POST /c");
    }
  }

  @Test
  @DisplayName("a folded line is refused wherever the reads split it, in the first request or a later one")
  void foldedLines() {
    String folded = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nX-Note: a\r\n b\r\n\r\n";
    for (int split = 1; split < folded.length(); split++) {
      assertThat(decode(folded.substring(0, split), folded.substring(split))).as("split at " + split)
          .containsExactly("ok GET /a", "invalid: obs-fold: a header line starts with whitespace");
    }
    assertThat(decode("GET /a HTTP/1.1\r\n Host: x\r\n\r\n")).as("whitespace before the first header")
        .containsExactly("invalid: obs-fold: a header line starts with whitespace");
    assertThat(decode("POST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\n\r\n ab")).as("a body that looks like a fold is a body")
        .containsExactly("ok POST /b");
  }

  @Test
  @DisplayName("Transfer-Encoding other than one chunked, or beside Content-Length, is invalid")
  void framing() {
    assertThat(decode("POST / HTTP/1.1\r\nTransfer-Encoding: xchunked\r\nContent-Length: 1\r\n\r\nx"))
        .containsExactly("invalid: Transfer-Encoding other than chunked");
    assertThat(decode("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n0\r\n\r\n"))
        .containsExactly("invalid: Transfer-Encoding and Content-Length together");
    assertThat(decode("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"))
        .containsExactly("invalid: Transfer-Encoding other than chunked");
    assertThat(decode("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))
        .containsExactly("invalid: Transfer-Encoding other than chunked");
    assertThat(decode("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx")).hasSize(1)
        .allSatisfy(r -> assertThat(r).startsWith("invalid: "));
  }
}

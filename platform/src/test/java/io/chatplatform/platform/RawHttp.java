package io.chatplatform.platform;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A blocking TCP client that writes exactly the bytes it is given, for attacks an HTTP client
 * library would never send: half-sent heads, conflicting framing headers, hand-made WebSocket
 * frames. It can connect from any loopback address (127.0.0.0/8), so that one test can be
 * several clients of a per-address limit.
 */
final class RawHttp implements AutoCloseable {
  /** Longest a blocking read waits before the test fails: far above every limit tested. */
  static final int READ_TIMEOUT_MS = 30_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawHttp(String from, int port) {
    try {
      socket = new Socket();
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(READ_TIMEOUT_MS);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RawHttp connect(int port) {
    return new RawHttp("127.0.0.1", port);
  }

  /** Connects from another loopback address, e.g. 127.0.0.3: another client, for the server. */
  static RawHttp connectFrom(String loopbackAddress, int port) {
    return new RawHttp(loopbackAddress, port);
  }

  RawHttp send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawHttp send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whatever the server sends until it closes the connection; fails when it does not close in {@link #READ_TIMEOUT_MS}. */
  String untilClosed() {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    try {
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        received.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not close the connection within " + READ_TIMEOUT_MS + " ms; it sent: "
          + received.toString(StandardCharsets.ISO_8859_1));
    } catch (IOException reset) {
      // A reset is a close too.
    }
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  /** Reads until the server ends its side of the connection in order (end of stream); fails on a reset or after {@link #READ_TIMEOUT_MS}. */
  void untilEndOfStream() {
    try {
      byte[] buffer = new byte[8192];
      while (in.read(buffer) >= 0) {
        // What the server still sends before its end is not looked at.
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not end the connection within " + READ_TIMEOUT_MS + " ms");
    } catch (IOException reset) {
      throw new AssertionError("the connection was reset, not ended: " + reset);
    }
  }

  /**
   * Sends one byte of {@code trickle} every {@code everyMs} (looping over it) for as long as the
   * server keeps the connection open, as a slowloris client does; returns the bytes sent before the
   * server closed it. Fails after {@link #READ_TIMEOUT_MS}.
   */
  int trickleUntilClosed(String trickle, int everyMs) {
    long deadline = System.currentTimeMillis() + READ_TIMEOUT_MS;
    int sent = 0;
    try {
      socket.setSoTimeout(everyMs);
      while (System.currentTimeMillis() < deadline) {
        try {
          if (in.read() < 0) {
            return sent;
          }
          throw new AssertionError("the server answered a request that was never complete");
        } catch (SocketTimeoutException stillOpen) {
          try {
            out.write(trickle.charAt(sent % trickle.length()));
            out.flush();
            sent++;
          } catch (IOException closedMeanwhile) {
            return sent;
          }
        }
      }
    } catch (IOException reset) {
      return sent;
    }
    throw new AssertionError("the server kept a trickling request open for " + READ_TIMEOUT_MS + " ms");
  }

  /** One response: status code, head and body (by Content-Length, or none); the connection stays open. */
  record Response(int status, String head, String body) {
    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  Response response() {
    String head = readHead();
    int status = Integer.parseInt(head.split(" ", 3)[1]);
    Response headOnly = new Response(status, head, "");
    String length = headOnly.header("Content-Length");
    byte[] body = length == null ? new byte[0] : readExactly(Integer.parseInt(length));
    return new Response(status, head, new String(body, StandardCharsets.UTF_8));
  }

  /** A response's head alone, its body left to {@link #read}. */
  String head() {
    return readHead();
  }

  /** The next {@code n} bytes (of a body whose head was read). */
  byte[] read(int n) {
    return readExactly(n);
  }

  private String readHead() {
    StringBuilder head = new StringBuilder();
    try {
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          throw new AssertionError("the connection closed before a response head; got: " + head);
        }
        head.append((char) b);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return head.toString();
  }

  private byte[] readExactly(int n) {
    try {
      byte[] bytes = in.readNBytes(n);
      if (bytes.length < n) {
        throw new AssertionError("the connection closed after " + bytes.length + " of " + n + " bytes");
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- WebSocket ------------------------------------------------------------------------------

  /** Opens a WebSocket at {@code uri} with a real handshake; fails unless the server answers 101. */
  static RawHttp webSocket(int port, String uri) {
    return webSocket(port, uri, new byte[0]);
  }

  /** The same, with {@code sentWithTheRequest} in the same write as the request: frames a client did not wait for the 101 to send. */
  static RawHttp webSocket(int port, String uri, byte[] sentWithTheRequest) {
    RawHttp raw = connect(port);
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(("GET " + uri + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    request.writeBytes(sentWithTheRequest);
    raw.send(request.toByteArray());
    String head = raw.readHead();
    if (!head.startsWith("HTTP/1.1 101")) {
      throw new AssertionError("no WebSocket upgrade: " + head);
    }
    return raw;
  }

  static final int TEXT = 0x1;
  static final int CLOSE = 0x8;

  /** Writes one final frame with {@code payload}, masked as a client must. */
  RawHttp frame(int opcode, byte[] payload) {
    return send(maskedFrame(opcode, payload));
  }

  /** One final frame with {@code payload}, masked as a client must. */
  static byte[] maskedFrame(int opcode, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x80 | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xFF);
    }
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    frame.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    return frame.toByteArray();
  }

  RawHttp text(String text) {
    return frame(TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A frame from the server: its opcode and payload (a server's frames are not masked). */
  record Frame(int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The status code of a close frame, or -1 when it has none. */
    int closeCode() {
      return payload.length < 2 ? -1 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "opcode %d: %s", opcode, opcode == CLOSE ? closeCode() + " " + text().substring(Math.min(2, payload.length)) : text());
    }
  }

  Frame readFrame() {
    byte[] head = readExactly(2);
    long length = head[1] & 0x7F;
    if (length == 126) {
      byte[] ext = readExactly(2);
      length = ((ext[0] & 0xFF) << 8) | (ext[1] & 0xFF);
    } else if (length == 127) {
      byte[] ext = readExactly(8);
      length = 0;
      for (byte b : ext) {
        length = (length << 8) | (b & 0xFF);
      }
    }
    return new Frame(head[0] & 0x0F, readExactly((int) length));
  }

  /** Reads frames until a close frame, which it returns; fails when none came within {@link #READ_TIMEOUT_MS}. */
  Frame awaitCloseFrame() {
    long deadline = System.currentTimeMillis() + READ_TIMEOUT_MS;
    List<Frame> before = new ArrayList<>();
    while (System.currentTimeMillis() < deadline) {
      Frame frame = readFrame();
      if (frame.opcode() == CLOSE) {
        return frame;
      }
      before.add(frame);
    }
    throw new AssertionError("no close frame within " + READ_TIMEOUT_MS + " ms; got " + before);
  }

  /** Drops the connection with a TCP reset, as a crashed client or a pulled cable does: no close frame, no FIN. */
  void abort() {
    try {
      socket.setSoLinger(true, 0);
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing is best effort; the test is over with it.
    }
  }
}

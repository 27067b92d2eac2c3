package io.chatplatform.loadtest.generator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * The line protocol between an {@code idle --processes K} coordinator and its worker processes,
 * over the worker's stdin/stdout (its logs go to stderr). The coordinator measures the server's
 * baseline only once every worker has set up its users and rooms, then lets all connect at once:
 *
 * <pre>
 * worker → READY                    users and rooms exist
 * coord  → CONNECT                  open the sockets
 * worker → CONNECTED {json}         connected, failed, seconds, errors, latency (HdrHistogram, base64)
 * coord  → STOP (or closes stdin)   close the sockets and exit
 * </pre>
 */
final class WorkerChannel {
  static final String READY = "READY";
  static final String CONNECT = "CONNECT";
  static final String CONNECTED = "CONNECTED";
  static final String STOP = "STOP";

  private final BufferedReader in;
  private final PrintStream out;

  WorkerChannel(InputStream in, PrintStream out) {
    this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    this.out = out;
  }

  void send(String line) {
    out.println(line);
    out.flush();
  }

  /** Waits for this command; false when the coordinator went away (end of input) first. */
  boolean await(String command) throws IOException {
    String line;
    while ((line = in.readLine()) != null) {
      if (line.trim().equals(command)) {
        return true;
      }
    }
    return false;
  }

  static String encode(Histogram histogram) {
    ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
    int length = histogram.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
  }

  static Histogram decode(String text) throws DataFormatException {
    return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(text)), 0);
  }
}

package io.chatplatform.platform;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What a SockJS client reads, whatever the transport: the session's open ({@code o}) and close
 * ({@code c[…]}) frames, and each bridge frame of an {@code a[…]} array, in order. Heartbeats
 * ({@code h}) and XHR streaming's 2 KiB prelude of {@code h} are dropped.
 */
final class SockJsFrames {
  /** Raw frames ({@code o}, {@code c[…]}) and bridge frames (JSON objects), in arrival order. */
  private final LinkedBlockingQueue<String> arrived = new LinkedBlockingQueue<>();
  /** Bridge frames passed over by {@link #next}, kept in order for the next call. */
  private final List<JsonObject> skipped = new ArrayList<>();
  /** Reads more when nothing has arrived (an XHR poll); null for a stream, which is waited on. */
  private final Runnable fetch;

  /** @param fetch reads more frames when none is waiting (one XHR poll); null: they come by themselves */
  SockJsFrames(Runnable fetch) {
    this.fetch = fetch;
  }

  /** Takes one line of a SockJS response apart: {@code data: } of EventSource is stripped. */
  void line(String line) {
    String frame = line.strip();
    if (frame.startsWith("data: ")) {
      frame = frame.substring("data: ".length());
    }
    if (frame.isEmpty() || frame.chars().allMatch(c -> c == 'h')) {
      return;
    }
    if (frame.startsWith("a")) {
      for (Object message : new JsonArray(frame.substring(1))) {
        arrived.add((String) message);
      }
    } else {
      arrived.add(frame);
    }
  }

  /** Every line of a response body or chunk that holds whole lines. */
  void lines(String body) {
    body.lines().forEach(this::line);
  }

  /** The next raw frame ({@code o}, {@code c[…]}) or bridge frame as it came. */
  String nextRaw() {
    try {
      if (fetch != null && arrived.isEmpty()) {
        fetch.run();
      }
      String frame = arrived.poll(20, TimeUnit.SECONDS);
      if (frame == null) {
        throw new AssertionError("no SockJS frame within 20 s");
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The first bridge frame matching, passed-over ones kept for later; fails when the session closes first. */
  JsonObject next(Predicate<JsonObject> match) {
    for (int i = 0; i < skipped.size(); i++) {
      if (match.test(skipped.get(i))) {
        return skipped.remove(i);
      }
    }
    while (true) {
      String frame = nextRaw();
      if (frame.startsWith("c[")) {
        throw new AssertionError("the SockJS session closed: " + frame + "; passed over: " + skipped);
      }
      if (!frame.startsWith("{")) {
        continue;
      }
      JsonObject bridgeFrame = new JsonObject(frame);
      if (match.test(bridgeFrame)) {
        return bridgeFrame;
      }
      skipped.add(bridgeFrame);
    }
  }
}

package io.chatplatform.notification.providers.webpush;

import io.chatplatform.notification.domain.PushMessage;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/** The JSON a service worker receives, cut to fit the push service's size limit. */
final class WebPushPayload {
  /** Padded lengths are multiples of this, so the ciphertext says little about the preview's length. */
  private static final int PAD_BLOCK = 256;
  private static final String ELLIPSIS = "…";

  /** Even without a preview the message does not fit (names are bounded elsewhere, so this is a setting gone wrong). */
  static final class TooLarge extends Exception {
    TooLarge() {
      super("push payload too large", null, false, false);
    }
  }

  private WebPushPayload() {}

  /** {roomId, roomName, seq, count, senderName[, preview]} in UTF-8, at most {@code maxBytes}. */
  static byte[] encode(PushMessage message, int maxBytes) throws TooLarge {
    JsonObject json = new JsonObject()
        .put("roomId", message.roomId())
        .put("roomName", message.roomName())
        .put("seq", message.seq())
        .put("count", message.count())
        .put("senderName", message.senderName());
    byte[] bare = bytes(json);
    if (bare.length > maxBytes) {
      throw new TooLarge();
    }
    String preview = message.preview();
    if (preview == null) {
      return bare;
    }
    byte[] full = bytes(json.copy().put("preview", preview));
    if (full.length <= maxBytes) {
      return full;
    }
    // Cut by code points until it fits; each round removes at least what is still over.
    int keep = preview.codePointCount(0, preview.length());
    byte[] cut = full;
    while (cut.length > maxBytes && keep > 0) {
      keep = Math.max(0, keep - Math.max(1, (cut.length - maxBytes + 2) / 2));
      String shorter = preview.substring(0, preview.offsetByCodePoints(0, keep)) + ELLIPSIS;
      cut = bytes(json.copy().put("preview", shorter));
    }
    return cut.length <= maxBytes ? cut : bare;
  }

  /** Zero octets to add so the padded plaintext reaches the next multiple of {@link #PAD_BLOCK}, within {@code maxBytes}. */
  static int padding(int length, int maxBytes) {
    int padded = Math.min(maxBytes, (length + PAD_BLOCK - 1) / PAD_BLOCK * PAD_BLOCK);
    return Math.max(0, padded - length);
  }

  private static byte[] bytes(JsonObject json) {
    return json.encode().getBytes(StandardCharsets.UTF_8);
  }
}

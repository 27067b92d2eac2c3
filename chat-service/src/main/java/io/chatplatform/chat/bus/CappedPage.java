package io.chatplatform.chat.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/**
 * A page of a listing whose JSON stays within a number of bytes: its items while they fit (one at
 * least, so a client always advances), and {@code next}, the cursor of the last item given when
 * some were left out, so they come on the next page; otherwise the listing's own {@code next}.
 */
final class CappedPage {
  private CappedPage() {}

  static <T> JsonObject of(
      String field, List<T> items, Function<T, JsonObject> view, String cursorField, String next, int maxBytes) {
    JsonArray shown = new JsonArray();
    long bytes = 0;
    for (T item : items) {
      JsonObject json = view.apply(item);
      bytes += json.toBuffer().length() + 1;
      if (bytes > maxBytes && !shown.isEmpty()) {
        next = shown.getJsonObject(shown.size() - 1).getString(cursorField);
        break;
      }
      shown.add(json);
    }
    JsonObject reply = new JsonObject().put(field, shown);
    return next == null ? reply : reply.put("next", next);
  }
}

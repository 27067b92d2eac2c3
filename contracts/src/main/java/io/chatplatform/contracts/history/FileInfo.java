package io.chatplatform.contracts.history;

import io.chatplatform.contracts.Shape;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A stored file as clients see it (docs/protocol.md, "File object"): in an upload's answer and in
 * a message's {@code attachments}. {@code width} and {@code height} are there for images the
 * server decoded, and only those have a thumbnail ({@link #hasThumbnail}).
 *
 * @param contentType the type detected from the file's bytes, the one it is served with
 */
public record FileInfo(String fileId, String name, long size, String contentType, Integer width, Integer height) {
  public static final Shape<FileInfo> SHAPE = Shape.of(FileInfo.class, FileInfo::read, FileInfo::write);

  /** Only images with known dimensions get a thumbnail; the two are made together. */
  public boolean hasThumbnail() {
    return width != null && height != null;
  }

  public static FileInfo read(JsonObject json) {
    return new FileInfo(
        json.getString("fileId"),
        json.getString("name"),
        json.getLong("size", 0L),
        json.getString("contentType"),
        json.getInteger("width"),
        json.getInteger("height"));
  }

  /** Width and height only when known, as documented. */
  public JsonObject write() {
    JsonObject json = new JsonObject().put("fileId", fileId).put("name", name).put("size", size).put("contentType", contentType);
    if (hasThumbnail()) {
      json.put("width", width).put("height", height);
    }
    return json;
  }

  public static List<FileInfo> readList(JsonArray array) {
    return array == null ? List.of() : array.stream().map(o -> read((JsonObject) o)).toList();
  }

  public static JsonArray writeList(List<FileInfo> files) {
    JsonArray array = new JsonArray();
    files.forEach(f -> array.add(f.write()));
    return array;
  }
}

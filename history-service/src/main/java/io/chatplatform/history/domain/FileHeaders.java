package io.chatplatform.history.domain;

import io.chatplatform.history.files.ImageInspector;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * How a stored file is presented to a browser. Only the images the server decoded
 * ({@link ImageInspector#READABLE_TYPES}), audio and video may be shown in place ({@code inline});
 * everything else is a download ({@code attachment}): other image types an operator allows, and
 * any type a browser runs script in, should one ever be stored (SVG, HTML, XML: the upload policy
 * refuses them, this is the second line). The gateway adds {@code Content-Security-Policy: sandbox} and
 * {@code nosniff}, so even a file opened in place cannot run script as the site's origin.
 */
public final class FileHeaders {
  private FileHeaders() {}

  /** Whether a browser may show the file in place. */
  public static boolean inline(String contentType) {
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (type.contains("svg") || type.contains("xml") || type.contains("html")) {
      return false;
    }
    return ImageInspector.READABLE_TYPES.contains(type) || type.startsWith("audio/") || type.startsWith("video/");
  }

  /**
   * {@code Content-Disposition} (RFC 6266): the name as an ASCII fallback with quotes, backslashes
   * and control characters replaced, and in full as UTF-8 ({@code filename*}).
   */
  public static String contentDisposition(String name, String contentType) {
    StringBuilder ascii = new StringBuilder();
    name.codePoints().forEach(c -> ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? (char) c : '_'));
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    return (inline(contentType) ? "inline" : "attachment") + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }

  /** A strong tag: files never change, so their id names their bytes. */
  public static String etag(String fileId, boolean thumbnail) {
    return "\"" + fileId + (thumbnail ? "-thumbnail" : "") + "\"";
  }

  /** Whether an {@code If-None-Match} header names {@code etag} (weak comparison, as RFC 9110 wants here). */
  public static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.trim();
      if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(etag)) {
        return true;
      }
    }
    return false;
  }
}

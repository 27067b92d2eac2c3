package io.chatplatform.history.files;

import io.chatplatform.runtime.Settings;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Limits of uploaded files, read once at start-up.
 *
 * @param maxUploadBytes largest upload, counted while it streams ({@code MAX_UPLOAD_BYTES}, 25 MiB)
 * @param userStorageQuotaBytes bytes of files one user may hold, all rooms together
 *     ({@code USER_STORAGE_QUOTA_BYTES}, 1 GiB)
 * @param maxImagePixels an image whose header declares more pixels (width × height) is refused
 *     before it is decoded ({@code MAX_IMAGE_PIXELS}, 40 million)
 * @param maxWebpPixels the same for WebP, lower: its decoder (TwelveMonkeys) decodes the whole
 *     image before subsampling, about 6 bytes a pixel, so this bounds the memory one WebP takes
 *     (~100 MB at the default) ({@code MAX_WEBP_PIXELS}, 16,777,216 = 4096 × 4096)
 * @param thumbnailMaxSide longest side of a thumbnail in pixels ({@code THUMBNAIL_MAX_SIDE}, 320)
 * @param allowedTypes the media types an upload may be, canonical Tika names; an alias
 *     ({@code audio/wav}) in the setting stands for its canonical type ({@code audio/vnd.wave})
 *     ({@code UPLOAD_ALLOWED_TYPES}, comma separated, {@link #DEFAULT_ALLOWED_TYPES})
 * @param nameMaxChars longest stored file name in characters (code points), extension included
 *     ({@code UPLOAD_NAME_MAX_CHARS}, 200)
 * @param orphanAge a file not attached to a message this long after its upload is deleted
 *     ({@code ORPHAN_FILE_HOURS}, 24)
 * @param thumbnailConcurrency images inspected at once per instance: the size of the worker pool
 *     that runs {@link ImageInspector} (it blocks, and holds up to a few MB of pixels per image)
 *     ({@code THUMBNAIL_CONCURRENCY}, 2)
 */
public record FileConfig(
    long maxUploadBytes,
    long userStorageQuotaBytes,
    long maxImagePixels,
    long maxWebpPixels,
    int thumbnailMaxSide,
    Set<String> allowedTypes,
    int nameMaxChars,
    Duration orphanAge,
    int thumbnailConcurrency) {

  /**
   * Images, audio, video, PDF, plain text, office documents (OOXML, OpenDocument, legacy OLE2) and
   * archives. Not CSV: spreadsheets run formulas in cells ({@code =HYPERLINK(…)}) when a CSV is
   * opened, so a CSV is a document an operator chooses to allow. An audio-only WebM (a browser's
   * voice note) is {@code video/webm}: its header does not say it has no picture.
   */
  public static final List<String> DEFAULT_ALLOWED_TYPES = List.of(
      "image/jpeg", "image/png", "image/gif", "image/webp",
      "audio/mpeg", "audio/ogg", "audio/vorbis", "audio/opus", "audio/vnd.wave", "audio/mp4", "audio/x-aac",
      "video/mp4", "video/webm", "video/quicktime",
      "application/pdf", "text/plain",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "application/vnd.openxmlformats-officedocument.presentationml.presentation",
      "application/vnd.oasis.opendocument.text",
      "application/vnd.oasis.opendocument.spreadsheet",
      "application/vnd.oasis.opendocument.presentation",
      "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
      "application/zip", "application/gzip", "application/x-7z-compressed", "application/x-tar");

  public FileConfig {
    allowedTypes = Set.copyOf(allowedTypes);
    atLeastOne("MAX_UPLOAD_BYTES", maxUploadBytes);
    atLeastOne("USER_STORAGE_QUOTA_BYTES", userStorageQuotaBytes);
    atLeastOne("MAX_IMAGE_PIXELS", maxImagePixels);
    atLeastOne("MAX_WEBP_PIXELS", maxWebpPixels);
    atLeastOne("THUMBNAIL_MAX_SIDE", thumbnailMaxSide);
    // Room for a base name beside the longest extension kept whole (FileNames.MAX_EXTENSION_CHARS).
    if (nameMaxChars < 2 * FileNames.MAX_EXTENSION_CHARS) {
      throw new IllegalArgumentException("UPLOAD_NAME_MAX_CHARS must be at least " + 2 * FileNames.MAX_EXTENSION_CHARS);
    }
    if (orphanAge.isNegative() || orphanAge.isZero()) {
      throw new IllegalArgumentException("ORPHAN_FILE_HOURS must be at least 1");
    }
    atLeastOne("THUMBNAIL_CONCURRENCY", thumbnailConcurrency);
  }

  /**
   * The settings, checked: an {@code UPLOAD_ALLOWED_TYPES} naming a type Tika does not know, or an
   * active-content type (HTML, SVG, XML, script), stops the service at start-up.
   */
  public static FileConfig from(Settings settings) {
    String types = settings.string("UPLOAD_ALLOWED_TYPES", String.join(",", DEFAULT_ALLOWED_TYPES));
    return new FileConfig(
        settings.longValue("MAX_UPLOAD_BYTES", 25L * 1024 * 1024),
        settings.longValue("USER_STORAGE_QUOTA_BYTES", 1024L * 1024 * 1024),
        settings.longValue("MAX_IMAGE_PIXELS", 40_000_000L),
        settings.longValue("MAX_WEBP_PIXELS", 4096L * 4096),
        settings.integer("THUMBNAIL_MAX_SIDE", 320),
        FileTypePolicy.canonicalTypes(Arrays.asList(types.split(","))),
        settings.integer("UPLOAD_NAME_MAX_CHARS", 200),
        Duration.ofHours(settings.longValue("ORPHAN_FILE_HOURS", 24)),
        settings.integer("THUMBNAIL_CONCURRENCY", 2));
  }

  private static void atLeastOne(String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1");
    }
  }
}

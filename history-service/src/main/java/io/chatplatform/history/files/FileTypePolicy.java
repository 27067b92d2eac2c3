package io.chatplatform.history.files;

import io.chatplatform.history.files.RefusedFileException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MediaTypeRegistry;
import org.apache.tika.mime.MimeTypeException;
import org.apache.tika.mime.MimeTypes;

/**
 * Which uploads may be kept, by what their bytes are and what their name says, with Apache Tika's
 * type registry ({@code tika-core}: magic bytes and extensions, no parsers).
 *
 * <p>The type of a file is found twice: from its first bytes alone ({@link #HEAD_BYTES} are
 * enough), and from its name's extension alone. Then:
 *
 * <ol>
 *   <li>Empty: refused. Bytes of no known type: refused (a name alone does not make a type).
 *   <li>Active content, by the bytes or by the name (HTML, XHTML, SVG, any XML, JavaScript, Flash,
 *       and every kind of them): refused, whatever {@code UPLOAD_ALLOWED_TYPES} says. A browser runs
 *       script in these when it shows them, and it would show them in our origin: the download
 *       headers ({@code nosniff}, {@code attachment}, CSP {@code sandbox}) are the second line, not
 *       the only one. An SVG image is such a document, so SVG is not an image here.
 *   <li>No extension, or one Tika does not know: the type is the bytes' type, and its usual
 *       extension is added to the name, so the name a downloader saves says what it is.
 *   <li>The name's type and the bytes' type are one, or one is a kind of the other: the name's type.
 *       This is how containers are told apart: the bytes of a {@code .docx} are a zip (its first
 *       entry may show OOXML, not which document), of a {@code .doc} an OLE2 file, of a {@code .csv}
 *       text, and only the name says more. The contents of a container are not opened (tika-core
 *       cannot, and unpacking an upload is itself an attack surface), so any zip named {@code .docx}
 *       is stored as a docx: an office program fails to open it, nothing runs it. The other way, a
 *       {@code .zip} whose bytes show an EPUB is stored as the zip it is named.
 *   <li>Two kinds of one media container ({@code .ogg} is Tika's Vorbis, a browser's voice note is
 *       Opus in Ogg; a WebM named {@code .mkv}): the bytes' type. Not through the generic
 *       containers (zip, OLE2, XML, text): an OpenDocument text named {@code .ods} is refused.
 *   <li>Otherwise the name lies (a PNG named {@code x.pdf}): refused.
 *   <li>The type must be on the allow-list, as it is: a kind of an allowed type is not allowed by it
 *       ({@code text/csv} is not {@code text/plain}, a jar is not a zip).
 * </ol>
 *
 * <p>A file that passes is not proven harmless: a PDF may hold script (browsers' viewers sandbox
 * it; it is served as an attachment), an archive anything. Images must also pass
 * {@link ImageInspector}, which decodes them.
 */
public final class FileTypePolicy {
  private static final MimeTypes TYPES = MimeTypes.getDefaultMimeTypes();
  private static final MediaTypeRegistry REGISTRY = TYPES.getMediaTypeRegistry();

  /** Bytes from the start of a file that detection reads: pass {@code min(HEAD_BYTES, size)} of them. */
  public static final int HEAD_BYTES = TYPES.getMinLength();

  /** Types a browser runs script in; every kind of them is active content too (RSS, XSLT and SVG are XML). */
  private static final Set<MediaType> ACTIVE_CONTENT = canonical(Stream.of(
      "text/html", "application/xhtml+xml", "image/svg+xml", "application/xml", "text/javascript",
      "application/x-shockwave-flash"));

  /**
   * Types that hold unrelated formats: two types whose nearest common kind is one of these are
   * not two kinds of one container (an .odt is not an .ods, a .py is not a .csv).
   */
  private static final Set<MediaType> GENERIC = canonical(Stream.of(
      "application/octet-stream", "text/plain", "application/xml", "application/zip",
      "application/x-tika-msoffice", "application/x-tika-ooxml"));

  private final Set<MediaType> allowed;
  private final int nameMaxChars;

  public FileTypePolicy(FileConfig config) {
    this.allowed = config.allowedTypes().stream().map(MediaType::parse).collect(Collectors.toUnmodifiableSet());
    this.nameMaxChars = config.nameMaxChars();
  }

  /**
   * Checks an upload by its first bytes and the name its client gave.
   *
   * @param head the file's first {@code min(HEAD_BYTES, size)} bytes (fewer only when the file is shorter)
   * @param clientName the name as sent, unchecked; null for none
   * @return the name to store and the type to store and serve
   * @throws RefusedFileException when it must not be kept ({@link RefusedFileException#reason()} says why)
   */
  public CheckedFile check(byte[] head, String clientName) throws RefusedFileException {
    String name = FileNames.sanitise(clientName, nameMaxChars);
    if (head.length == 0) {
      throw new RefusedFileException(Reason.EMPTY, "the file is empty");
    }
    MediaType bytes = detect(head);
    String extension = FileNames.extension(name);
    MediaType named = extension.isEmpty() ? null : typeOfExtension(extension);
    if (active(bytes)) {
      throw new RefusedFileException(Reason.ACTIVE_CONTENT, "the file is " + bytes + ", which is never accepted");
    }
    if (named != null && active(named)) {
      throw new RefusedFileException(Reason.ACTIVE_CONTENT, "." + extension + " files (" + named + ") are never accepted");
    }
    if (bytes.equals(MediaType.OCTET_STREAM)) {
      throw new RefusedFileException(Reason.UNRECOGNISED, "the file's content is not of a recognised type");
    }
    MediaType type = named == null ? bytes : reconcile(bytes, named, extension);
    if (!allowed.contains(type)) {
      throw new RefusedFileException(Reason.TYPE_NOT_ALLOWED, type + " files are not allowed");
    }
    String stored = named == null ? withUsualExtension(name, type) : name;
    return new CheckedFile(stored, type.toString());
  }

  private static MediaType reconcile(MediaType bytes, MediaType named, String extension) throws RefusedFileException {
    if (bytes.equals(named) || REGISTRY.isSpecializationOf(named, bytes) || REGISTRY.isSpecializationOf(bytes, named)) {
      return named;
    }
    MediaType common = nearestCommonKind(bytes, named);
    if (common != null && !GENERIC.contains(common)) {
      return bytes;
    }
    throw new RefusedFileException(Reason.EXTENSION_MISMATCH,
        "the file is " + bytes + " but its name ends ." + extension + " (" + named + ")");
  }

  /** The type of the bytes alone: magic numbers, and Tika's test for text when none match. */
  private static MediaType detect(byte[] head) {
    try {
      return REGISTRY.normalize(TYPES.detect(new ByteArrayInputStream(head), new Metadata()));
    } catch (IOException e) {
      throw new UncheckedIOException("reading a byte array failed", e);
    }
  }

  /** The type Tika gives files with this extension, or null when it knows none. */
  private static MediaType typeOfExtension(String extension) {
    MediaType type = TYPES.getMimeType("file." + extension).getType();
    return type.equals(MediaType.OCTET_STREAM) ? null : REGISTRY.normalize(type);
  }

  private String withUsualExtension(String name, MediaType type) {
    try {
      String extension = TYPES.forName(type.toString()).getExtension();
      return extension.isEmpty() ? name : FileNames.withExtension(name, extension.substring(1), nameMaxChars);
    } catch (MimeTypeException e) {
      throw new IllegalStateException(type + " came from Tika's own registry", e);
    }
  }

  private static boolean active(MediaType type) {
    for (MediaType kind = type; kind != null; kind = REGISTRY.getSupertype(kind)) {
      if (ACTIVE_CONTENT.contains(kind)) {
        return true;
      }
    }
    return false;
  }

  private static MediaType nearestCommonKind(MediaType a, MediaType b) {
    Set<MediaType> kindsOfA = new HashSet<>();
    for (MediaType kind = a; kind != null; kind = REGISTRY.getSupertype(kind)) {
      kindsOfA.add(kind);
    }
    for (MediaType kind = b; kind != null; kind = REGISTRY.getSupertype(kind)) {
      if (kindsOfA.contains(kind)) {
        return kind;
      }
    }
    return null;
  }

  /**
   * The canonical names of the listed types (aliases resolved, blanks skipped), for
   * {@code UPLOAD_ALLOWED_TYPES}.
   *
   * @throws IllegalArgumentException for a name that is no media type, a type Tika does not know
   *     (it could never be detected), active content, or an empty list
   */
  static Set<String> canonicalTypes(Collection<String> names) {
    Set<String> types = new LinkedHashSet<>();
    for (String name : names) {
      if (name.isBlank()) {
        continue;
      }
      MediaType type = MediaType.parse(name.trim());
      if (type == null) {
        throw new IllegalArgumentException("UPLOAD_ALLOWED_TYPES: '" + name.trim() + "' is not a media type");
      }
      MediaType canonical = REGISTRY.normalize(type);
      if (!REGISTRY.getTypes().contains(canonical)) {
        throw new IllegalArgumentException("UPLOAD_ALLOWED_TYPES: " + type + " is not a type Tika detects");
      }
      if (active(canonical)) {
        throw new IllegalArgumentException("UPLOAD_ALLOWED_TYPES: " + type
            + " is active content (HTML, SVG, XML or script) and is never accepted");
      }
      types.add(canonical.toString());
    }
    if (types.isEmpty()) {
      throw new IllegalArgumentException("UPLOAD_ALLOWED_TYPES names no type");
    }
    return types;
  }

  private static Set<MediaType> canonical(Stream<String> names) {
    return names.map(MediaType::parse).map(REGISTRY::normalize).collect(Collectors.toUnmodifiableSet());
  }
}

package io.chatplatform.history.files;

/**
 * An upload that must not be kept, and why: {@link #reason()} for the program (its
 * {@link Reason#code() code} is what a client receives), {@link #getMessage()} for the person.
 * Every reason but {@link Reason#IMAGE_TOO_LARGE} is an unsupported media type (415); a pixel
 * bomb is too large (413) though its bytes were few.
 */
public final class RefusedFileException extends Exception {
  /** Why an upload was refused. */
  public enum Reason {
    /** Zero bytes: there is no type to check. */
    EMPTY("empty_file"),
    /** The bytes are of no type Tika knows, e.g. random binary named {@code .txt}. */
    UNRECOGNISED("type_unrecognised"),
    /** HTML, SVG, XML or script, by its bytes or by its name: never accepted, whatever the settings. */
    ACTIVE_CONTENT("active_content"),
    /** A type recognised but not on {@code UPLOAD_ALLOWED_TYPES}. */
    TYPE_NOT_ALLOWED("type_not_allowed"),
    /** The name's extension claims another type than the bytes are (a PNG named {@code x.pdf}). */
    EXTENSION_MISMATCH("extension_mismatch"),
    /** The image's header declares more than {@code MAX_IMAGE_PIXELS} pixels: not decoded. */
    IMAGE_TOO_LARGE("image_too_large"),
    /** Bytes of an image type that do not decode as one: truncated, corrupt, or a polyglot. */
    IMAGE_UNREADABLE("image_unreadable");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The stable, snake_case name of the reason, for error answers. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;

  public RefusedFileException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}

package io.chatplatform.history.files;

/**
 * An upload whose type and name passed {@link FileTypePolicy#check}.
 *
 * @param name the name to store and offer for download: sanitised ({@link FileNames}), with the
 *     type's extension added when it had none the type is known by
 * @param contentType the canonical media type, to store and to serve as {@code Content-Type}
 */
public record CheckedFile(String name, String contentType) {
  /**
   * True for the image types {@link ImageInspector} reads: such a file must also pass
   * {@link ImageInspector#inspect} before it is kept, since it is shown inline and its thumbnail
   * is what the room sees first.
   */
  public boolean image() {
    return ImageInspector.READABLE_TYPES.contains(contentType);
  }

  /**
   * True when a browser may show the file itself rather than only save it: audio, video, and the
   * images {@link ImageInspector} checked. Everything else is served
   * {@code Content-Disposition: attachment}, including image types an operator allows that are not
   * inspected (TIFF, HEIC, BMP): their declared size was never checked, so no page decodes them.
   */
  public boolean inline() {
    return image() || contentType.startsWith("audio/") || contentType.startsWith("video/");
  }
}

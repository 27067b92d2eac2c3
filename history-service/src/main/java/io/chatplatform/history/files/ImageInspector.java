package io.chatplatform.history.files;

import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;
import io.chatplatform.history.files.RefusedFileException.Reason;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.spi.IIORegistry;
import javax.imageio.stream.FileCacheImageInputStream;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import net.coobird.thumbnailator.Thumbnails;
import net.coobird.thumbnailator.util.exif.ExifFilterUtils;
import net.coobird.thumbnailator.util.exif.Orientation;

/**
 * The dimensions and a thumbnail of an uploaded image (JPEG, PNG, GIF, WebP), refusing pixel
 * bombs before they are decoded.
 *
 * <p>In order: the image's header is read for its declared width and height (ImageIO's reader,
 * {@code getWidth(0)}/{@code getHeight(0)}, which decode nothing; for a GIF also its logical screen,
 * which is what a browser allocates), and an image of more than {@code MAX_IMAGE_PIXELS} is refused
 * there. Then it is decoded with source subsampling: the JPEG, PNG and GIF decoders keep every
 * n-th pixel of every n-th row, so the pixels held are about 2–4 × the thumbnail's side squared (a
 * few MB) whatever the image's size. The WebP decoder decodes the whole image first (about 6 bytes
 * a pixel), so WebP has its own, lower limit, {@code MAX_WEBP_PIXELS}. A JPEG's Exif orientation is applied ({@link ExifOrientation}). The
 * thumbnail is a new image, longest side at most {@code THUMBNAIL_MAX_SIDE} (never enlarged),
 * encoded from pixels alone, so it carries no metadata: no Exif, no GPS position, no comments.
 * It is JPEG (quality {@value #JPEG_QUALITY}) when every pixel is opaque, else PNG.
 *
 * <p><b>Blocking:</b> both {@code inspect} methods read and decode on the calling thread (tens of
 * milliseconds for a phone photo, longer for the largest images). Call them from a worker pool of
 * {@code THUMBNAIL_CONCURRENCY} threads, never from an event loop. Thread-safe.
 *
 * <p>Reported width and height are as displayed: swapped for an Exif orientation that turns the
 * image a quarter. A GIF's are its logical screen's, its thumbnail is of its first frame.
 */
public final class ImageInspector {
  /** The media types this reads: the images that get a thumbnail. */
  public static final Set<String> READABLE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

  static final float JPEG_QUALITY = 0.85f;
  /** Decoded pixels per thumbnail pixel along a side, at least: enough for a smooth downscale. */
  private static final int OVERSAMPLING = 2;
  private static final int GIF_SCREEN_OFFSET = 6;

  static {
    // Registered by class rather than found on the class path, so WebP works under any class loader.
    IIORegistry.getDefaultInstance().registerServiceProvider(new WebPImageReaderSpi());
  }

  /**
   * What was read of an image.
   *
   * @param width as displayed, in pixels
   * @param height as displayed, in pixels
   * @param thumbnail the image made small, without metadata
   */
  public record ImageInfo(int width, int height, Thumbnail thumbnail) {}

  /**
   * A thumbnail to store beside its file.
   *
   * @param bytes the encoded image
   * @param contentType {@code image/jpeg} or {@code image/png}
   */
  public record Thumbnail(byte[] bytes, String contentType, int width, int height) {}

  private final long maxPixels;
  private final long maxWebpPixels;
  private final int maxSide;

  public ImageInspector(FileConfig config) {
    this(config.maxImagePixels(), config.maxWebpPixels(), config.thumbnailMaxSide());
  }

  /**
   * @param maxPixels {@code MAX_IMAGE_PIXELS}
   * @param maxWebpPixels {@code MAX_WEBP_PIXELS}: WebP is decoded whole, then subsampled
   * @param maxSide {@code THUMBNAIL_MAX_SIDE}
   */
  public ImageInspector(long maxPixels, long maxWebpPixels, int maxSide) {
    this.maxPixels = maxPixels;
    this.maxWebpPixels = maxWebpPixels;
    this.maxSide = maxSide;
  }

  /**
   * Inspects an image file. Blocks (see the class).
   *
   * @param contentType one of {@link #READABLE_TYPES}, as {@link FileTypePolicy} found it
   * @throws RefusedFileException {@code IMAGE_TOO_LARGE} for a pixel bomb, {@code IMAGE_UNREADABLE}
   *     when the bytes do not decode as that type (truncated, corrupt, a polyglot)
   * @throws IOException when the file cannot be read
   */
  public ImageInfo inspect(Path file, String contentType) throws RefusedFileException, IOException {
    ImageReader reader = readerFor(contentType);
    try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
      return inspect(in, contentType, reader);
    }
  }

  /**
   * Inspects an image read from a stream, which is read to its end at most and not closed; what is
   * read is cached in a temporary file (ImageIO's readers seek), deleted when done. Blocks.
   */
  public ImageInfo inspect(InputStream image, String contentType) throws RefusedFileException, IOException {
    ImageReader reader = readerFor(contentType);
    try (ImageInputStream in = new FileCacheImageInputStream(image, null)) {
      return inspect(in, contentType, reader);
    }
  }

  private static ImageReader readerFor(String contentType) {
    if (!READABLE_TYPES.contains(contentType)) {
      throw new IllegalArgumentException(contentType + " is not an image type this reads");
    }
    Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(contentType);
    if (!readers.hasNext()) {
      throw new IllegalStateException("no ImageIO reader for " + contentType);
    }
    return readers.next();
  }

  private ImageInfo inspect(ImageInputStream in, String contentType, ImageReader reader)
      throws RefusedFileException, IOException {
    try {
      int orientation = contentType.equals("image/jpeg") ? ExifOrientation.read(in) : ExifOrientation.AS_STORED;
      int[] gifScreen = contentType.equals("image/gif") ? gifScreen(in) : null;
      if (gifScreen != null) {
        refuseBomb(gifScreen[0], gifScreen[1], maxPixels, "MAX_IMAGE_PIXELS");
      }
      in.seek(0);
      reader.setInput(in, true, true);
      int width;
      int height;
      try {
        width = reader.getWidth(0);
        height = reader.getHeight(0);
      } catch (IOException | RuntimeException e) {
        throw unreadable(contentType, e);
      }
      if (width < 1 || height < 1) {
        throw new RefusedFileException(Reason.IMAGE_UNREADABLE, "the image declares no pixels");
      }
      if (contentType.equals("image/webp")) {
        refuseBomb(width, height, Math.min(maxPixels, maxWebpPixels), "MAX_WEBP_PIXELS");
      } else {
        refuseBomb(width, height, maxPixels, "MAX_IMAGE_PIXELS");
      }
      Thumbnail thumbnail = thumbnail(decode(reader, width, height, contentType), orientation);
      if (gifScreen != null && gifScreen[0] > 0 && gifScreen[1] > 0) {
        return new ImageInfo(gifScreen[0], gifScreen[1], thumbnail);
      }
      boolean quarterTurn = orientation >= 5;
      return new ImageInfo(quarterTurn ? height : width, quarterTurn ? width : height, thumbnail);
    } finally {
      reader.dispose();
    }
  }

  private static void refuseBomb(long width, long height, long limit, String setting) throws RefusedFileException {
    if (width * height > limit) {
      throw new RefusedFileException(Reason.IMAGE_TOO_LARGE, "the image declares " + width + " × " + height
          + " pixels, more than " + limit + " (" + setting + ")");
    }
  }

  private BufferedImage decode(ImageReader reader, int width, int height, String contentType)
      throws RefusedFileException {
    ImageReadParam param = reader.getDefaultReadParam();
    int step = Math.max(1, Math.max(width, height) / (OVERSAMPLING * maxSide));
    if (step > 1) {
      param.setSourceSubsampling(step, step, 0, 0);
    }
    try {
      return reader.read(0, param);
    } catch (IOException | RuntimeException e) {
      throw unreadable(contentType, e);
    }
  }

  private Thumbnail thumbnail(BufferedImage decoded, int orientation) throws IOException {
    double scale = Math.min(1.0, (double) maxSide / Math.max(decoded.getWidth(), decoded.getHeight()));
    BufferedImage small = Thumbnails.of(decoded)
        .forceSize(Math.max(1, (int) Math.round(decoded.getWidth() * scale)),
            Math.max(1, (int) Math.round(decoded.getHeight() * scale)))
        .imageType(BufferedImage.TYPE_INT_ARGB)
        .asBufferedImage();
    // Turned after the resize, not as a Thumbnailator filter: a filter runs before forceSize, which would undo the turn.
    Orientation turn = Orientation.typeOf(orientation);
    if (turn != null && turn != Orientation.TOP_LEFT) {
      small = ExifFilterUtils.getFilterForOrientation(turn).apply(small);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (opaque(small)) {
      writeJpeg(withoutAlpha(small), out);
      return new Thumbnail(out.toByteArray(), "image/jpeg", small.getWidth(), small.getHeight());
    }
    ImageIO.write(small, "png", out);
    return new Thumbnail(out.toByteArray(), "image/png", small.getWidth(), small.getHeight());
  }

  private static boolean opaque(BufferedImage image) {
    if (!image.getColorModel().hasAlpha()) {
      return true;
    }
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (image.getRGB(x, y) >>> 24 != 0xFF) {
          return false;
        }
      }
    }
    return true;
  }

  private static BufferedImage withoutAlpha(BufferedImage image) {
    BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    g.drawImage(image, 0, 0, Color.WHITE, null);
    g.dispose();
    return rgb;
  }

  /** Pixels only: no metadata object is given to the writer, so it writes its bare JFIF header. */
  private static void writeJpeg(BufferedImage rgb, ByteArrayOutputStream out) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(JPEG_QUALITY);
      writer.write(null, new IIOImage(rgb, null, null), param);
    } finally {
      writer.dispose();
    }
  }

  /**
   * Width and height of a GIF's logical screen: the little-endian 16-bit fields after
   * {@code GIF89a}. A browser allocates the screen, however small the frames in it.
   */
  private static int[] gifScreen(ImageInputStream in) throws IOException, RefusedFileException {
    ByteOrder order = in.getByteOrder();
    try {
      in.seek(GIF_SCREEN_OFFSET);
      in.setByteOrder(ByteOrder.LITTLE_ENDIAN);
      return new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
    } catch (EOFException e) {
      throw unreadable("image/gif", e);
    } finally {
      in.setByteOrder(order);
    }
  }

  private static RefusedFileException unreadable(String contentType, Exception cause) {
    return new RefusedFileException(Reason.IMAGE_UNREADABLE, "the file does not read as " + contentType
        + " (" + cause.getClass().getSimpleName() + ")");
  }
}

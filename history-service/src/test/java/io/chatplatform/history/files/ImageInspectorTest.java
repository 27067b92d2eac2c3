package io.chatplatform.history.files;

import static io.chatplatform.history.files.TestImages.concat;
import static io.chatplatform.history.files.TestImages.contains;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.history.files.ImageInspector.ImageInfo;
import io.chatplatform.history.files.RefusedFileException.Reason;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WebP fixtures in src/test/resources/io/chatplatform/history/files were made with libwebp's
 * cwebp 1.2.4 (Debian package {@code webp}) from two 64 × 32 PNGs drawn with ImageIO:
 * {@code opaque-lossy.webp} ({@code cwebp -q 80}, VP8): left half red, right half blue;
 * {@code alpha-lossless.webp} ({@code cwebp -lossless}, VP8L with alpha): left half green, right
 * half fully transparent.
 */
@DisplayName("Image dimensions, pixel bombs and thumbnails")
class ImageInspectorTest {
  static final long MAX_PIXELS = 40_000_000L;
  static final long MAX_WEBP_PIXELS = 4096L * 4096;
  static final int MAX_SIDE = 320;
  final ImageInspector inspector = new ImageInspector(MAX_PIXELS, MAX_WEBP_PIXELS, MAX_SIDE);

  @TempDir
  Path dir;

  ImageInfo inspect(byte[] image, String type) throws Exception {
    return inspector.inspect(new ByteArrayInputStream(image), type);
  }

  static BufferedImage decode(ImageInspector.Thumbnail thumbnail) throws IOException {
    return ImageIO.read(new ByteArrayInputStream(thumbnail.bytes()));
  }

  static boolean near(int argb, Color expected) {
    Color c = new Color(argb, true);
    return Math.abs(c.getRed() - expected.getRed()) < 40 && Math.abs(c.getGreen() - expected.getGreen()) < 40
        && Math.abs(c.getBlue() - expected.getBlue()) < 40;
  }

  @Test
  @DisplayName("a large PNG: its size as declared, a JPEG thumbnail whose longest side is THUMBNAIL_MAX_SIDE")
  void pngThumbnail() throws Exception {
    Path file = dir.resolve("big.png");
    Files.write(file, TestImages.png(3000, 1500));

    ImageInfo info = inspector.inspect(file, "image/png");

    assertThat(info.width()).isEqualTo(3000);
    assertThat(info.height()).isEqualTo(1500);
    assertThat(info.thumbnail().contentType()).as("opaque").isEqualTo("image/jpeg");
    BufferedImage small = decode(info.thumbnail());
    assertThat(small.getWidth()).isEqualTo(320);
    assertThat(small.getHeight()).isEqualTo(160);
    assertThat(info.thumbnail().width()).isEqualTo(320);
    assertThat(near(small.getRGB(10, 80), Color.RED)).as("left half red").isTrue();
    assertThat(near(small.getRGB(310, 80), Color.BLUE)).as("right half blue").isTrue();
  }

  @Test
  @DisplayName("a small image is not enlarged")
  void smallStaysSmall() throws Exception {
    ImageInfo info = inspect(TestImages.jpeg(40, 20), "image/jpeg");
    assertThat(decode(info.thumbnail()).getWidth()).isEqualTo(40);
    assertThat(decode(info.thumbnail()).getHeight()).isEqualTo(20);
  }

  @Test
  @DisplayName("an image with transparent pixels gets a PNG thumbnail that keeps them; an opaque one with an alpha channel a JPEG")
  void alphaMakesPng() throws Exception {
    byte[] transparent = TestImages.encode(
        TestImages.halves(64, 32, Color.GREEN, new Color(0, 0, 0, 0), BufferedImage.TYPE_INT_ARGB), "png");
    ImageInfo info = inspect(transparent, "image/png");
    assertThat(info.thumbnail().contentType()).isEqualTo("image/png");
    BufferedImage small = decode(info.thumbnail());
    assertThat(small.getRGB(60, 16) >>> 24).as("right half transparent").isZero();
    assertThat(small.getRGB(4, 16) >>> 24).as("left half opaque").isEqualTo(0xFF);

    byte[] opaqueWithAlpha = TestImages.encode(
        TestImages.halves(64, 32, Color.GREEN, Color.RED, BufferedImage.TYPE_INT_ARGB), "png");
    assertThat(inspect(opaqueWithAlpha, "image/png").thumbnail().contentType()).isEqualTo("image/jpeg");
  }

  @Test
  @DisplayName("an animated GIF's thumbnail is its first frame; a GIF's transparency makes a PNG")
  void gif() throws Exception {
    ImageInfo animated = inspect(TestImages.animatedGif(50, 30, Color.RED, Color.BLUE), "image/gif");
    assertThat(animated.width()).isEqualTo(50);
    assertThat(animated.height()).isEqualTo(30);
    BufferedImage first = decode(animated.thumbnail());
    assertThat(near(first.getRGB(25, 15), Color.RED)).as("first frame red, not the blue second").isTrue();

    ImageInfo transparent = inspect(TestImages.halfTransparentGif(40, 20), "image/gif");
    assertThat(transparent.thumbnail().contentType()).isEqualTo("image/png");
    assertThat(decode(transparent.thumbnail()).getRGB(35, 10) >>> 24).isZero();
  }

  @Test
  @DisplayName("WebP, lossy and lossless with alpha, is read (TwelveMonkeys)")
  void webp() throws Exception {
    ImageInfo lossy = inspect(TestImages.resource("opaque-lossy.webp"), "image/webp");
    assertThat(lossy.width()).isEqualTo(64);
    assertThat(lossy.height()).isEqualTo(32);
    assertThat(lossy.thumbnail().contentType()).isEqualTo("image/jpeg");
    BufferedImage small = decode(lossy.thumbnail());
    assertThat(near(small.getRGB(8, 16), Color.RED)).isTrue();
    assertThat(near(small.getRGB(56, 16), Color.BLUE)).isTrue();

    ImageInfo lossless = inspect(TestImages.resource("alpha-lossless.webp"), "image/webp");
    assertThat(lossless.thumbnail().contentType()).isEqualTo("image/png");
    BufferedImage alpha = decode(lossless.thumbnail());
    assertThat(near(alpha.getRGB(8, 16), Color.GREEN)).isTrue();
    assertThat(alpha.getRGB(56, 16) >>> 24).as("transparent half").isZero();
  }

  @Test
  @DisplayName("a JPEG with Exif orientation 6 comes out turned, and its thumbnail has no Exif, no GPS, no description")
  void exifOrientationAndNoMetadata() throws Exception {
    String secret = "SECRET-PLACE-48.8567N";
    byte[] photo = TestImages.withSegment(TestImages.jpeg(400, 200),
        TestImages.exifSegment(6, secret, ByteOrder.BIG_ENDIAN));
    assertThat(TestImages.jpegMarkers(photo)).as("the input has its Exif").contains(0xE1);
    assertThat(contains(photo, secret.getBytes(StandardCharsets.US_ASCII))).isTrue();

    ImageInfo info = inspect(photo, "image/jpeg");

    byte[] thumbnail = info.thumbnail().bytes();
    assertThat(TestImages.jpegMarkers(thumbnail)).as("no APP1 (Exif/XMP) segment").doesNotContain(0xE1)
        .as("no comment").doesNotContain(0xFE);
    assertThat(contains(thumbnail, "Exif".getBytes(StandardCharsets.US_ASCII))).isFalse();
    assertThat(contains(thumbnail, secret.getBytes(StandardCharsets.US_ASCII))).isFalse();

    assertThat(info.width()).as("as displayed: turned a quarter").isEqualTo(200);
    assertThat(info.height()).isEqualTo(400);
    BufferedImage small = decode(info.thumbnail());
    assertThat(small.getWidth()).isEqualTo(160);
    assertThat(small.getHeight()).isEqualTo(320);
    // Orientation 6: the stored left edge (red) is the displayed top.
    assertThat(near(small.getRGB(80, 20), Color.RED)).as("top red").isTrue();
    assertThat(near(small.getRGB(80, 300), Color.BLUE)).as("bottom blue").isTrue();
  }

  @Test
  @DisplayName("Exif orientation 8 in little-endian (Intel) byte order turns the other way; 3 turns half")
  void otherOrientations() throws Exception {
    byte[] eight = TestImages.withSegment(TestImages.jpeg(400, 200),
        TestImages.exifSegment(8, "x", ByteOrder.LITTLE_ENDIAN));
    BufferedImage turned = decode(inspect(eight, "image/jpeg").thumbnail());
    assertThat(turned.getHeight()).isEqualTo(320);
    assertThat(near(turned.getRGB(80, 300), Color.RED)).as("orientation 8: stored left edge at the bottom").isTrue();

    byte[] three = TestImages.withSegment(TestImages.jpeg(400, 200),
        TestImages.exifSegment(3, "x", ByteOrder.BIG_ENDIAN));
    BufferedImage upsideDown = decode(inspect(three, "image/jpeg").thumbnail());
    assertThat(upsideDown.getWidth()).isEqualTo(320);
    assertThat(near(upsideDown.getRGB(300, 80), Color.RED)).as("orientation 3: red on the right").isTrue();
  }

  @Test
  @DisplayName("a PNG thumbnail carries only IHDR, IDAT and IEND")
  void pngHasNoMetadata() throws Exception {
    byte[] original = TestImages.encode(
        TestImages.halves(64, 32, Color.GREEN, new Color(0, 0, 0, 0), BufferedImage.TYPE_INT_ARGB), "png");
    int afterHeader = TestImages.PNG_SIGNATURE.length + 25;
    byte[] tagged = concat(Arrays.copyOf(original, afterHeader),
        TestImages.chunk("tEXt", "Comment\0SECRET".getBytes(StandardCharsets.ISO_8859_1)),
        Arrays.copyOfRange(original, afterHeader, original.length));
    assertThat(TestImages.pngChunks(tagged)).contains("tEXt");

    ImageInfo info = inspect(tagged, "image/png");

    assertThat(info.thumbnail().contentType()).isEqualTo("image/png");
    assertThat(TestImages.pngChunks(info.thumbnail().bytes())).containsOnly("IHDR", "IDAT", "IEND");
  }

  @Test
  @DisplayName("a tiny PNG declaring 50000 × 50000 is refused from its header")
  void pngBomb() throws Exception {
    Path file = dir.resolve("bomb.png");
    byte[] bomb = TestImages.pngDeclaring(50_000, 50_000);
    Files.write(file, bomb);
    System.out.println("PNG bomb file: " + bomb.length + " bytes declaring 2.5 billion pixels");

    assertThatThrownBy(() -> inspector.inspect(file, "image/png"))
        .isInstanceOfSatisfying(RefusedFileException.class, e -> assertThat(e.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE))
        .hasMessageContaining("50000 × 50000");
  }

  @Test
  @DisplayName("a streamed bomb is refused having read its header only, not its 100 MB of image data")
  void bombIsNotRead() throws Exception {
    TestImages.CountingStream bomb = TestImages.pngBombStream(20_000, 20_000, 100_000_000L);

    assertThatThrownBy(() -> inspector.inspect(bomb, "image/png"))
        .isInstanceOfSatisfying(RefusedFileException.class, e -> assertThat(e.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE));
    System.out.println("bytes read of the 100 MB bomb stream: " + bomb.read);
    assertThat(bomb.read).isLessThan(64 * 1024);
  }

  @Test
  @DisplayName("JPEG, GIF (its logical screen) and WebP (lossy and lossless) bombs are refused from their headers")
  void otherBombs() throws Exception {
    assertTooLarge(TestImages.jpegDeclaring(TestImages.jpeg(16, 16), 65_000, 65_000), "image/jpeg");

    byte[] gif = TestImages.encode(TestImages.redBlue(2, 2), "gif");
    ByteBuffer.wrap(gif, 6, 4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0xFFFF).putShort((short) 0xFFFF);
    assertTooLarge(gif, "image/gif");

    byte[] lossless = TestImages.resource("alpha-lossless.webp");
    // VP8L header after "VP8L" and its size (offset 20): 0x2F, then 14 bits width-1, 14 bits height-1, little-endian bits.
    ByteBuffer header = ByteBuffer.wrap(lossless).order(ByteOrder.LITTLE_ENDIAN);
    int bits = header.getInt(21);
    header.putInt(21, (bits & 0xF0000000) | 0x3FFF | (0x3FFF << 14));
    assertTooLarge(lossless, "image/webp");

    byte[] lossy = TestImages.resource("opaque-lossy.webp");
    // VP8 key frame (offset 20): 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height, little-endian.
    assertThat(Arrays.copyOfRange(lossy, 23, 26)).containsExactly(0x9D, 0x01, 0x2A);
    ByteBuffer.wrap(lossy, 26, 4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3FFF).putShort((short) 0x3FFF);
    assertTooLarge(lossy, "image/webp");
  }

  @Test
  @DisplayName("WebP, decoded whole, has the lower MAX_WEBP_PIXELS: 5000 × 5000 is refused though under MAX_IMAGE_PIXELS")
  void webpLimit() {
    byte[] lossless = TestImages.resource("alpha-lossless.webp");
    ByteBuffer header = ByteBuffer.wrap(lossless).order(ByteOrder.LITTLE_ENDIAN);
    int bits = header.getInt(21);
    header.putInt(21, (bits & 0xF0000000) | (5000 - 1) | ((5000 - 1) << 14));
    assertThatThrownBy(() -> inspect(lossless, "image/webp"))
        .isInstanceOfSatisfying(RefusedFileException.class, e -> assertThat(e.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE))
        .hasMessageContaining("5000 × 5000").hasMessageContaining("MAX_WEBP_PIXELS");
  }

  @Test
  @DisplayName("a 36-megapixel PNG is decoded subsampled: a few MB allocated, not the 144 MB of its pixels")
  void largeImagesAreSubsampled() throws Exception {
    Path file = dir.resolve("36mp.png");
    Files.write(file, TestImages.gradientPng(6000, 6000));
    var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());

    ImageInfo info = inspector.inspect(file, "image/png");

    long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
    System.out.printf("36 MP PNG (%d bytes): %d MB allocated while inspecting%n", Files.size(file), allocated >> 20);
    assertThat(info.width()).isEqualTo(6000);
    assertThat(info.thumbnail().width()).isEqualTo(320);
    assertThat(allocated).as("bytes allocated; the full image would be 6000 × 6000 × 4").isLessThan(48L << 20);
  }

  @Test
  @DisplayName("MAX_IMAGE_PIXELS is the limit: that many pixels pass, one row more does not")
  void limitIsTheSetting() throws Exception {
    ImageInspector small = new ImageInspector(100 * 50, 100 * 50, MAX_SIDE);
    assertThat(small.inspect(new ByteArrayInputStream(TestImages.png(100, 50)), "image/png").width()).isEqualTo(100);
    assertThatThrownBy(() -> small.inspect(new ByteArrayInputStream(TestImages.png(100, 51)), "image/png"))
        .isInstanceOfSatisfying(RefusedFileException.class, e -> assertThat(e.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE));
  }

  @Test
  @DisplayName("truncated, empty and polyglot images are refused as unreadable")
  void unreadable() throws Exception {
    byte[] png = TestImages.png(300, 200);
    assertUnreadable(Arrays.copyOf(png, png.length / 2), "image/png");
    byte[] jpeg = TestImages.jpeg(300, 200);
    assertUnreadable(Arrays.copyOf(jpeg, 100), "image/jpeg");
    byte[] webp = TestImages.resource("opaque-lossy.webp");
    assertUnreadable(Arrays.copyOf(webp, 30), "image/webp");
    assertUnreadable(Arrays.copyOf(TestImages.encode(TestImages.redBlue(30, 30), "gif"), 20), "image/gif");
    assertUnreadable(new byte[0], "image/png");
    // Tika calls these images by their first bytes; they are script and markup.
    assertUnreadable(concat("GIF89a".getBytes(StandardCharsets.US_ASCII), new byte[] {10, 0, 10, 0},
        "=1;alert(document.domain)//".getBytes(StandardCharsets.US_ASCII)), "image/gif");
    assertUnreadable(concat(TestImages.PNG_SIGNATURE, "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.US_ASCII)),
        "image/png");
  }

  @Test
  @DisplayName("the classic GIF/JavaScript polyglot (GIF89a=…) declares a screen of 12605 × 24891 from its script: refused as too large")
  void gifScriptPolyglot() {
    assertTooLarge("GIF89a=1;alert(document.domain)//".getBytes(StandardCharsets.US_ASCII), "image/gif");
  }

  @Test
  @DisplayName("a JPEG cut inside its image data decodes as far as it goes, as browsers show it: kept")
  void jpegCutInItsScanIsPartial() throws Exception {
    byte[] jpeg = TestImages.jpeg(300, 200);
    ImageInfo info = inspect(Arrays.copyOf(jpeg, jpeg.length * 2 / 3), "image/jpeg");
    assertThat(info.width()).isEqualTo(300);
    assertThat(info.thumbnail().bytes()).isNotEmpty();
  }

  @Test
  @DisplayName("a type it does not read is the caller's mistake")
  void notAnImageType() {
    assertThatThrownBy(() -> inspect(new byte[] {1}, "image/svg+xml")).isInstanceOf(IllegalArgumentException.class);
  }

  void assertTooLarge(byte[] image, String type) {
    assertThatThrownBy(() -> inspect(image, type)).as(type)
        .isInstanceOfSatisfying(RefusedFileException.class, e -> assertThat(e.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE));
  }

  void assertUnreadable(byte[] image, String type) {
    assertThatThrownBy(() -> inspect(image, type)).as(type + " of " + image.length + " bytes")
        .isInstanceOfSatisfying(RefusedFileException.class, e -> assertThat(e.reason()).isEqualTo(Reason.IMAGE_UNREADABLE));
  }
}

package io.chatplatform.history.files;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Images made in the tests with ImageIO, and the hand-made bytes of hostile ones. */
final class TestImages {
  private TestImages() {}

  static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  /** Left half {@code left}, right half {@code right}. */
  static BufferedImage halves(int width, int height, Color left, Color right, int type) {
    BufferedImage image = new BufferedImage(width, height, type);
    Graphics2D g = image.createGraphics();
    g.setColor(left);
    g.fillRect(0, 0, width / 2, height);
    g.setColor(right);
    g.fillRect(width / 2, 0, width - width / 2, height);
    g.dispose();
    return image;
  }

  static BufferedImage redBlue(int width, int height) {
    return halves(width, height, Color.RED, Color.BLUE, BufferedImage.TYPE_INT_RGB);
  }

  static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] png(int width, int height) {
    return encode(redBlue(width, height), "png");
  }

  static byte[] jpeg(int width, int height) {
    return encode(redBlue(width, height), "jpeg");
  }

  /** An animated GIF whose frames are filled with the colours, in order. */
  static byte[] animatedGif(int width, int height, Color... frames) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.prepareWriteSequence(null);
      for (Color colour : frames) {
        writer.writeToSequence(new IIOImage(halves(width, height, colour, colour, BufferedImage.TYPE_INT_RGB), null, null), null);
      }
      writer.endWriteSequence();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** A GIF whose left half is red and right half the palette's transparent entry. */
  static byte[] halfTransparentGif(int width, int height) {
    IndexColorModel palette = new IndexColorModel(8, 2, new byte[] {(byte) 255, 0}, new byte[] {0, 0},
        new byte[] {0, 0}, 1);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, palette);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.getRaster().setSample(x, y, 0, x < width / 2 ? 0 : 1);
      }
    }
    return encode(image, "gif");
  }

  /** A PNG chunk: length, type, data, CRC of type and data. */
  static byte[] chunk(String type, byte[] data) {
    ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    chunk.putInt(data.length).put(typeBytes).put(data);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    chunk.putInt((int) crc.getValue());
    return chunk.array();
  }

  static byte[] ihdr(int width, int height) {
    return chunk("IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height)
        .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array());
  }

  /**
   * A valid, tiny PNG that declares {@code width × height} RGB pixels: its one IDAT holds the
   * deflated first rows only (a real bomb would hold all of them: zeros deflate about 1000:1).
   */
  static byte[] pngDeclaring(int width, int height) {
    byte[] row = new byte[1 + 3 * Math.min(width, 1000)];
    Deflater deflater = new Deflater();
    deflater.setInput(row);
    deflater.finish();
    byte[] compressed = new byte[row.length + 64];
    int length = deflater.deflate(compressed);
    deflater.end();
    return concat(PNG_SIGNATURE, ihdr(width, height),
        chunk("IDAT", java.util.Arrays.copyOf(compressed, length)), chunk("IEND", new byte[0]));
  }

  /** A real RGB PNG of a colour gradient, deflated row by row (no image of that size is held). */
  static byte[] gradientPng(int width, int height) {
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    try (java.util.zip.DeflaterOutputStream out = new java.util.zip.DeflaterOutputStream(idat, deflater, 1 << 16)) {
      byte[] row = new byte[1 + 3 * width];
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          row[1 + 3 * x] = (byte) (x * 255 / width);
          row[2 + 3 * x] = (byte) (y * 255 / height);
          row[3 + 3 * x] = (byte) 128;
        }
        out.write(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deflater.end();
    }
    return concat(PNG_SIGNATURE, ihdr(width, height), chunk("IDAT", idat.toByteArray()), chunk("IEND", new byte[0]));
  }

  /**
   * A PNG declaring {@code width × height} whose IDAT is {@code idatBytes} of zeros, produced as
   * they are read and counted: what a decoder would have to read of a bomb.
   */
  static CountingStream pngBombStream(int width, int height, long idatBytes) {
    byte[] head = concat(PNG_SIGNATURE, ihdr(width, height),
        ByteBuffer.allocate(8).putInt((int) idatBytes).put("IDAT".getBytes(StandardCharsets.US_ASCII)).array());
    return new CountingStream(head, idatBytes);
  }

  /** Bytes of {@code head}, then {@code zeros} zero bytes; counts what was read. */
  static final class CountingStream extends InputStream {
    private final byte[] head;
    private final long total;
    long read;

    CountingStream(byte[] head, long zeros) {
      this.head = head;
      this.total = head.length + zeros;
    }

    @Override
    public int read() {
      if (read >= total) {
        return -1;
      }
      int b = read < head.length ? head[(int) read] & 0xFF : 0;
      read++;
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (read >= total) {
        return -1;
      }
      int n = (int) Math.min(length, total - read);
      for (int i = 0; i < n; i++) {
        buffer[offset + i] = (byte) read();
      }
      return n;
    }
  }

  /** The JPEG with its frame header (SOF0) declaring {@code width × height}. */
  static byte[] jpegDeclaring(byte[] jpeg, int width, int height) {
    byte[] patched = jpeg.clone();
    for (int i = 2; i + 9 < patched.length; i++) {
      if ((patched[i] & 0xFF) == 0xFF && (patched[i + 1] & 0xFF) == 0xC0) {
        ByteBuffer.wrap(patched, i + 5, 4).putShort((short) height).putShort((short) width);
        return patched;
      }
    }
    throw new IllegalStateException("no SOF0 segment");
  }

  /**
   * An Exif APP1 segment as a camera writes it: IFD0 with an ImageDescription ({@code secret}),
   * the Orientation, and a pointer to a GPS IFD holding a latitude (N 48° 51′ 24.12″).
   */
  static byte[] exifSegment(int orientation, String secret, ByteOrder order) {
    byte[] description = (secret + "\0").getBytes(StandardCharsets.US_ASCII);
    int ifd0 = 8;
    int ifd0Size = 2 + 3 * 12 + 4;
    int descriptionAt = ifd0 + ifd0Size;
    int gpsAt = descriptionAt + description.length;
    int gpsSize = 2 + 2 * 12 + 4;
    int latitudeAt = gpsAt + gpsSize;
    ByteBuffer tiff = ByteBuffer.allocate(latitudeAt + 24).order(order);
    tiff.put(order == ByteOrder.BIG_ENDIAN ? (byte) 'M' : (byte) 'I').put(tiff.get(0)).putShort((short) 42).putInt(ifd0);
    tiff.putShort((short) 3);
    tiff.putShort((short) 0x010E).putShort((short) 2).putInt(description.length).putInt(descriptionAt);
    tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
    tiff.putShort((short) 0x8825).putShort((short) 4).putInt(1).putInt(gpsAt);
    tiff.putInt(0);
    tiff.put(description);
    tiff.putShort((short) 2);
    tiff.putShort((short) 1).putShort((short) 2).putInt(2).put((byte) 'N').put((byte) 0).putShort((short) 0);
    tiff.putShort((short) 2).putShort((short) 5).putInt(3).putInt(latitudeAt);
    tiff.putInt(0);
    tiff.putInt(48).putInt(1).putInt(51).putInt(1).putInt(2412).putInt(100);
    byte[] payload = concat("Exif\0\0".getBytes(StandardCharsets.US_ASCII), tiff.array());
    return concat(new byte[] {(byte) 0xFF, (byte) 0xE1},
        ByteBuffer.allocate(2).putShort((short) (payload.length + 2)).array(), payload);
  }

  /** The JPEG with the segment inserted right after its start-of-image marker, where cameras put Exif. */
  static byte[] withSegment(byte[] jpeg, byte[] segment) {
    return concat(java.util.Arrays.copyOf(jpeg, 2), segment, java.util.Arrays.copyOfRange(jpeg, 2, jpeg.length));
  }

  /** The markers of a JPEG's segments up to its image data (start of scan), in order. */
  static List<Integer> jpegMarkers(byte[] jpeg) {
    List<Integer> markers = new ArrayList<>();
    int at = 2;
    while (at + 4 <= jpeg.length && (jpeg[at] & 0xFF) == 0xFF) {
      int marker = jpeg[at + 1] & 0xFF;
      markers.add(marker);
      if (marker == 0xDA) {
        break;
      }
      at += 2 + (((jpeg[at + 2] & 0xFF) << 8) | (jpeg[at + 3] & 0xFF));
    }
    return markers;
  }

  /** The chunk types of a PNG, in order. */
  static List<String> pngChunks(byte[] png) {
    List<String> types = new ArrayList<>();
    ByteBuffer buffer = ByteBuffer.wrap(png);
    buffer.position(PNG_SIGNATURE.length);
    while (buffer.remaining() >= 12) {
      int length = buffer.getInt();
      byte[] type = new byte[4];
      buffer.get(type);
      types.add(new String(type, StandardCharsets.US_ASCII));
      buffer.position(buffer.position() + length + 4);
    }
    return types;
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  static byte[] resource(String name) {
    try (InputStream in = TestImages.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

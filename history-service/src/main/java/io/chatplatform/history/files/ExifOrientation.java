package io.chatplatform.history.files;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.imageio.stream.ImageInputStream;

/**
 * The Exif orientation (TIFF tag 0x0112, 1 to 8) of a JPEG, read from its first Exif APP1 segment
 * and nothing else: the segments before the image data are skipped by their lengths, at most one
 * segment (64 KiB) is held, and anything malformed reads as 1 (as stored). ImageIO's own metadata
 * would keep every marker segment of the file in memory.
 */
final class ExifOrientation {
  private ExifOrientation() {}

  static final int AS_STORED = 1;
  private static final int SOI = 0xD8;
  private static final int EOI = 0xD9;
  private static final int SOS = 0xDA;
  private static final int APP1 = 0xE1;
  private static final int TEM = 0x01;
  private static final int RST0 = 0xD0;
  private static final int RST7 = 0xD7;
  private static final byte[] EXIF = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
  private static final int TIFF_HEADER = 8;
  private static final int IFD_ENTRY = 12;
  private static final int ORIENTATION_TAG = 0x0112;

  /** The orientation of the JPEG that starts at the stream's current position; the position is left anywhere. */
  static int read(ImageInputStream in) throws IOException {
    try {
      if (in.read() != 0xFF || in.read() != SOI) {
        return AS_STORED;
      }
      while (true) {
        if (in.read() != 0xFF) {
          return AS_STORED;
        }
        int marker = in.read();
        while (marker == 0xFF) {
          marker = in.read();
        }
        if (marker < 0 || marker == SOS || marker == EOI) {
          return AS_STORED;
        }
        if (marker == TEM || (marker >= RST0 && marker <= RST7)) {
          continue;
        }
        int length = in.readUnsignedShort() - 2;
        if (length < 0) {
          return AS_STORED;
        }
        if (marker == APP1 && length >= EXIF.length + TIFF_HEADER) {
          byte[] segment = new byte[length];
          in.readFully(segment);
          if (Arrays.equals(segment, 0, EXIF.length, EXIF, 0, EXIF.length)) {
            return fromTiff(ByteBuffer.wrap(segment, EXIF.length, length - EXIF.length).slice());
          }
        } else {
          in.skipBytes(length);
        }
      }
    } catch (EOFException e) {
      return AS_STORED;
    }
  }

  /** The orientation in IFD0 of the TIFF structure an Exif segment holds. */
  private static int fromTiff(ByteBuffer tiff) {
    if (tiff.remaining() < TIFF_HEADER) {
      return AS_STORED;
    }
    if (tiff.get(0) == 'I' && tiff.get(1) == 'I') {
      tiff.order(ByteOrder.LITTLE_ENDIAN);
    } else if (tiff.get(0) != 'M' || tiff.get(1) != 'M') {
      return AS_STORED;
    }
    long ifd = Integer.toUnsignedLong(tiff.getInt(4));
    if (Short.toUnsignedInt(tiff.getShort(2)) != 42 || ifd < TIFF_HEADER || ifd + 2 > tiff.limit()) {
      return AS_STORED;
    }
    int entries = Short.toUnsignedInt(tiff.getShort((int) ifd));
    for (int i = 0; i < entries; i++) {
      int entry = (int) ifd + 2 + i * IFD_ENTRY;
      if (entry + IFD_ENTRY > tiff.limit()) {
        break;
      }
      if (Short.toUnsignedInt(tiff.getShort(entry)) == ORIENTATION_TAG) {
        // A SHORT value sits in the first two bytes of the entry's value field.
        int orientation = Short.toUnsignedInt(tiff.getShort(entry + 8));
        return orientation >= 1 && orientation <= 8 ? orientation : AS_STORED;
      }
    }
    return AS_STORED;
  }
}

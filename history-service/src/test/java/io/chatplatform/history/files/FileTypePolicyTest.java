package io.chatplatform.history.files;

import static io.chatplatform.history.files.TestImages.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.history.files.RefusedFileException.Reason;
import io.chatplatform.runtime.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Which uploads are kept, by their bytes and their name")
class FileTypePolicyTest {
  static final FileTypePolicy POLICY = new FileTypePolicy(FileConfig.from(Settings.of(Map.of())));

  static CheckedFile check(byte[] head, String name) throws RefusedFileException {
    return POLICY.check(head, name);
  }

  static void assertRefused(byte[] head, String name, Reason reason) {
    assertThatThrownBy(() -> check(head, name)).as(name)
        .isInstanceOfSatisfying(RefusedFileException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  static void assertAccepted(byte[] head, String name, String type, String storedName) throws RefusedFileException {
    assertThat(check(head, name)).as(name).isEqualTo(new CheckedFile(storedName, type));
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  // -- Samples: real encoders where the JDK has one, else the format's own header bytes.

  static byte[] zip(String... entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (String entry : entries) {
        zip.putNextEntry(new ZipEntry(entry));
        zip.write(ascii("<x/>"));
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** An OpenDocument file: its first entry, stored, is "mimetype" holding its type (ODF 1.2 §3.3). */
  static byte[] openDocument(String type) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      byte[] content = ascii(type);
      ZipEntry mimetype = new ZipEntry("mimetype");
      mimetype.setMethod(ZipEntry.STORED);
      mimetype.setSize(content.length);
      CRC32 crc = new CRC32();
      crc.update(content);
      mimetype.setCrc(crc.getValue());
      zip.putNextEntry(mimetype);
      zip.write(content);
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("content.xml"));
      zip.write(ascii("<office:document-content/>"));
      zip.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** OLE2 compound file (legacy .doc/.xls/.ppt, .msi): its 8-byte signature in a 512-byte header. */
  static final byte[] OLE2 = Arrays.copyOf(new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0,
      (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1}, 512);
  static final byte[] PNG = TestImages.png(8, 8);
  static final byte[] JPEG = TestImages.jpeg(8, 8);
  static final byte[] PDF = ascii("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n");
  static final byte[] WAV = ascii("RIFF\u0024\0\0\0WAVEfmt \u0010\0\0\0\u0001\0\u0001\0");
  static final byte[] MP3 = ascii("ID3\u0003\0\0\0\0\0\0");
  static final byte[] WEBM = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, (byte) 0x9F, 0x42, (byte) 0x86, (byte) 0x81, 1,
      0x42, (byte) 0xF7, (byte) 0x81, 1, 0x42, (byte) 0xF2, (byte) 0x81, 4, 0x42, (byte) 0xF3, (byte) 0x81, 8,
      0x42, (byte) 0x82, (byte) 0x84, 'w', 'e', 'b', 'm', 0x42, (byte) 0x87, (byte) 0x81, 4, 0x42, (byte) 0x85,
      (byte) 0x81, 2};
  static final byte[] SEVEN_ZIP = {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C, 0, 4};
  static final String HTML = "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";
  static final String SVG = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\">"
      + "<script>alert(document.cookie)</script></svg>";

  /** The first page of an Ogg stream whose first packet starts with {@code codecHeader}. */
  static byte[] ogg(String codecHeader) {
    byte[] page = new byte[64];
    System.arraycopy(ascii("OggS"), 0, page, 0, 4);
    System.arraycopy(ascii(codecHeader), 0, page, 28, codecHeader.length());
    return page;
  }

  /** An ISO base media file (MP4, M4A, MOV) starting with its ftyp box of that major brand. */
  static byte[] isoMedia(String brand) {
    return concat(new byte[] {0, 0, 0, 24}, ascii("ftyp" + brand + "\0\0\0\0isommp42"));
  }

  static byte[] gzip(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A POSIX tar header block: the name, then "ustar" at offset 257. */
  static byte[] tar() {
    byte[] block = new byte[1024];
    System.arraycopy(ascii("notes.txt"), 0, block, 0, 9);
    System.arraycopy(ascii("ustar\u000000"), 0, block, 257, 8);
    return block;
  }

  // -- Tests

  @Test
  @DisplayName("each default type is accepted by its bytes and its usual name")
  void defaults() throws Exception {
    assertAccepted(PNG, "cat.png", "image/png", "cat.png");
    assertAccepted(JPEG, "IMG_0001.JPG", "image/jpeg", "IMG_0001.JPG");
    assertAccepted(TestImages.encode(TestImages.redBlue(4, 4), "gif"), "a.gif", "image/gif", "a.gif");
    assertAccepted(TestImages.resource("opaque-lossy.webp"), "a.webp", "image/webp", "a.webp");
    assertAccepted(MP3, "song.mp3", "audio/mpeg", "song.mp3");
    assertAccepted(WAV, "take.wav", "audio/vnd.wave", "take.wav");
    assertAccepted(ogg("\u0001vorbis"), "tune.ogg", "audio/vorbis", "tune.ogg");
    assertAccepted(isoMedia("M4A "), "memo.m4a", "audio/mp4", "memo.m4a");
    assertAccepted(new byte[] {(byte) 0xFF, (byte) 0xF1, 0x50, (byte) 0x80, 0, 0x1F, (byte) 0xFC}, "a.aac",
        "audio/x-aac", "a.aac");
    assertAccepted(isoMedia("mp42"), "clip.mp4", "video/mp4", "clip.mp4");
    assertAccepted(isoMedia("qt  "), "IMG_0002.MOV", "video/quicktime", "IMG_0002.MOV");
    assertAccepted(WEBM, "screen.webm", "video/webm", "screen.webm");
    assertAccepted(PDF, "paper.pdf", "application/pdf", "paper.pdf");
    assertAccepted(ascii("meeting at 10\n"), "notes.txt", "text/plain", "notes.txt");
    assertAccepted(OLE2, "old.doc", "application/msword", "old.doc");
    assertAccepted(OLE2, "old.xls", "application/vnd.ms-excel", "old.xls");
    assertAccepted(OLE2, "old.ppt", "application/vnd.ms-powerpoint", "old.ppt");
    assertAccepted(openDocument("application/vnd.oasis.opendocument.text"), "a.odt",
        "application/vnd.oasis.opendocument.text", "a.odt");
    assertAccepted(openDocument("application/vnd.oasis.opendocument.spreadsheet"), "a.ods",
        "application/vnd.oasis.opendocument.spreadsheet", "a.ods");
    assertAccepted(openDocument("application/vnd.oasis.opendocument.presentation"), "a.odp",
        "application/vnd.oasis.opendocument.presentation", "a.odp");
    assertAccepted(zip("a.txt"), "photos.zip", "application/zip", "photos.zip");
    assertAccepted(gzip(tar()), "backup.tar.gz", "application/gzip", "backup.tar.gz");
    assertAccepted(SEVEN_ZIP, "a.7z", "application/x-7z-compressed", "a.7z");
    assertAccepted(tar(), "a.tar", "application/x-tar", "a.tar");
  }

  @Test
  @DisplayName("office documents are zips (OOXML) or OLE2 files by their bytes: the name says which, the container is not opened")
  void containers() throws Exception {
    byte[] word = zip("[Content_Types].xml", "_rels/.rels", "word/document.xml");
    String docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    assertAccepted(word, "cv.docx", docx, "cv.docx");
    assertAccepted(word, "sheet.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "sheet.xlsx");
    assertAccepted(word, "deck.pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", "deck.pptx");
    // Decided: tika-core cannot look inside, so any zip named .docx is stored as one (Word fails to open it).
    assertAccepted(zip("readme.txt"), "not-really.docx", docx, "not-really.docx");
    assertAccepted(word, "cv.zip", "application/zip", "cv.zip");
    assertRefused(word, "cv", Reason.TYPE_NOT_ALLOWED);
    assertRefused(zip("META-INF/MANIFEST.MF"), "tool.jar", Reason.TYPE_NOT_ALLOWED);
    assertRefused(OLE2, "setup.msi", Reason.TYPE_NOT_ALLOWED);
    assertRefused(openDocument("application/vnd.oasis.opendocument.text"), "a.ods", Reason.EXTENSION_MISMATCH);
    assertRefused(zip("a.txt"), "photo.png", Reason.EXTENSION_MISMATCH);
  }

  @Test
  @DisplayName("media containers: Opus in a .ogg, M4A audio in a .mp4, a WebM voice note")
  void mediaContainers() throws Exception {
    assertAccepted(ogg("OpusHead"), "voice.ogg", "audio/opus", "voice.ogg");
    assertAccepted(ogg("OpusHead"), "voice.opus", "audio/opus", "voice.opus");
    assertAccepted(isoMedia("M4A "), "memo.mp4", "video/mp4", "memo.mp4");
    assertAccepted(WEBM, "voice.webm", "video/webm", "voice.webm");
    assertRefused(WAV, "take.mp3", Reason.EXTENSION_MISMATCH);
    assertRefused(isoMedia("3gp4"), "old.3gp", Reason.TYPE_NOT_ALLOWED);
  }

  @Test
  @DisplayName("a name whose extension claims another type than the bytes is refused: a PNG named x.pdf")
  void extensionMismatch() {
    assertRefused(PNG, "x.pdf", Reason.EXTENSION_MISMATCH);
    assertRefused(JPEG, "x.png", Reason.EXTENSION_MISMATCH);
    assertRefused(PDF, "invoice.jpg", Reason.EXTENSION_MISMATCH);
    assertRefused(ascii("MZ\u0090\0\u0003\0\0\0"), "readme.txt", Reason.EXTENSION_MISMATCH);
    assertRefused(ascii("MZ\u0090\0\u0003\0\0\0"), "setup.exe", Reason.TYPE_NOT_ALLOWED);
  }

  @Test
  @DisplayName("HTML is refused by its bytes whatever its name, and by its name whatever its bytes")
  void html() {
    assertRefused(ascii(HTML), "x.png", Reason.ACTIVE_CONTENT);
    assertRefused(ascii(HTML), "x.txt", Reason.ACTIVE_CONTENT);
    assertRefused(ascii(HTML), "x", Reason.ACTIVE_CONTENT);
    assertRefused(ascii("\uFEFF   \n<HTML><BODY onload=alert(1)>"), "x.txt", Reason.ACTIVE_CONTENT);
    assertRefused(ascii("hello " + "x".repeat(2000) + "<html><script>alert(1)</script>"), "x.txt", Reason.ACTIVE_CONTENT);
    assertRefused(ascii("plain words"), "page.html", Reason.ACTIVE_CONTENT);
    assertRefused(ascii("plain words"), "page.xhtml", Reason.ACTIVE_CONTENT);
    assertRefused(concat(TestImages.PNG_SIGNATURE, ascii(HTML)), "x.htm", Reason.ACTIVE_CONTENT);
  }

  @Test
  @DisplayName("SVG, XML and script are refused the same way; markup Tika takes for text is stored as text/plain")
  void svgAndScript() throws Exception {
    assertRefused(ascii(SVG), "logo.svg", Reason.ACTIVE_CONTENT);
    assertRefused(ascii(SVG), "logo.png", Reason.ACTIVE_CONTENT);
    assertRefused(ascii(SVG), "logo.txt", Reason.ACTIVE_CONTENT);
    assertRefused(ascii("<?xml version=\"1.0\"?><feed/>"), "feed.txt", Reason.ACTIVE_CONTENT);
    assertRefused(ascii("let x = 1;"), "app.js", Reason.ACTIVE_CONTENT);
    assertRefused(ascii("<svg onload=alert(1)>"), "x.svg", Reason.ACTIVE_CONTENT);
    // No XML declaration, no namespace: Tika's magic calls it text, so it is stored as text/plain,
    // which a browser never renders as markup (served with nosniff).
    assertAccepted(ascii("<svg onload=alert(1)>"), "x.txt", "text/plain", "x.txt");
  }

  @Test
  @DisplayName("polyglots keep the type of their first bytes: a GIF that is also script, a PDF that holds HTML")
  void polyglots() throws Exception {
    // Passes here as image/gif; ImageInspectorTest#unreadable shows that it does not decode, so it is refused there.
    assertAccepted(ascii("GIF89a=1;alert(document.domain)//"), "x.gif", "image/gif", "x.gif");
    assertAccepted(concat(ascii("%PDF-1.4\n"), ascii(HTML)), "x.pdf", "application/pdf", "x.pdf");
    byte[] gifar = concat(TestImages.encode(TestImages.redBlue(4, 4), "gif"), zip("Evil.class"));
    assertAccepted(gifar, "x.gif", "image/gif", "x.gif");
    assertRefused(gifar, "x.zip", Reason.EXTENSION_MISMATCH);
  }

  @Test
  @DisplayName("zero bytes, and bytes of no recognised type, are refused whatever the name")
  void emptyAndUnrecognised() {
    assertRefused(new byte[0], "empty.txt", Reason.EMPTY);
    assertRefused(new byte[0], "x.png", Reason.EMPTY);
    byte[] noise = new byte[4096];
    new Random(15).nextBytes(noise);
    noise[0] = 0;
    assertRefused(noise, "noise.txt", Reason.UNRECOGNISED);
    assertRefused(noise, "noise.pdf", Reason.UNRECOGNISED);
  }

  @Test
  @DisplayName("text is text/plain; CSV and Markdown are their own types, not allowed by default (CSV runs formulas in spreadsheets)")
  void text() throws Exception {
    assertAccepted(ascii("#!/bin/sh\nrm -rf /\n"), "script.txt", "text/plain", "script.txt");
    assertAccepted("h\u00E9llo w\u00F6rld \u2713".getBytes(StandardCharsets.UTF_8), "a.txt", "text/plain", "a.txt");
    assertRefused(ascii("a,b\n1,2\n"), "data.csv", Reason.TYPE_NOT_ALLOWED);
    assertRefused(ascii("# Title\n"), "README.md", Reason.TYPE_NOT_ALLOWED);

    FileTypePolicy withCsv = new FileTypePolicy(FileConfig.from(Settings.of(Map.of("UPLOAD_ALLOWED_TYPES", "text/plain,text/csv"))));
    assertThat(withCsv.check(ascii("a,b\n1,2\n"), "data.csv")).isEqualTo(new CheckedFile("data.csv", "text/csv"));
    assertThatThrownBy(() -> withCsv.check(PNG, "a.png")).isInstanceOfSatisfying(RefusedFileException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.TYPE_NOT_ALLOWED));
  }

  @Test
  @DisplayName("a name without an extension, or with one no type has, gets the type's usual extension")
  void missingExtension() throws Exception {
    assertAccepted(PNG, "image", "image/png", "image.png");
    assertAccepted(PNG, null, "image/png", "file.png");
    assertAccepted(PNG, "photo.backup", "image/png", "photo.backup.png");
    assertAccepted(ascii("meeting at 10\n"), "README", "text/plain", "README.txt");
    assertAccepted(ogg("\u0001vorbis"), "recording", "audio/vorbis", "recording.ogg");
    String longName = "n".repeat(300);
    String stored = check(PNG, longName).name();
    assertThat(stored).hasSize(200).endsWith("n.png");
  }

  @Test
  @DisplayName("the name is sanitised before its extension is read: ../ parts and a bidi override are gone")
  void nameIsSanitised() throws Exception {
    assertAccepted(PNG, "../../etc/cat.png", "image/png", "cat.png");
    // Shown as "evilexe.png" with the override; without it, the name is what it is: an .exe, not a PNG.
    assertRefused(PNG, "evil\u202Egnp.exe", Reason.EXTENSION_MISMATCH);
  }

  @Test
  @DisplayName("shown inline: inspected images, audio, video; an allowed image type that is not inspected is only downloaded")
  void inline() throws Exception {
    assertThat(check(PNG, "a.png").image()).isTrue();
    assertThat(check(PNG, "a.png").inline()).isTrue();
    assertThat(check(MP3, "a.mp3").inline()).isTrue();
    assertThat(check(WEBM, "a.webm").image()).isFalse();
    assertThat(check(PDF, "a.pdf").inline()).isFalse();
    assertThat(check(ascii("x"), "a.txt").inline()).isFalse();
    FileTypePolicy withBmp = new FileTypePolicy(FileConfig.from(Settings.of(Map.of("UPLOAD_ALLOWED_TYPES", "image/bmp"))));
    CheckedFile bmp = withBmp.check(TestImages.encode(TestImages.redBlue(4, 4), "bmp"), "a.bmp");
    assertThat(bmp.contentType()).isEqualTo("image/bmp");
    assertThat(bmp.image()).isFalse();
    assertThat(bmp.inline()).isFalse();
  }
}

package io.chatplatform.history.files;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Stored file names")
class FileNamesTest {
  static String clean(String name) {
    return FileNames.sanitise(name, 200);
  }

  @Test
  @DisplayName("only the last path part is kept, with either separator")
  void pathParts() {
    assertThat(clean("../../etc/passwd")).isEqualTo("passwd");
    assertThat(clean("..\\..\\Windows\\win.ini")).isEqualTo("win.ini");
    assertThat(clean("C:\\Users\\me\\Pictures\\cat.jpg")).isEqualTo("cat.jpg");
    assertThat(clean("/var/tmp/")).isEqualTo("tmp");
    assertThat(clean("a/b\\..")).as("'..' alone is dots only").isEqualTo(FileNames.FALLBACK);
  }

  @Test
  @DisplayName("no leading dots or spaces, no trailing dots or spaces")
  void dots() {
    assertThat(clean(".htaccess")).isEqualTo("htaccess");
    assertThat(clean("...hidden.txt")).isEqualTo("hidden.txt");
    assertThat(clean("  report.pdf  ")).isEqualTo("report.pdf");
    assertThat(clean("report.pdf...")).isEqualTo("report.pdf");
    assertThat(clean("..")).isEqualTo("file");
  }

  @Test
  @DisplayName("bidi controls and invisible characters are dropped: evil\\u202Egnp.exe cannot pass for a PNG")
  void bidiAndInvisible() {
    assertThat(clean("evil\u202Egnp.exe")).isEqualTo("evilgnp.exe");
    assertThat(clean("in\u200Bvoice\u2060.pdf")).isEqualTo("invoice.pdf");
    assertThat(clean("\u2066x\u2069.txt")).isEqualTo("x.txt");
    assertThat(clean("\uFEFFbom.txt")).isEqualTo("bom.txt");
    assertThat(clean("\u3164\u115F.txt")).as("Hangul fillers").isEqualTo("txt");
    assertThat(clean("\u200B\u200E\u202E")).isEqualTo(FileNames.FALLBACK);
    assertThat(clean("tag\uDB40\uDC41s.txt")).as("tag characters").isEqualTo("tags.txt");
    assertThat(clean("half\uD800.txt")).as("a lone surrogate").isEqualTo("half.txt");
    assertThat(clean("nonchar\uFFFE.txt")).isEqualTo("nonchar.txt");
  }

  @Test
  @DisplayName("joiners between visible characters and emoji variation selectors stay")
  void joinersThatScriptsNeed() {
    String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67";
    assertThat(clean(family + ".jpg")).isEqualTo(family + ".jpg");
    assertThat(clean("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645.txt")).as("Persian ZWNJ")
        .isEqualTo("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645.txt");
    assertThat(clean("\u2764\uFE0F.png")).isEqualTo("\u2764\uFE0F.png");
    assertThat(clean("\u200Dlonely.txt")).as("a joiner after nothing").isEqualTo("lonely.txt");
  }

  @Test
  @DisplayName("controls and line breaks become one space; Windows' reserved characters and quotes become _")
  void controlsAndReserved() {
    assertThat(clean("a\r\nb\tc\u0000d\u0085e\u2028f.txt")).isEqualTo("a b c d e f.txt");
    assertThat(clean("x\u001B[31mred.txt")).isEqualTo("x [31mred.txt");
    assertThat(clean("a:b*c?d\"e<f>g|h.txt")).isEqualTo("a_b_c_d_e_f_g_h.txt");
    assertThat(clean("report\".pdf\r\nX-Injected: 1")).doesNotContain("\"", "\r", "\n");
    assertThat(clean("wide\u3000\u00A0space.txt")).isEqualTo("wide space.txt");
  }

  @Test
  @DisplayName("NFC: a combining accent and a precomposed one give the same name")
  void nfc() {
    assertThat(clean("Cafe\u0301.txt")).isEqualTo("Caf\u00E9.txt");
    assertThat(clean("Cafe\u200B\u0301.txt")).as("composed after the invisible character went").isEqualTo("Caf\u00E9.txt");
  }

  @Test
  @DisplayName("an over-long name is cut to UPLOAD_NAME_MAX_CHARS keeping its extension, never inside a character")
  void longNames() {
    String cut = FileNames.sanitise("a".repeat(500) + ".JPEG", 40);
    assertThat(cut).hasSize(40).endsWith(".JPEG").startsWith("aaaa");

    String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67";
    assertThat(FileNames.sanitise(family.repeat(10) + ".jpg", 16)).as("12 code points hold two families of 5, not 2.4")
        .isEqualTo(family.repeat(2) + ".jpg");

    String accents = "e\u0301\u0301\u0301".repeat(20) + ".txt";
    assertThat(FileNames.sanitise(accents, 33)).as("29 code points hold 9 whole clusters of 3")
        .isEqualTo("\u00E9\u0301\u0301".repeat(9) + ".txt");

    String noExtension = FileNames.sanitise("b".repeat(300), 50);
    assertThat(noExtension).isEqualTo("b".repeat(50));

    String hugeExtension = FileNames.sanitise("x." + "y".repeat(300), 50);
    assertThat(hugeExtension).as("not an extension: cut like a name").hasSize(50);
  }

  @Test
  @DisplayName("nothing usable, or no name at all: 'file'")
  void fallback() {
    assertThat(clean(null)).isEqualTo("file");
    assertThat(clean("")).isEqualTo("file");
    assertThat(clean("   ")).isEqualTo("file");
    assertThat(clean("///")).isEqualTo("file");
  }

  @Test
  @DisplayName("the extension is what follows the last dot: lower case, letters and digits, not of a dot file")
  void extension() {
    assertThat(FileNames.extension("photo.JPG")).isEqualTo("jpg");
    assertThat(FileNames.extension("archive.tar.gz")).isEqualTo("gz");
    assertThat(FileNames.extension("notes. final")).isEmpty();
    assertThat(FileNames.extension("README")).isEmpty();
    assertThat(FileNames.extension(".profile")).isEmpty();
    assertThat(FileNames.extension("x.")).isEmpty();
    assertThat(FileNames.extension("x." + "a".repeat(17))).isEmpty();
  }

  @Test
  @DisplayName("an extension added to a name fits within the limit")
  void withExtension() {
    assertThat(FileNames.withExtension("c".repeat(100), "txt", 40)).hasSize(40).endsWith("c.txt");
    assertThat(FileNames.withExtension("notes", "txt", 40)).isEqualTo("notes.txt");
  }
}

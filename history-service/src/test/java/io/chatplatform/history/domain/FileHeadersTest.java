package io.chatplatform.history.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("How files are presented")
class FileHeadersTest {
  @Test
  @DisplayName("inspected images, audio and video in place; everything else, SVG, HTML and uninspected images above all, as a download")
  void disposition() {
    for (String type : new String[] {"image/png", "image/jpeg", "audio/ogg", "video/mp4"}) {
      assertThat(FileHeaders.contentDisposition("a.bin", type)).as(type).startsWith("inline;");
    }
    for (String type : new String[] {"image/svg+xml", "image/bmp", "image/tiff", "text/html", "application/xhtml+xml", "application/pdf", "text/plain",
        "application/zip", "application/xml", null}) {
      assertThat(FileHeaders.contentDisposition("a.bin", type)).as(String.valueOf(type)).startsWith("attachment;");
    }
  }

  @Test
  @DisplayName("names cannot break out of the header, and keep their letters in UTF-8")
  void names() {
    assertThat(FileHeaders.contentDisposition("r\u00e9sum\u00e9 \"final\"\r\n.pdf", "application/pdf"))
        .isEqualTo("attachment; filename=\"r_sum_ _final___.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22%0D%0A.pdf");
  }

  @Test
  @DisplayName("If-None-Match names the tag, a weak form of it, or anything")
  void etags() {
    String etag = FileHeaders.etag("f_1", false);
    assertThat(etag).isEqualTo("\"f_1\"");
    assertThat(FileHeaders.etag("f_1", true)).isEqualTo("\"f_1-thumbnail\"");
    assertThat(FileHeaders.matches("\"x\", W/\"f_1\"", etag)).isTrue();
    assertThat(FileHeaders.matches("*", etag)).isTrue();
    assertThat(FileHeaders.matches("\"f_1-thumbnail\"", etag)).isFalse();
    assertThat(FileHeaders.matches(null, etag)).isFalse();
  }
}

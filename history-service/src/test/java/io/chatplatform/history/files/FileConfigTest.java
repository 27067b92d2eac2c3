package io.chatplatform.history.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.history.HistoryConfig;
import io.chatplatform.runtime.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("File settings")
class FileConfigTest {
  static FileConfig config(Map<String, String> values) {
    return FileConfig.from(Settings.of(values));
  }

  @Test
  @DisplayName("defaults: 25 MiB uploads, 1 GiB per user, 40 MP images (WebP 4096 × 4096), 320 px thumbnails, 200-character names, 24 h orphans")
  void defaults() {
    FileConfig config = config(Map.of());
    assertThat(config.maxUploadBytes()).isEqualTo(25L * 1024 * 1024);
    assertThat(config.userStorageQuotaBytes()).isEqualTo(1024L * 1024 * 1024);
    assertThat(config.maxImagePixels()).isEqualTo(40_000_000L);
    assertThat(config.maxWebpPixels()).isEqualTo(16_777_216L);
    assertThat(config.thumbnailMaxSide()).isEqualTo(320);
    assertThat(config.nameMaxChars()).isEqualTo(200);
    assertThat(config.orphanAge()).isEqualTo(Duration.ofHours(24));
    assertThat(config.thumbnailConcurrency()).isEqualTo(2);
    assertThat(config.allowedTypes()).containsExactlyInAnyOrderElementsOf(FileConfig.DEFAULT_ALLOWED_TYPES);
  }

  @Test
  @DisplayName("UPLOAD_ALLOWED_TYPES: aliases become Tika's canonical names, blanks are skipped")
  void allowedTypes() {
    FileConfig config = config(Map.of("UPLOAD_ALLOWED_TYPES", " audio/wav , application/x-gzip,,image/png "));
    assertThat(config.allowedTypes()).containsExactlyInAnyOrder("audio/vnd.wave", "application/gzip", "image/png");
  }

  @Test
  @DisplayName("HTML, SVG, XML and any kind of them can never be allowed: the service does not start")
  void activeContentIsNeverAllowed() {
    for (String type : new String[] {"text/html", "image/svg+xml", "application/xhtml+xml", "text/xml",
        "application/rss+xml", "application/javascript", "image/png,text/html"}) {
      assertThatThrownBy(() -> config(Map.of("UPLOAD_ALLOWED_TYPES", type))).as(type)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never accepted");
    }
  }

  @Test
  @DisplayName("history-service reads them at start-up: a wrong one stops it there, not at the first upload")
  void readAtStartUp() {
    assertThat(HistoryConfig.from(Settings.of(Map.of())).files().maxUploadBytes()).isEqualTo(25L * 1024 * 1024);
    assertThatThrownBy(() -> HistoryConfig.from(Settings.of(Map.of("UPLOAD_ALLOWED_TYPES", "image/svg+xml"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never accepted");
  }

  @Test
  @DisplayName("an unknown type, a malformed one, or none at all is a configuration error")
  void badLists() {
    assertThatThrownBy(() -> config(Map.of("UPLOAD_ALLOWED_TYPES", "image/x-made-up")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a type Tika detects");
    assertThatThrownBy(() -> config(Map.of("UPLOAD_ALLOWED_TYPES", "png")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a media type");
    assertThatThrownBy(() -> config(Map.of("UPLOAD_ALLOWED_TYPES", ",")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no type");
  }

  @Test
  @DisplayName("limits below their minimum are refused at start-up")
  void minimums() {
    assertThatThrownBy(() -> config(Map.of("MAX_UPLOAD_BYTES", "0"))).hasMessageContaining("MAX_UPLOAD_BYTES");
    assertThatThrownBy(() -> config(Map.of("MAX_IMAGE_PIXELS", "-1"))).hasMessageContaining("MAX_IMAGE_PIXELS");
    assertThatThrownBy(() -> config(Map.of("MAX_WEBP_PIXELS", "0"))).hasMessageContaining("MAX_WEBP_PIXELS");
    assertThatThrownBy(() -> config(Map.of("UPLOAD_NAME_MAX_CHARS", "10"))).hasMessageContaining("UPLOAD_NAME_MAX_CHARS");
    assertThatThrownBy(() -> config(Map.of("ORPHAN_FILE_HOURS", "0"))).hasMessageContaining("ORPHAN_FILE_HOURS");
    assertThatThrownBy(() -> config(Map.of("THUMBNAIL_CONCURRENCY", "0"))).hasMessageContaining("THUMBNAIL_CONCURRENCY");
  }
}

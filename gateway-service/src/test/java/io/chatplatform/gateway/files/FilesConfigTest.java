package io.chatplatform.gateway.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.runtime.Settings;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The gateway's file settings: defaults, and counts out of range refused at start")
class FilesConfigTest {
  @Test
  @DisplayName("defaults: 50 connections a loop, a 10 s wait for one, 10 uploads per user")
  void defaults() {
    FilesConfig config = FilesConfig.from(Settings.of(Map.of()));
    assertThat(config.internalConnections()).isEqualTo(50);
    assertThat(config.internalWaitMs()).isEqualTo(10_000);
    assertThat(config.uploadsPerUser()).isEqualTo(10);
  }

  @Test
  @DisplayName("0, above 100,000 and past an int are refused, naming the setting")
  void outOfRange() {
    for (String name : new String[] {"FILES_INTERNAL_CONNECTIONS", "FILE_UPLOADS_PER_USER"}) {
      for (String value : new String[] {"0", "100001", "2147483648"}) {
        assertThatThrownBy(() -> FilesConfig.from(Settings.of(Map.of(name, value)))).as(name + "=" + value)
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name);
      }
    }
    assertThatThrownBy(() -> FilesConfig.from(Settings.of(Map.of("FILES_INTERNAL_WAIT_MS", "0")))).hasMessageContaining("FILES_INTERNAL_WAIT_MS");
  }
}

package io.chatplatform.chat.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("docs/roles.md")
class RoomPermissionsDocTest {
  /** Tests run in the module's directory. */
  static final Path ROLES_MD = Path.of("..", "docs", "roles.md");

  @Test
  @DisplayName("is what RoomPermissionsDoc renders from the permission table")
  void upToDate() throws Exception {
    String onDisk = Files.exists(ROLES_MD) ? Files.readString(ROLES_MD, StandardCharsets.UTF_8) : "(missing)";
    assertThat(onDisk)
        .as("docs/roles.md differs from RoomPermissions: regenerate it from the repository root with "
            + "java -cp chat-service/target/classes io.chatplatform.chat.domain.RoomPermissionsDoc docs/roles.md")
        .isEqualTo(RoomPermissionsDoc.markdown());
  }
}

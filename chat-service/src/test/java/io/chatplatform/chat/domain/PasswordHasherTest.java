package io.chatplatform.chat.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Password hashes")
class PasswordHasherTest {
  final PasswordHasher hasher = new PasswordHasher(1000);

  @Test
  @DisplayName("a hash matches its password only, and is salted")
  void matchesOnlyItsPassword() {
    String hash = hasher.hash("correct horse");
    assertThat(hash).startsWith("pbkdf2-sha256$1000$").doesNotContain("correct horse");
    assertThat(hasher.matches("correct horse", hash)).isTrue();
    assertThat(hasher.matches("correct horsE", hash)).isFalse();
    assertThat(hasher.hash("correct horse")).isNotEqualTo(hash);
  }

  @Test
  @DisplayName("a hash made with other iterations still verifies; garbage never does")
  void storedIterationsWin() {
    String old = new PasswordHasher(500).hash("pw-12345");
    assertThat(hasher.matches("pw-12345", old)).isTrue();
    assertThat(hasher.matches("pw-12345", "plain-text")).isFalse();
    assertThat(hasher.matches("pw-12345", null)).isFalse();
  }
}

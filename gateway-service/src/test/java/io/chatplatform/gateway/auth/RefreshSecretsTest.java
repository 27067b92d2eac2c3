package io.chatplatform.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Refresh tokens as the gateway mints them")
class RefreshSecretsTest {
  final RefreshSecrets secrets = new RefreshSecrets();

  @Test
  @DisplayName("are 32 random bytes of base64url, each new, sent to chat-service only as their SHA-256")
  void minted() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      RefreshSecrets.Minted minted = secrets.mint();
      assertThat(minted.token()).matches("[A-Za-z0-9_-]{43}");
      assertThat(RefreshSecrets.wellFormed(minted.token())).isTrue();
      assertThat(minted.hash()).isEqualTo(RefreshSecrets.hash(minted.token())).isNotEqualTo(minted.token()).hasSize(43);
      assertThat(seen.add(minted.token())).isTrue();
      assertThat(minted.toString()).doesNotContain(minted.token()).doesNotContain(minted.hash());
    }
    // SHA-256 of "abc" (FIPS 180-2), base64url.
    assertThat(RefreshSecrets.hash("abc")).isEqualTo("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
  }

  @Test
  @DisplayName("anything else is not looked up: null, too short or long, other characters")
  void malformed() {
    String good = secrets.mint().token();
    for (String bad : new String[] {null, "", good.substring(1), good + "A", good.substring(1) + "=", good.substring(1) + "+"}) {
      assertThat(RefreshSecrets.wellFormed(bad)).as(String.valueOf(bad)).isFalse();
    }
  }
}

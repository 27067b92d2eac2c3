package io.chatplatform.notification.providers.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WebPushEncryptionTest {
  // RFC 8291, Appendix A ("Intermediate Values for Encryption"): the keys, salt, plaintext and the
  // resulting message exactly as printed there (the message's three lines joined).
  static final String PLAINTEXT = "When I grow up, I want to be a watermelon";
  static final String AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
  static final String AS_PUBLIC =
      "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
  static final String UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
  static final String UA_PUBLIC =
      "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
  static final String SALT = "DGv6ra1nlYgDCS1FRnbzlw";
  static final String AUTH_SECRET = "BTBZMqHH6r4Tts7J_aSIgg";
  static final String MESSAGE =
      "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml"
          + "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT"
          + "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

  @Test
  @DisplayName("RFC 8291 Appendix A: the same keys, salt and plaintext give the RFC's message byte for byte")
  void reproducesTheRfcExample() {
    ECPrivateKey asPrivate = P256.privateKey(b64(AS_PRIVATE));
    ECPublicKey asPublic = P256.publicKeyOf(asPrivate);
    assertThat(P256.uncompressed(asPublic)).as("the sender's public key derived from its private key").isEqualTo(b64(AS_PUBLIC));

    byte[] body = WebPushEncryption.encrypt(
        PLAINTEXT.getBytes(StandardCharsets.UTF_8), b64(UA_PUBLIC), b64(AUTH_SECRET), b64(SALT),
        new KeyPair(asPublic, asPrivate), 0);

    assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(body)).isEqualTo(MESSAGE);
  }

  @Test
  @DisplayName("the independent decryptor (BouncyCastle) opens the RFC's message with the user agent's private key")
  void theTestDecryptorOpensTheRfcMessage() {
    byte[] plaintext = new SubscriptionDecryptor(b64(UA_PRIVATE), b64(UA_PUBLIC), b64(AUTH_SECRET)).decrypt(b64(MESSAGE));
    assertThat(new String(plaintext, StandardCharsets.UTF_8)).isEqualTo(PLAINTEXT);
  }

  @Test
  @DisplayName("a fresh subscription: random salt and sender key, padding hidden, the subscriber decrypts the plaintext")
  void roundTripWithPadding() {
    KeyPair subscription = P256.generate();
    byte[] auth = new byte[16];
    new SecureRandom().nextBytes(auth);
    byte[] uaPublic = P256.uncompressed((ECPublicKey) subscription.getPublic());
    byte[] plaintext = "{\"roomId\":\"r_1\"}".getBytes(StandardCharsets.UTF_8);

    byte[] first = WebPushEncryption.encrypt(plaintext, uaPublic, auth, 100);
    byte[] second = WebPushEncryption.encrypt(plaintext, uaPublic, auth, 100);

    assertThat(first).hasSize(WebPushEncryption.HEADER_BYTES + plaintext.length + 1 + 100 + 16);
    assertThat(Arrays.copyOf(first, 16)).as("a fresh salt each time").isNotEqualTo(Arrays.copyOf(second, 16));
    SubscriptionDecryptor browser =
        new SubscriptionDecryptor(P256.scalar((ECPrivateKey) subscription.getPrivate()), uaPublic, auth);
    assertThat(browser.decrypt(first)).isEqualTo(plaintext);
    assertThat(browser.decrypt(second)).isEqualTo(plaintext);
  }

  @Test
  @DisplayName("a subscription key that is not a point on P-256 is refused before any ECDH")
  void refusesAnInvalidSubscriptionKey() {
    byte[] offCurve = b64(UA_PUBLIC);
    offCurve[64] ^= 1;
    byte[] compressed = Arrays.copyOf(b64(UA_PUBLIC), 33);
    compressed[0] = 0x02;
    byte[] auth = b64(AUTH_SECRET);
    byte[] plaintext = {1};
    assertThatThrownBy(() -> WebPushEncryption.encrypt(plaintext, offCurve, auth, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebPushEncryption.encrypt(plaintext, compressed, auth, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebPushEncryption.encrypt(plaintext, b64(UA_PUBLIC), new byte[8], 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static byte[] b64(String base64url) {
    return Base64.getUrlDecoder().decode(base64url);
  }
}

package io.chatplatform.notification.providers.webpush;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF with HMAC-SHA-256 (RFC 5869), for outputs of at most one hash length: all RFC 8291 needs. */
final class Hkdf {
  private static final int HASH_BYTES = 32;

  private Hkdf() {}

  /** HKDF-Extract then HKDF-Expand to {@code length} bytes. */
  static byte[] derive(byte[] salt, byte[] inputKeyMaterial, byte[] info, int length) {
    return expand(hmac(salt, inputKeyMaterial), info, length);
  }

  /** One block of HKDF-Expand: T(1) = HMAC(PRK, info || 0x01), cut to {@code length}. */
  private static byte[] expand(byte[] pseudoRandomKey, byte[] info, int length) {
    if (length > HASH_BYTES) {
      throw new IllegalArgumentException("one block only: " + length + " > " + HASH_BYTES);
    }
    byte[] input = Arrays.copyOf(info, info.length + 1);
    input[info.length] = 0x01;
    return Arrays.copyOf(hmac(pseudoRandomKey, input), length);
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no HmacSHA256 in this JDK", e);
    }
  }
}

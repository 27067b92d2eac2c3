package io.chatplatform.notification.providers.webpush;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Message encryption for Web Push (RFC 8291) in the aes128gcm content coding (RFC 8188), as one
 * record: a fresh sender key pair and salt per message, ECDH with the subscription's public key,
 * the auth secret mixed in by HKDF, then AES-128-GCM.
 */
public final class WebPushEncryption {
  /** The record size announced in the header; one record always fits since bodies stay under it. */
  static final int RECORD_SIZE = 4096;
  static final int SALT_BYTES = 16;
  static final int AUTH_SECRET_BYTES = 16;
  /** salt (16) || rs (4) || idlen (1) || keyid = the sender's public key (65). */
  static final int HEADER_BYTES = SALT_BYTES + 4 + 1 + P256.PUBLIC_KEY_BYTES;
  private static final int TAG_BYTES = 16;
  /** The delimiter octet that ends the last (here the only) record's plaintext. */
  private static final byte LAST_RECORD = 0x02;
  private static final byte[] KEY_INFO = "WebPush: info\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CEK_INFO = "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NONCE_INFO = "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebPushEncryption() {}

  /** The most plaintext (with its padding) a body of {@code maxBodyBytes} can carry. */
  public static int maxPlaintextBytes(int maxBodyBytes) {
    return maxBodyBytes - HEADER_BYTES - TAG_BYTES - 1;
  }

  /**
   * The encrypted body for a subscription.
   *
   * @param uaPublic the subscription's p256dh (65-byte uncompressed point)
   * @param authSecret the subscription's 16-byte auth secret
   * @param paddingBytes zero octets added after the delimiter, to hide the plaintext's length
   */
  public static byte[] encrypt(byte[] plaintext, byte[] uaPublic, byte[] authSecret, int paddingBytes) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return encrypt(plaintext, uaPublic, authSecret, salt, P256.generate(), paddingBytes);
  }

  /** {@link #encrypt(byte[], byte[], byte[], int)} with a given salt and sender key pair: for the RFC's example. */
  static byte[] encrypt(
      byte[] plaintext, byte[] uaPublic, byte[] authSecret, byte[] salt, KeyPair sender, int paddingBytes) {
    if (authSecret.length != AUTH_SECRET_BYTES) {
      throw new IllegalArgumentException("the auth secret must be 16 bytes");
    }
    if (salt.length != SALT_BYTES || paddingBytes < 0) {
      throw new IllegalArgumentException("bad salt or padding");
    }
    int recordPlaintext = plaintext.length + 1 + paddingBytes;
    if (recordPlaintext + TAG_BYTES > RECORD_SIZE) {
      throw new IllegalArgumentException("plaintext too long for one record");
    }
    ECPublicKey uaKey = P256.publicKey(uaPublic);
    byte[] asPublic = P256.uncompressed((ECPublicKey) sender.getPublic());
    byte[] ecdhSecret = ecdh(sender, uaKey);

    byte[] keyInfo = ByteBuffer.allocate(KEY_INFO.length + 2 * P256.PUBLIC_KEY_BYTES)
        .put(KEY_INFO).put(uaPublic).put(asPublic).array();
    byte[] inputKeyMaterial = Hkdf.derive(authSecret, ecdhSecret, keyInfo, 32);
    byte[] contentKey = Hkdf.derive(salt, inputKeyMaterial, CEK_INFO, 16);
    byte[] nonce = Hkdf.derive(salt, inputKeyMaterial, NONCE_INFO, 12);

    byte[] record = new byte[recordPlaintext];
    System.arraycopy(plaintext, 0, record, 0, plaintext.length);
    record[plaintext.length] = LAST_RECORD;
    byte[] ciphertext = aesGcm(contentKey, nonce, record);

    return ByteBuffer.allocate(HEADER_BYTES + ciphertext.length)
        .put(salt)
        .putInt(RECORD_SIZE)
        .put((byte) P256.PUBLIC_KEY_BYTES)
        .put(asPublic)
        .put(ciphertext)
        .array();
  }

  private static byte[] ecdh(KeyPair own, ECPublicKey peer) {
    try {
      KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
      agreement.init(own.getPrivate());
      agreement.doPhase(peer, true);
      return agreement.generateSecret();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("ECDH failed", e);
    }
  }

  private static byte[] aesGcm(byte[] key, byte[] nonce, byte[] plaintext) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
      return cipher.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed", e);
    }
  }
}

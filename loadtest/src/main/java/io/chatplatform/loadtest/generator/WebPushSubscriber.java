package io.chatplatform.loadtest.generator;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The browser's side of a Web Push subscription: a P-256 key pair and an auth secret (what
 * {@code POST /api/v1/devices} registers as {@code keys.p256dh} and {@code keys.auth}), and the
 * decryption of what the server sends to it (RFC 8291 in the {@code aes128gcm} coding of RFC
 * 8188, one record), on the JDK's own ECDH, HMAC and AES-GCM: the load generator depends on no
 * server module, so it opens the bodies as a browser would, not with the server's code.
 *
 * <p>Every simulated device of a run shares one subscription key: the server encrypts each push
 * with a fresh key pair and salt of its own all the same, so its work per push is what it is for
 * distinct browsers. Thread-safe.
 */
final class WebPushSubscriber {
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static final int POINT_BYTES = 65;
  private static final int COORDINATE_BYTES = 32;
  private static final int SALT_BYTES = 16;
  private static final int AUTH_BYTES = 16;
  private static final int TAG_BITS = 128;
  private static final byte LAST_RECORD = 0x02;
  private static final byte[] KEY_INFO = "WebPush: info\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CEK_INFO = "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NONCE_INFO = "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII);
  private static final ECParameterSpec P256 = p256();

  private final PrivateKey privateKey;
  private final byte[] publicKey;
  private final byte[] authSecret;

  private WebPushSubscriber(PrivateKey privateKey, byte[] publicKey, byte[] authSecret) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.authSecret = authSecret;
  }

  /** A fresh subscription key pair and auth secret. */
  static WebPushSubscriber generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      byte[] auth = new byte[AUTH_BYTES];
      new SecureRandom().nextBytes(auth);
      return new WebPushSubscriber(pair.getPrivate(), uncompressed((ECPublicKey) pair.getPublic()), auth);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no P-256 in this JDK", e);
    }
  }

  /** A given subscription (its private scalar, its public point, its auth secret): for the RFC's worked example. */
  static WebPushSubscriber of(byte[] privateScalar, byte[] publicKey, byte[] authSecret) {
    try {
      PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(new BigInteger(1, privateScalar), P256));
      return new WebPushSubscriber(key, publicKey.clone(), authSecret.clone());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a P-256 private key", e);
    }
  }

  /** {@code keys.p256dh}: the uncompressed public point, base64url. */
  String p256dh() {
    return B64URL.encodeToString(publicKey);
  }

  /** {@code keys.auth}: the 16-byte auth secret, base64url. */
  String auth() {
    return B64URL.encodeToString(authSecret);
  }

  /**
   * The plaintext of an {@code aes128gcm} body: salt (16) · record size (4) · key id length (1) ·
   * the sender's public key, then one record ending with the 0x02 delimiter and its zero padding.
   *
   * @throws IllegalArgumentException when the body is not one such record for this subscription
   */
  byte[] decrypt(byte[] body) {
    try {
      ByteBuffer in = ByteBuffer.wrap(body);
      byte[] salt = new byte[SALT_BYTES];
      in.get(salt);
      int recordSize = in.getInt();
      int keyIdLength = in.get() & 0xff;
      if (keyIdLength != POINT_BYTES) {
        throw new IllegalArgumentException("the key id is not an uncompressed P-256 point");
      }
      byte[] senderKey = new byte[keyIdLength];
      in.get(senderKey);
      byte[] record = new byte[in.remaining()];
      in.get(record);
      if (record.length > recordSize) {
        throw new IllegalArgumentException("more than one record");
      }
      KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
      ecdh.init(privateKey);
      ecdh.doPhase(publicKey(senderKey), true);
      byte[] shared = ecdh.generateSecret();
      byte[] ikm = hkdf(authSecret, shared, concat(KEY_INFO, publicKey, senderKey), 32);
      byte[] cek = hkdf(salt, ikm, CEK_INFO, 16);
      byte[] nonce = hkdf(salt, ikm, NONCE_INFO, 12);
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      byte[] padded = gcm.doFinal(record);
      int end = padded.length - 1;
      while (end >= 0 && padded[end] == 0) {
        end--;
      }
      if (end < 0 || padded[end] != LAST_RECORD) {
        throw new IllegalArgumentException("no last-record delimiter");
      }
      return Arrays.copyOf(padded, end);
    } catch (GeneralSecurityException | java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("the body does not decrypt: " + e.getClass().getSimpleName(), e);
    }
  }

  /** An uncompressed P-256 point as a public key (the JDK's ECDH checks that it is on the curve). */
  static PublicKey publicKey(byte[] point) throws GeneralSecurityException {
    if (point.length != POINT_BYTES || point[0] != 0x04) {
      throw new GeneralSecurityException("not an uncompressed P-256 point");
    }
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + COORDINATE_BYTES));
    BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 1 + COORDINATE_BYTES, POINT_BYTES));
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), P256));
  }

  private static byte[] uncompressed(ECPublicKey key) {
    byte[] out = new byte[POINT_BYTES];
    out[0] = 0x04;
    fixed(key.getW().getAffineX(), out, 1);
    fixed(key.getW().getAffineY(), out, 1 + COORDINATE_BYTES);
    return out;
  }

  private static void fixed(BigInteger value, byte[] out, int at) {
    byte[] bytes = value.toByteArray();
    int from = Math.max(0, bytes.length - COORDINATE_BYTES);
    int length = bytes.length - from;
    System.arraycopy(bytes, from, out, at + COORDINATE_BYTES - length, length);
  }

  /** HKDF-SHA-256 (RFC 5869), at most one block of output. */
  private static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(salt, "HmacSHA256"));
    byte[] prk = mac.doFinal(ikm);
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    mac.update(info);
    mac.update((byte) 1);
    return Arrays.copyOf(mac.doFinal(), length);
  }

  private static byte[] concat(byte[]... parts) {
    ByteBuffer out = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
    for (byte[] part : parts) {
      out.put(part);
    }
    return out.array();
  }

  private static ECParameterSpec p256() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp256r1"));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no P-256 in this JDK", e);
    }
  }
}

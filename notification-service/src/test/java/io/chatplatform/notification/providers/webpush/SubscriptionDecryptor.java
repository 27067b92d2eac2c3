package io.chatplatform.notification.providers.webpush;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.agreement.ECDHBasicAgreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * What a browser does with a Web Push body (RFC 8291 / RFC 8188), written apart from the
 * production code and on other primitives (BouncyCastle's ECDH, HKDF and GCM instead of the JDK's),
 * so a shared mistake cannot make the two agree.
 */
public final class SubscriptionDecryptor {
  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
  private static final ECDomainParameters DOMAIN =
      new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH());

  private final byte[] privateScalar;
  private final byte[] publicKey;
  private final byte[] authSecret;

  public SubscriptionDecryptor(byte[] privateScalar, byte[] publicKey, byte[] authSecret) {
    this.privateScalar = privateScalar;
    this.publicKey = publicKey;
    this.authSecret = authSecret;
  }

  public byte[] decrypt(byte[] body) {
    ByteBuffer in = ByteBuffer.wrap(body);
    byte[] salt = new byte[16];
    in.get(salt);
    int recordSize = in.getInt();
    byte[] senderKey = new byte[in.get() & 0xff];
    in.get(senderKey);
    byte[] ciphertext = new byte[in.remaining()];
    in.get(ciphertext);
    if (ciphertext.length > recordSize) {
      throw new IllegalStateException("more than one record: " + ciphertext.length + " > " + recordSize);
    }

    ECDHBasicAgreement agreement = new ECDHBasicAgreement();
    agreement.init(new ECPrivateKeyParameters(new BigInteger(1, privateScalar), DOMAIN));
    byte[] ecdh = fixed32(agreement.calculateAgreement(
        new ECPublicKeyParameters(CURVE.getCurve().decodePoint(senderKey), DOMAIN)));

    byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), publicKey, senderKey);
    byte[] ikm = hkdf(authSecret, ecdh, keyInfo, 32);
    byte[] cek = hkdf(salt, ikm, "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), 16);
    byte[] nonce = hkdf(salt, ikm, "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), 12);

    GCMBlockCipher gcm = (GCMBlockCipher) GCMBlockCipher.newInstance(AESEngine.newInstance());
    gcm.init(false, new AEADParameters(new KeyParameter(cek), 128, nonce));
    byte[] padded = new byte[gcm.getOutputSize(ciphertext.length)];
    try {
      int n = gcm.processBytes(ciphertext, 0, ciphertext.length, padded, 0);
      gcm.doFinal(padded, n);
    } catch (Exception e) {
      throw new IllegalStateException("the body does not decrypt", e);
    }
    int end = padded.length - 1;
    while (end >= 0 && padded[end] == 0) {
      end--;
    }
    if (end < 0 || padded[end] != 0x02) {
      throw new IllegalStateException("no last-record delimiter");
    }
    return Arrays.copyOf(padded, end);
  }

  private static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    generator.init(new HKDFParameters(ikm, salt, info));
    byte[] out = new byte[length];
    generator.generateBytes(out, 0, length);
    return out;
  }

  private static byte[] fixed32(BigInteger value) {
    byte[] bytes = value.toByteArray();
    byte[] out = new byte[32];
    int from = Math.max(0, bytes.length - 32);
    System.arraycopy(bytes, from, out, 32 - (bytes.length - from), bytes.length - from);
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    ByteBuffer out = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
    for (byte[] part : parts) {
      out.put(part);
    }
    return out.array();
  }
}

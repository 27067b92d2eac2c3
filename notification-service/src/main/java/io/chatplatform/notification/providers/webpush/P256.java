package io.chatplatform.notification.providers.webpush;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;

/**
 * P-256 keys in the forms Web Push uses: a public key as the 65-byte uncompressed point
 * (0x04 || X || Y), a private key as its 32-byte scalar. The JDK does the key agreement and the
 * signatures; BouncyCastle only decodes points (checking they lie on the curve) and multiplies the
 * generator to find the public key of a stored private key.
 */
public final class P256 {
  public static final int PUBLIC_KEY_BYTES = 65;
  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
  private static final ECParameterSpec PARAMS = params();

  private P256() {}

  public static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no P-256 in this JDK", e);
    }
  }

  /**
   * The public key of an uncompressed point; refuses anything else (a compressed point, a point
   * off the curve, the point at infinity), so a hostile subscription cannot steer the ECDH.
   */
  public static ECPublicKey publicKey(byte[] uncompressed) {
    if (uncompressed.length != PUBLIC_KEY_BYTES || uncompressed[0] != 0x04) {
      throw new IllegalArgumentException("not an uncompressed P-256 point");
    }
    org.bouncycastle.math.ec.ECPoint point = CURVE.getCurve().decodePoint(uncompressed).normalize();
    if (point.isInfinity() || !point.isValid()) {
      throw new IllegalArgumentException("not a point on P-256");
    }
    return publicKey(point);
  }

  public static ECPrivateKey privateKey(byte[] scalar) {
    try {
      return (ECPrivateKey) KeyFactory.getInstance("EC")
          .generatePrivate(new ECPrivateKeySpec(new BigInteger(1, scalar), PARAMS));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a P-256 private key", e);
    }
  }

  /** Whether {@code params} are P-256's (and not another 256-bit curve such as secp256k1). */
  public static boolean isP256(ECParameterSpec params) {
    return params.getCurve().equals(PARAMS.getCurve())
        && params.getOrder().equals(PARAMS.getOrder())
        && params.getGenerator().equals(PARAMS.getGenerator());
  }

  /** The public key belonging to {@code privateKey} (d·G). */
  public static ECPublicKey publicKeyOf(ECPrivateKey privateKey) {
    return publicKey(CURVE.getG().multiply(privateKey.getS()).normalize());
  }

  /** 0x04 || X || Y, each coordinate left-padded to 32 bytes. */
  public static byte[] uncompressed(ECPublicKey key) {
    byte[] out = new byte[PUBLIC_KEY_BYTES];
    out[0] = 0x04;
    fixed32(key.getW().getAffineX(), out, 1);
    fixed32(key.getW().getAffineY(), out, 33);
    return out;
  }

  /** The 32-byte scalar of a private key. */
  public static byte[] scalar(ECPrivateKey key) {
    byte[] out = new byte[32];
    fixed32(key.getS(), out, 0);
    return out;
  }

  private static ECPublicKey publicKey(org.bouncycastle.math.ec.ECPoint point) {
    ECPoint w = new ECPoint(point.getAffineXCoord().toBigInteger(), point.getAffineYCoord().toBigInteger());
    try {
      return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, PARAMS));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a P-256 public key", e);
    }
  }

  private static void fixed32(BigInteger value, byte[] out, int offset) {
    byte[] bytes = value.toByteArray();
    int from = Math.max(0, bytes.length - 32);
    int length = bytes.length - from;
    if (length > 32) {
      throw new IllegalArgumentException("coordinate longer than 32 bytes");
    }
    Arrays.fill(out, offset, offset + 32 - length, (byte) 0);
    System.arraycopy(bytes, from, out, offset + 32 - length, length);
  }

  private static ECParameterSpec params() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp256r1"));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no P-256 in this JDK", e);
    }
  }
}

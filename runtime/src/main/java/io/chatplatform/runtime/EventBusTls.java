package io.chatplatform.runtime;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;

/**
 * Mutual TLS on the clustered event bus with a key every member derives from
 * {@code CLUSTER_SECRET}: a P-256 key pair whose private scalar comes from the secret, and a
 * self-signed certificate for it. Each member presents such a certificate and trusts only
 * certificates signed by that key (its own certificate is the one trust anchor), and the TLS
 * handshake proves the peer holds the private key of the certificate it shows. So a process
 * without the secret can neither send to an event bus port (it cannot finish the handshake) nor be
 * sent to (members refuse its certificate), and the traffic between members is encrypted. Nothing
 * has to be distributed but the secret.
 */
final class EventBusTls {
  private static final String SUBJECT = "chat-platform cluster";
  /** ecdsa-with-SHA256, no parameters. */
  private static final byte[] ECDSA_SHA256 = seq(new byte[] {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02});

  private EventBusTls() {}

  /**
   * Turns TLS with client authentication on in {@code options}, keyed from {@code secret}. The
   * key and certificate are given as PEM values, not as key managers: Vert.x copies the event bus
   * options through their JSON form into its TCP server and client options.
   */
  static EventBusOptions configure(EventBusOptions options, ClusterSecret secret) {
    try {
      KeyPair keys = keyPair(secret.eventBusSeed());
      Buffer certificate = pem("CERTIFICATE", selfSigned(keys).getEncoded());
      return options
          .setSsl(true)
          .setClientAuth(ClientAuth.REQUIRED)
          .setKeyCertOptions(new PemKeyCertOptions().setKeyValue(pem("PRIVATE KEY", keys.getPrivate().getEncoded())).setCertValue(certificate))
          .setTrustOptions(new PemTrustOptions().addCertValue(certificate));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up the event bus TLS key", e);
    }
  }

  private static Buffer pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return Buffer.buffer("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
  }

  /** The P-256 key pair of a 32-byte seed: the same seed gives the same pair on every JVM. */
  static KeyPair keyPair(byte[] seed) throws GeneralSecurityException {
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec("secp256r1"));
    ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
    BigInteger n = spec.getOrder();
    BigInteger d = new BigInteger(1, ClusterSecret.hmac(seed, "p-256 scalar")).mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE);
    ECPoint q = P256.multiply(spec.getGenerator(), d, spec);
    KeyFactory factory = KeyFactory.getInstance("EC");
    PrivateKey privateKey = factory.generatePrivate(new ECPrivateKeySpec(d, spec));
    PublicKey publicKey = factory.generatePublic(new ECPublicKeySpec(q, spec));
    // The JDK checks the point is on the curve; a signature round trip checks it is d·G.
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(privateKey);
    signer.update(SUBJECT.getBytes(StandardCharsets.UTF_8));
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(publicKey);
    verifier.update(SUBJECT.getBytes(StandardCharsets.UTF_8));
    if (!verifier.verify(signature)) {
      throw new GeneralSecurityException("derived event bus key pair does not match");
    }
    return new KeyPair(publicKey, privateKey);
  }

  /**
   * A minimal X.509 v3 certificate (no extensions) for {@code keys}, signed by itself with a
   * deterministic ECDSA signature, so every member builds the very same certificate: each one's
   * certificate is then the trust anchor of all the others.
   */
  static X509Certificate selfSigned(KeyPair keys) throws GeneralSecurityException {
    byte[] version = tlv(0xa0, tlv(0x02, new byte[] {2}));
    byte[] serial = tlv(0x02, new byte[] {1});
    byte[] name = seq(tlv(0x31, seq(new byte[] {0x06, 0x03, 0x55, 0x04, 0x03}, tlv(0x0c, SUBJECT.getBytes(StandardCharsets.UTF_8)))));
    byte[] validity = seq(
        tlv(0x18, "20000101000000Z".getBytes(StandardCharsets.US_ASCII)),
        tlv(0x18, "99991231235959Z".getBytes(StandardCharsets.US_ASCII)));
    byte[] tbs = seq(version, serial, ECDSA_SHA256, name, validity, name, keys.getPublic().getEncoded());
    byte[] signature = deterministicSignature((ECPrivateKey) keys.getPrivate(), tbs);
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(keys.getPublic());
    verifier.update(tbs);
    if (!verifier.verify(signature)) {
      throw new GeneralSecurityException("the event bus certificate's signature does not verify");
    }
    byte[] bits = new byte[signature.length + 1];
    System.arraycopy(signature, 0, bits, 1, signature.length);
    byte[] der = seq(tbs, ECDSA_SHA256, tlv(0x03, bits));
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }

  /**
   * ECDSA-SHA256 whose nonce is derived from the private key and the message (in the spirit of
   * RFC 6979): the same key and message always give the same signature, and the nonce stays as
   * secret as the key. DER-encoded as {@code SEQUENCE {r, s}}.
   */
  static byte[] deterministicSignature(ECPrivateKey key, byte[] message) throws GeneralSecurityException {
    ECParameterSpec spec = key.getParams();
    BigInteger n = spec.getOrder();
    BigInteger d = key.getS();
    BigInteger z = new BigInteger(1, java.security.MessageDigest.getInstance("SHA-256").digest(message));
    byte[] nonceKey = d.toByteArray();
    for (int counter = 0; ; counter++) {
      BigInteger k = new BigInteger(1, ClusterSecret.hmac(nonceKey, counter + ":" + Base64.getEncoder().encodeToString(message)))
          .mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE);
      BigInteger r = P256.multiply(spec.getGenerator(), k, spec).getAffineX().mod(n);
      BigInteger sig = k.modInverse(n).multiply(z.add(r.multiply(d))).mod(n);
      if (r.signum() != 0 && sig.signum() != 0) {
        return seq(tlv(0x02, r.toByteArray()), tlv(0x02, sig.toByteArray()));
      }
    }
  }

  private static byte[] seq(byte[]... parts) {
    return tlv(0x30, parts);
  }

  /** One DER element: tag, definite length, contents. */
  private static byte[] tlv(int tag, byte[]... parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      body.writeBytes(part);
    }
    byte[] content = body.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else if (length < 0x100) {
      out.write(0x81);
      out.write(length);
    } else {
      out.write(0x82);
      out.write(length >> 8);
      out.write(length & 0xff);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  /** Scalar multiplication on P-256 (a = -3) in affine coordinates; run once at start-up. */
  static final class P256 {
    private P256() {}

    static ECPoint multiply(ECPoint g, BigInteger k, ECParameterSpec spec) {
      BigInteger p = ((java.security.spec.ECFieldFp) spec.getCurve().getField()).getP();
      BigInteger a = spec.getCurve().getA();
      ECPoint result = ECPoint.POINT_INFINITY;
      for (int i = k.bitLength() - 1; i >= 0; i--) {
        result = add(result, result, a, p);
        if (k.testBit(i)) {
          result = add(result, g, a, p);
        }
      }
      return result;
    }

    private static ECPoint add(ECPoint s, ECPoint t, BigInteger a, BigInteger p) {
      if (s.equals(ECPoint.POINT_INFINITY)) {
        return t;
      }
      if (t.equals(ECPoint.POINT_INFINITY)) {
        return s;
      }
      BigInteger lambda;
      if (s.getAffineX().equals(t.getAffineX())) {
        if (!s.getAffineY().equals(t.getAffineY()) || s.getAffineY().signum() == 0) {
          return ECPoint.POINT_INFINITY;
        }
        BigInteger x = s.getAffineX();
        lambda = x.pow(2).multiply(BigInteger.valueOf(3)).add(a).multiply(s.getAffineY().shiftLeft(1).modInverse(p)).mod(p);
      } else {
        lambda = t.getAffineY().subtract(s.getAffineY()).multiply(t.getAffineX().subtract(s.getAffineX()).modInverse(p)).mod(p);
      }
      BigInteger x = lambda.pow(2).subtract(s.getAffineX()).subtract(t.getAffineX()).mod(p);
      BigInteger y = lambda.multiply(s.getAffineX().subtract(x)).subtract(s.getAffineY()).mod(p);
      return new ECPoint(x, y);
    }
  }
}

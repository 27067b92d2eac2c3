package io.chatplatform.gateway.auth;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verification keys of the external issuer, each pinned to the one algorithm it may verify:
 * {@code RS256} for an RSA key, {@code ES256} for an EC key on P-256. Nothing else is taken from
 * outside: no symmetric key, no other curve, no other algorithm. A public key can therefore never
 * be used as an HMAC secret (key confusion), and {@code none} has no key at all.
 *
 * <p>Keys from PEM files and from a JWKS are both checked here and handed to vertx-auth rebuilt
 * from the parsed key, so nothing unchecked in the source reaches the verifier.
 */
final class PinnedKeys {
  static final String RS256 = "RS256";
  static final String ES256 = "ES256";
  static final List<String> ALGORITHMS = List.of(RS256, ES256);

  private static final ECParameterSpec P256 = p256();
  private static final int P256_COORDINATE_BYTES = 32;
  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  private PinnedKeys() {}

  /**
   * A public key and the one algorithm it verifies.
   *
   * @param kid the JWK's {@code kid}, null for PEM keys (a token's {@code kid} then matches any)
   * @param source where it came from, for messages: a file path or {@code JWKS}
   */
  record PinnedKey(String algorithm, String kid, PublicKey key, String source) {
    /** The key as vertx-auth takes a PEM key, pinned to its algorithm. */
    PubSecKeyOptions pubSecKey() {
      PubSecKeyOptions options = new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(pem(key));
      return kid == null ? options : options.setId(kid);
    }

    /** The key as a JWK holding only what verification needs, its {@code alg} pinned. */
    JsonObject jwk() {
      JsonObject jwk = new JsonObject().put("alg", algorithm).put("use", "sig");
      if (kid != null) {
        jwk.put("kid", kid);
      }
      if (key instanceof RSAPublicKey rsa) {
        return jwk.put("kty", "RSA").put("n", base64url(unsigned(rsa.getModulus()))).put("e", base64url(unsigned(rsa.getPublicExponent())));
      }
      ECPublicKey ec = (ECPublicKey) key;
      return jwk.put("kty", "EC")
          .put("crv", "P-256")
          .put("x", base64url(padded(ec.getW().getAffineX(), P256_COORDINATE_BYTES)))
          .put("y", base64url(padded(ec.getW().getAffineY(), P256_COORDINATE_BYTES)));
    }
  }

  /**
   * One entry of {@code JWT_EXTERNAL_PUBLIC_KEY_FILES}: {@code RS256:path}, {@code ES256:path}, or
   * a bare path whose algorithm follows from the key type.
   *
   * @param algorithm the declared algorithm, or null when detected from the key
   */
  record KeyFile(String algorithm, String path) {
    static KeyFile parse(String entry) {
      for (String algorithm : ALGORITHMS) {
        if (entry.startsWith(algorithm + ":")) {
          return new KeyFile(algorithm, entry.substring(algorithm.length() + 1).trim());
        }
      }
      return new KeyFile(null, entry);
    }
  }

  /**
   * The key in a PEM text ({@code PUBLIC KEY} or {@code CERTIFICATE}, the first block found).
   *
   * @param declared the algorithm the entry names, or null to detect it
   * @throws IllegalArgumentException saying what is wrong, never quoting the file
   */
  static PinnedKey fromPem(String text, String declared, int rsaMinBits, String source) {
    Matcher block = PEM_BLOCK.matcher(text);
    if (!block.find()) {
      throw new IllegalArgumentException("holds no PEM block (-----BEGIN PUBLIC KEY-----)");
    }
    String kind = block.group(1);
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(block.group(2));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("holds a PEM block that is not valid base64");
    }
    PublicKey key =
        switch (kind) {
          case "PUBLIC KEY" -> subjectPublicKey(der);
          case "CERTIFICATE" -> certificateKey(der);
          default -> throw new IllegalArgumentException(
              kind.contains("PRIVATE")
                  ? "holds a private key: give the issuer's public key, and keep the private key off this host"
                  : "holds a " + kind + " block; expected PUBLIC KEY or CERTIFICATE");
        };
    String algorithm = algorithmOf(key, rsaMinBits);
    if (declared != null && !declared.equals(algorithm)) {
      throw new IllegalArgumentException("is declared " + declared + " but holds a key for " + algorithm);
    }
    return new PinnedKey(algorithm, null, key, source);
  }

  /**
   * The key of one JWK. Its algorithm is pinned by {@code kty} (and {@code crv}) and must agree
   * with {@code alg} when that is given.
   *
   * @throws IllegalArgumentException saying why the key is not trusted
   */
  static PinnedKey fromJwk(JsonObject jwk, int rsaMinBits) {
    String kty = text(jwk, "kty");
    String alg = text(jwk, "alg");
    String kid = text(jwk, "kid");
    if (kty == null) {
      throw new IllegalArgumentException("no kty");
    }
    PublicKey key;
    try {
      switch (kty) {
        case "RSA" -> {
          if (alg != null && !alg.equals(RS256)) {
            throw new IllegalArgumentException("alg " + shown(alg) + ": an RSA key is trusted for RS256 only");
          }
          BigInteger n = new BigInteger(1, decode(jwk, "n"));
          BigInteger e = new BigInteger(1, decode(jwk, "e"));
          key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
        }
        case "EC" -> {
          if (!"P-256".equals(text(jwk, "crv"))) {
            throw new IllegalArgumentException("crv " + shown(text(jwk, "crv")) + ": an EC key must be on P-256 (ES256)");
          }
          if (alg != null && !alg.equals(ES256)) {
            throw new IllegalArgumentException("alg " + shown(alg) + ": a P-256 key is trusted for ES256 only");
          }
          byte[] x = decode(jwk, "x");
          byte[] y = decode(jwk, "y");
          if (x.length != P256_COORDINATE_BYTES || y.length != P256_COORDINATE_BYTES) {
            throw new IllegalArgumentException("x and y of a P-256 key are 32 bytes each");
          }
          ECPoint point = new ECPoint(new BigInteger(1, x), new BigInteger(1, y));
          key = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, P256));
        }
        case "oct" -> throw new IllegalArgumentException("a symmetric (oct) key is never trusted from a JWKS");
        default -> throw new IllegalArgumentException("kty " + shown(kty) + " is neither RSA nor EC");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a valid " + kty + " public key");
    }
    return new PinnedKey(algorithmOf(key, rsaMinBits), kid, key, "JWKS");
  }

  /** RS256 for an RSA key of at least {@code rsaMinBits}, ES256 for a P-256 key; nothing else. */
  static String algorithmOf(PublicKey key, int rsaMinBits) {
    if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits < rsaMinBits) {
        throw new IllegalArgumentException("holds an RSA key of " + bits + " bits; at least " + rsaMinBits + " are required");
      }
      return RS256;
    }
    if (key instanceof ECPublicKey ec) {
      if (!isP256(ec.getParams())) {
        throw new IllegalArgumentException("holds an EC key that is not on P-256, the only curve of ES256");
      }
      return ES256;
    }
    throw new IllegalArgumentException("holds a " + key.getAlgorithm() + " key; only RSA (RS256) and EC P-256 (ES256) are accepted");
  }

  /** A value from the network made safe for a log line: printable ASCII, at most 40 characters. */
  static String shown(Object value) {
    if (value == null) {
      return "-";
    }
    String text = String.valueOf(value);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      if (out.length() == 40) {
        return out.append("...").toString();
      }
      char c = text.charAt(i);
      out.append(c > 0x20 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }

  static String pem(PublicKey key) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
  }

  private static PublicKey subjectPublicKey(byte[] der) {
    for (String type : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
      } catch (InvalidKeySpecException e) {
        // not this type: try the next
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JVM lacks " + type + " support", e);
      }
    }
    throw new IllegalArgumentException("holds a public key that is neither RSA nor EC");
  }

  private static PublicKey certificateKey(byte[] der) {
    try {
      return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
    } catch (CertificateException e) {
      throw new IllegalArgumentException("holds a CERTIFICATE that does not parse");
    }
  }

  private static boolean isP256(ECParameterSpec params) {
    return params.getCurve().equals(P256.getCurve())
        && params.getGenerator().equals(P256.getGenerator())
        && params.getOrder().equals(P256.getOrder())
        && params.getCofactor() == P256.getCofactor();
  }

  private static ECParameterSpec p256() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp256r1"));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JVM lacks the P-256 curve", e);
    }
  }

  private static String text(JsonObject json, String name) {
    Object value = json.getValue(name);
    if (value != null && !(value instanceof String)) {
      throw new IllegalArgumentException(name + " is not a string");
    }
    return (String) value;
  }

  private static byte[] decode(JsonObject jwk, String name) {
    String value = text(jwk, name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("no " + name);
    }
    try {
      return Base64.getUrlDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " is not base64url");
    }
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes.length > 1 && bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }

  private static byte[] padded(BigInteger value, int length) {
    byte[] bytes = unsigned(value);
    byte[] out = new byte[length];
    System.arraycopy(bytes, 0, out, length - bytes.length, bytes.length);
    return out;
  }

  private static String base64url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}

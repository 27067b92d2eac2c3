package io.chatplatform.gateway.auth;

import io.chatplatform.testsupport.Await;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds tokens by hand (java.security and base64url, no JWT library), so that tests can also
 * build the malicious ones: unsigned, signed with the wrong algorithm or key, tampered.
 */
final class Jwts {
  static final String SECRET = "gateway-test-secret-gateway-test-secret-0123";
  static final String OWN_ISSUER = "chat-platform";
  static final String EXTERNAL_ISSUER = "https://idp.example.com/realms/chat";
  static final String AUDIENCE = "chat-platform-api";
  static final String USER = "u_0a1b2c3d4e5f60718293a4b5c6d7e8f9";

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Jwts() {}

  static KeyPair rsa(int bits) {
    return generate("RSA", bits, null);
  }

  static KeyPair ec(String curve) {
    return generate("EC", 0, curve);
  }

  private static KeyPair generate(String type, int bits, String curve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
      if (curve != null) {
        generator.initialize(new ECGenParameterSpec(curve));
      } else {
        generator.initialize(bits);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static long now() {
    return System.currentTimeMillis() / 1000;
  }

  /** Claims of a valid external token for {@link #USER}, expiring in ten minutes. */
  static JsonObject external() {
    return new JsonObject().put("iss", EXTERNAL_ISSUER).put("aud", AUDIENCE).put("sub", USER).put("iat", now()).put("exp", now() + 600);
  }

  /** Claims of a valid platform token for {@link #USER}, expiring in ten minutes. */
  static JsonObject own() {
    return new JsonObject()
        .put("iss", OWN_ISSUER)
        .put("sub", USER)
        .put("username", "alice")
        .put("roles", new io.vertx.core.json.JsonArray().add("user"))
        .put("iat", now())
        .put("exp", now() + 600);
  }

  static JsonObject header(String alg) {
    return new JsonObject().put("alg", alg).put("typ", "JWT");
  }

  static String rs256(JsonObject claims, PrivateKey key) {
    return signed(header("RS256"), claims, "SHA256withRSA", key);
  }

  static String es256(JsonObject claims, PrivateKey key) {
    return signed(header("ES256"), claims, "SHA256withECDSAinP1363Format", key);
  }

  static String hs256(JsonObject claims, byte[] secret) {
    return hs256(header("HS256"), claims, secret);
  }

  static String hs256(JsonObject header, JsonObject claims, byte[] secret) {
    String input = input(header, claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token whose header is {@code header}, signed with {@code algorithm} (a JCA name). */
  static String signed(JsonObject header, JsonObject claims, String algorithm, PrivateKey key) {
    String input = input(header, claims);
    try {
      Signature signature = Signature.getInstance(algorithm);
      signature.initSign(key);
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code alg: none}: header and claims, and an empty signature. */
  static String unsigned(JsonObject claims) {
    return input(header("none"), claims) + ".";
  }

  static String input(JsonObject header, JsonObject claims) {
    return b64(header) + "." + b64(claims);
  }

  static String b64(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  static String b64(byte[] bytes) {
    return B64.encodeToString(bytes);
  }

  /** The token with the first signature byte flipped. */
  static String tamperSignature(String token) {
    String[] parts = token.split("\\.");
    byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
    signature[0] ^= 0x01;
    return parts[0] + "." + parts[1] + "." + B64.encodeToString(signature);
  }

  /** The token with other claims but the original signature. */
  static String tamperClaims(String token, JsonObject claims) {
    String[] parts = token.split("\\.");
    return parts[0] + "." + b64(claims) + "." + parts[2];
  }

  static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  static Path writePem(Path dir, String name, String pem) {
    try {
      return Files.writeString(dir.resolve(name), pem);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The public half of {@code pair} as a JWK with the given {@code kid} and {@code alg} (null: none). */
  static JsonObject jwk(KeyPair pair, String kid, String alg) {
    JsonObject jwk = new JsonObject().put("kid", kid).put("use", "sig");
    if (alg != null) {
      jwk.put("alg", alg);
    }
    if (pair.getPublic() instanceof RSAPublicKey rsa) {
      return jwk.put("kty", "RSA").put("n", b64(unsigned(rsa.getModulus()))).put("e", b64(unsigned(rsa.getPublicExponent())));
    }
    ECPublicKey ec = (ECPublicKey) pair.getPublic();
    return jwk.put("kty", "EC")
        .put("crv", "P-256")
        .put("x", b64(padded(ec.getW().getAffineX())))
        .put("y", b64(padded(ec.getW().getAffineY())));
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }

  private static byte[] padded(BigInteger value) {
    byte[] bytes = unsigned(value);
    byte[] out = new byte[32];
    System.arraycopy(bytes, 0, out, 32 - bytes.length, bytes.length);
    return out;
  }

}

package io.chatplatform.notification.providers.apns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;

/**
 * The APNs provider token: a JWT {alg ES256, kid} {iss team, iat} signed with the .p8 key. One token
 * is reused until it is {@code refreshAfterMs} old, because Apple refuses tokens older than an hour
 * and throttles providers that sign new ones too often. Signing is a few hundred microseconds of CPU,
 * fine on an event loop.
 */
public final class ApnsProviderToken {
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final int P256_SCALAR_BYTES = 32;

  private final ECPrivateKey key;
  private final String keyId;
  private final String teamId;
  private final Clock clock;
  private final long refreshAfterMs;
  private String token;
  private long issuedAtMs;

  public ApnsProviderToken(ECPrivateKey key, String keyId, String teamId, Clock clock, long refreshAfterMs) {
    this.key = key;
    this.keyId = keyId;
    this.teamId = teamId;
    this.clock = clock;
    this.refreshAfterMs = refreshAfterMs;
  }

  /** The PKCS#8 EC key of an Apple .p8 file ("-----BEGIN PRIVATE KEY-----"). */
  public static ECPrivateKey readP8(String file) {
    try {
      String pem = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
      String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read APNS_KEY_FILE " + file, e);
    } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
      throw new IllegalArgumentException("APNS_KEY_FILE " + file + " is not a PKCS#8 EC private key", e);
    }
  }

  public synchronized String current() {
    long now = clock.millis();
    if (token == null || now - issuedAtMs >= refreshAfterMs) {
      token = sign(now / 1000);
      issuedAtMs = now;
    }
    return token;
  }

  /** Forgets the token Apple called expired (ExpiredProviderToken), unless a newer one replaced it already. */
  public synchronized void expire(String refused) {
    if (refused.equals(token)) {
      token = null;
    }
  }

  private String sign(long issuedAtSeconds) {
    String header = "{\"alg\":\"ES256\",\"kid\":\"" + keyId + "\"}";
    String claims = "{\"iss\":\"" + teamId + "\",\"iat\":" + issuedAtSeconds + "}";
    String signingInput = encode(header) + "." + encode(claims);
    try {
      Signature es256 = Signature.getInstance("SHA256withECDSA");
      es256.initSign(key);
      es256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + BASE64URL.encodeToString(jose(es256.sign()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign the APNs provider token", e);
    }
  }

  private static String encode(String json) {
    return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * JWS wants ES256 signatures as r || s, each 32 bytes big-endian; the JDK gives DER: SEQUENCE {
   * INTEGER r, INTEGER s }, each minimal with a leading zero when the top bit is set.
   */
  static byte[] jose(byte[] der) {
    int offset = (der[1] & 0x80) != 0 ? 3 : 2; // skip SEQUENCE tag and length (long form when > 127)
    byte[] out = new byte[2 * P256_SCALAR_BYTES];
    for (int part = 0; part < 2; part++) {
      if (der[offset] != 0x02) {
        throw new IllegalArgumentException("not a DER ECDSA signature");
      }
      int length = der[offset + 1];
      byte[] integer = Arrays.copyOfRange(der, offset + 2, offset + 2 + length);
      int skip = Math.max(0, integer.length - P256_SCALAR_BYTES); // the sign byte
      int copy = integer.length - skip;
      System.arraycopy(integer, skip, out, part * P256_SCALAR_BYTES + P256_SCALAR_BYTES - copy, copy);
      offset += 2 + length;
    }
    return out;
  }
}

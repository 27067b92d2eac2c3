package io.chatplatform.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Refresh tokens as the gateway mints them: 32 random bytes, base64url. chat-service is only ever
 * sent their SHA-256 ({@link #hash}), which is what it stores: the token itself exists only in the
 * answer to the client, never in the cluster's traffic, a database or a log. 256 random bits need
 * no slow hash: there is nothing to guess from the digest.
 */
public final class RefreshSecrets {
  private static final int TOKEN_BYTES = 32;
  /** base64url without padding of {@link #TOKEN_BYTES} bytes. */
  private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{43}");

  /** A new token and the hash chat-service keeps of it. */
  public record Minted(String token, String hash) {
    @Override
    public String toString() {
      return "Minted[hidden]";
    }
  }

  private final SecureRandom random = new SecureRandom();

  public Minted mint() {
    byte[] bytes = new byte[TOKEN_BYTES];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return new Minted(token, hash(token));
  }

  /** Whether {@code token} has the form of a minted token; anything else is not worth a look-up. */
  public static boolean wellFormed(String token) {
    return token != null && FORM.matcher(token).matches();
  }

  /** base64url SHA-256 of the token. */
  public static String hash(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }
}

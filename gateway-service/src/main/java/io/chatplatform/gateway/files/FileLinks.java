package io.chatplatform.gateway.files;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed download links: a browser's {@code <img>}, {@code <audio>} and {@code <video>} send no
 * {@code Authorization} header, and an access token must never be put in a URL (URLs are logged,
 * kept in history, sent on in {@code Referer}). A link instead names one file, one user and an
 * expiry, signed with HMAC-SHA256: {@code /api/v1/files/<fileId>[/thumbnail]?u=<userId>&e=<expiry>&s=<signature>}.
 * It stands in for the user's token on that file's two paths only, until it expires; whether the
 * user may see the file (a member of its room now) is checked on every download, as with a token.
 *
 * <p>The key is derived from {@code JWT_SECRET} (HMAC of a fixed label), so every gateway node
 * signs alike and a link's signature is never a token's. Expiries are cut to windows of
 * {@code FILE_URL_TTL_SECONDS}, so a link lives between one and two windows and stays the same
 * through a window: a page shown again hits the browser's cache.
 */
public final class FileLinks {
  /** A file id as history-service makes them: only such ids are linked, so no other path can be signed. */
  public static final Pattern FILE_ID = Pattern.compile("f_[0-9a-f]{32}");
  private static final Pattern FILE_PATH = Pattern.compile("/api/v1/files/(" + FILE_ID.pattern() + ")(/thumbnail)?");
  private static final String LABEL = "chat-platform file links v1";

  private final byte[] key;
  private final long windowSeconds;
  private final LongSupplier clockMs;

  public FileLinks(String jwtSecret, long windowSeconds, LongSupplier clockMs) {
    this.key = hmac(jwtSecret.getBytes(StandardCharsets.UTF_8), LABEL);
    this.windowSeconds = windowSeconds;
    this.clockMs = clockMs;
  }

  /** A link's expiry and its query string. */
  public record Signed(long expiresAt, String query) {}

  /** The signature of {@code userId} for {@code fileId}, valid until the end of the next window. */
  public Signed sign(String fileId, String userId) {
    long now = clockMs.getAsLong() / 1000;
    long expiresAt = (now / windowSeconds + 2) * windowSeconds;
    return new Signed(expiresAt, "u=" + URLEncoder.encode(userId, StandardCharsets.UTF_8) + "&e=" + expiresAt
        + "&s=" + signature(fileId, userId, expiresAt));
  }

  /** The path of a file, or its thumbnail, with a signed query. */
  public static String url(String fileId, boolean thumbnail, Signed signed) {
    return "/api/v1/files/" + fileId + (thumbnail ? "/thumbnail" : "") + "?" + signed.query();
  }

  /**
   * The user a signed request stands for, or null when it is not one: another path than a file's
   * or its thumbnail's, a signature of another file, user or expiry, or an expired link.
   *
   * @param path the request's path (never with the query)
   */
  public String verify(String path, String userId, String expires, String signature) {
    Matcher file = path == null ? null : FILE_PATH.matcher(path);
    if (file == null || !file.matches() || userId == null || expires == null || signature == null) {
      return null;
    }
    long expiresAt;
    try {
      expiresAt = Long.parseLong(expires);
    } catch (NumberFormatException e) {
      return null;
    }
    if (expiresAt * 1000 <= clockMs.getAsLong()) {
      return null;
    }
    byte[] expected = signature(file.group(1), userId, expiresAt).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII)) ? userId : null;
  }

  private String signature(String fileId, String userId, long expiresAt) {
    String signed = "file\n" + fileId + "\n" + userId + "\n" + expiresAt;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, signed));
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}

package io.chatplatform.chat.domain;

/**
 * A stored refresh token, known only by the SHA-256 of the token (the token itself is never
 * stored). Every token descended from one login shares its {@code familyId}.
 *
 * @param tokenHash base64url SHA-256 of the token
 * @param usedAt when it was exchanged for {@code replacedBy} (epoch ms); null while unused
 * @param replacedBy the hash of the token it was exchanged for; null while unused
 * @param revoked its family was revoked (logout, reuse, an admin disabling the account, the
 *     user's cap on families)
 */
public record RefreshToken(
    String tokenHash, String familyId, String userId, long createdAt, long expiresAt, Long usedAt, String replacedBy, boolean revoked) {

  /** A new, unused token of a family. */
  public static RefreshToken fresh(String tokenHash, String familyId, String userId, long now, long expiresAt) {
    return new RefreshToken(tokenHash, familyId, userId, now, expiresAt, null, null, false);
  }

  public boolean used() {
    return usedAt != null;
  }

  public boolean expiredAt(long now) {
    return expiresAt <= now;
  }

  /** Whether it can still be exchanged at {@code now}: not used, not revoked, not expired. */
  public boolean liveAt(long now) {
    return !used() && !revoked && !expiredAt(now);
  }

  /** Without the hash: it is the store's key. */
  @Override
  public String toString() {
    return "RefreshToken[family=" + familyId + ", userId=" + userId + ", expiresAt=" + expiresAt + ", used=" + used() + ", revoked=" + revoked + "]";
  }
}

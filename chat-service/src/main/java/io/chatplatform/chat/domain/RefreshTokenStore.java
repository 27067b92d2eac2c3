package io.chatplatform.chat.domain;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where refresh tokens are kept, by the hash of the token. {@link #claim} is the one write that
 * must be atomic: it decides which of two exchanges of one token wins.
 */
public interface RefreshTokenStore {
  /** Stores a new token; fails when its hash is already stored. */
  Future<Void> insert(RefreshToken token);

  /** The token of that hash, or null. */
  Future<RefreshToken> get(String tokenHash);

  /**
   * Marks the token used at {@code usedAt} and replaced by {@code replacedBy}, only if it is
   * neither used nor revoked, in one atomic step; true when this call marked it, false when it
   * was already used or revoked (or is missing). Of two concurrent claims of a token, one only
   * returns true.
   */
  Future<Boolean> claim(String tokenHash, String replacedBy, long usedAt);

  /** Revokes every token of the family, used or not. */
  Future<Void> revokeFamily(String familyId);

  /** Revokes every token of the user. */
  Future<Void> revokeUser(String userId);

  /** The user's tokens that are live at {@code now} ({@link RefreshToken#liveAt}). */
  Future<List<RefreshToken>> liveOf(String userId, long now);

  /** Deletes the user's tokens that expired before {@code now}. */
  Future<Void> deleteExpired(String userId, long now);
}

package io.chatplatform.chat.domain;

import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@link RefreshTokenStore} in memory. {@link #claimsHeld}, while set, makes every claim wait for
 * it before it runs: two exchanges of one token then both read it unused before either claims
 * it, the interleaving a real store allows under concurrency.
 */
final class MemoryRefreshTokenStore implements RefreshTokenStore {
  final Map<String, RefreshToken> byHash = new LinkedHashMap<>();
  Future<Void> claimsHeld;
  /** While above zero, that many claims fail as a store that went away would, changing nothing. */
  int claimFailures;

  @Override
  public Future<Void> insert(RefreshToken token) {
    if (byHash.putIfAbsent(token.tokenHash(), token) != null) {
      return Future.failedFuture("duplicate token hash");
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<RefreshToken> get(String tokenHash) {
    return Future.succeededFuture(byHash.get(tokenHash));
  }

  @Override
  public Future<Boolean> claim(String tokenHash, String replacedBy, long usedAt) {
    if (claimFailures > 0) {
      claimFailures--;
      return Future.failedFuture("the store does not answer");
    }
    Future<Void> held = claimsHeld == null ? Future.succeededFuture() : claimsHeld;
    return held.map(x -> {
      RefreshToken token = byHash.get(tokenHash);
      if (token == null || token.used() || token.revoked()) {
        return false;
      }
      byHash.put(tokenHash, new RefreshToken(token.tokenHash(), token.familyId(), token.userId(), token.createdAt(),
          token.expiresAt(), usedAt, replacedBy, false));
      return true;
    });
  }

  @Override
  public Future<Void> revokeFamily(String familyId) {
    return revokeWhere(t -> t.familyId().equals(familyId));
  }

  @Override
  public Future<Void> revokeUser(String userId) {
    return revokeWhere(t -> t.userId().equals(userId));
  }

  private Future<Void> revokeWhere(Predicate<RefreshToken> which) {
    byHash.replaceAll((hash, t) -> which.test(t)
        ? new RefreshToken(t.tokenHash(), t.familyId(), t.userId(), t.createdAt(), t.expiresAt(), t.usedAt(), t.replacedBy(), true)
        : t);
    return Future.succeededFuture();
  }

  @Override
  public Future<List<RefreshToken>> liveOf(String userId, long now) {
    return Future.succeededFuture(byHash.values().stream().filter(t -> t.userId().equals(userId) && t.liveAt(now)).toList());
  }

  @Override
  public Future<Void> deleteExpired(String userId, long now) {
    byHash.values().removeIf(t -> t.userId().equals(userId) && t.expiredAt(now));
    return Future.succeededFuture();
  }
}

package io.chatplatform.chat.domain;

import io.chatplatform.contracts.ServiceException;
import io.vertx.core.Future;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refresh tokens: a login starts a family, each exchange ({@link #rotate}) uses a token once and
 * issues its successor in the same family, valid {@code REFRESH_TOKEN_TTL_SECONDS} from then
 * (sliding). Presenting a token that was already used means two parties hold the family (a
 * stolen token, or a client that presented one twice): the whole family is revoked, the
 * legitimate holder's newest token included, so a thief keeps nothing either.
 *
 * <p>Only hashes are seen here: the gateway mints the token and sends its SHA-256, which is what
 * is stored, so neither a copy of the database nor the cluster's traffic holds a token that could
 * be redeemed.
 *
 * <p>An exchange is three steps: read the presented token, store its successor, then claim the
 * presented token ({@link RefreshTokenStore#claim}, atomic: only if still unused). The successor
 * is stored before the claim so that a failure between the two leaves the presented token unused
 * and the retry succeeds (the successor stored meanwhile is held by nobody: it was never
 * answered, and it goes with its family or its expiry). A claim that loses, to a concurrent
 * exchange of the same token or to a revocation, revokes the family, so the successor stored by
 * the loser is revoked with it. Two concurrent exchanges of one token therefore never both
 * succeed: one is answered, then the family is revoked as a reuse, which is why a browser must
 * serialize its tabs' refreshes (docs/security.md, Refresh tokens).
 */
public final class RefreshTokens {
  private static final Logger LOG = LoggerFactory.getLogger(RefreshTokens.class);
  /** base64url without padding of 32 bytes (a SHA-256). */
  private static final Pattern HASH = Pattern.compile("[A-Za-z0-9_-]{43}");

  /** The account a new token stands for, and how long the token lives (seconds). */
  public record Grant(User user, long expiresIn) {}

  private final RefreshTokenStore store;
  private final UserStore users;
  private final long ttlSeconds;
  private final int familiesPerUserMax;
  private final LongSupplier clock;

  /**
   * @param ttlSeconds lifetime of each token from its issue ({@code REFRESH_TOKEN_TTL_SECONDS})
   * @param familiesPerUserMax live families one user may hold; a login beyond it revokes the
   *     least recently refreshed ({@code REFRESH_FAMILIES_PER_USER_MAX})
   */
  public RefreshTokens(RefreshTokenStore store, UserStore users, long ttlSeconds, int familiesPerUserMax, LongSupplier clock) {
    if (ttlSeconds < 1 || familiesPerUserMax < 1) {
      throw new IllegalArgumentException("the refresh token lifetime and the families per user must be at least 1");
    }
    this.store = store;
    this.users = users;
    this.ttlSeconds = ttlSeconds;
    this.familiesPerUserMax = familiesPerUserMax;
    this.clock = clock;
  }

  /**
   * Starts a family for the user (at login) with the token of {@code tokenHash}. Before that, the
   * user's expired tokens are deleted (the embedded store has no TTL index); after it, the
   * families beyond {@code familiesPerUserMax} are revoked, least recently refreshed first.
   */
  public Future<Grant> issue(String userId, String tokenHash) {
    checkHash(tokenHash);
    long now = clock.getAsLong();
    String familyId = "f_" + UUID.randomUUID().toString().replace("-", "");
    return users
        .byId(userId)
        .compose(user -> {
          if (user == null) {
            return Future.failedFuture(ServiceException.notFound("user not found"));
          }
          if (user.disabled()) {
            return Future.failedFuture(accountDisabled());
          }
          return store
              .deleteExpired(userId, now)
              .compose(x -> store.insert(RefreshToken.fresh(tokenHash, familyId, userId, now, expiresAt(now))))
              .compose(x -> capFamilies(userId, familyId, now))
              .map(x -> new Grant(user, ttlSeconds));
        });
  }

  /**
   * Exchanges the token of {@code tokenHash} for the one of {@code nextTokenHash}, in its family.
   * Unknown, revoked or expired: {@code unauthorized}. Already used (expired or not): the family
   * is revoked, then {@code unauthorized}. The account disabled: the family is revoked (if it was
   * not yet), then {@code forbidden}; the account gone: the same with {@code unauthorized}.
   */
  public Future<Grant> rotate(String tokenHash, String nextTokenHash) {
    checkHash(tokenHash);
    checkHash(nextTokenHash);
    long now = clock.getAsLong();
    return store.get(tokenHash).compose(token -> {
      if (token == null) {
        return Future.failedFuture(invalid());
      }
      if (token.revoked()) {
        // Disabling revokes every family: its holder then hears why, not merely "log in again".
        return users.byId(token.userId())
            .compose(user -> Future.failedFuture(user != null && user.disabled() ? accountDisabled() : invalid()));
      }
      // Before the expiry: a used token is evidence of a second holder even once it expired, as
      // long as it is still stored, and its family may live on.
      if (token.used()) {
        return reused(token);
      }
      if (token.expiredAt(now)) {
        return Future.failedFuture(invalid());
      }
      return users.byId(token.userId()).compose(user -> {
        if (user == null || user.disabled()) {
          return store.revokeFamily(token.familyId())
              .compose(x -> Future.failedFuture(user == null ? invalid() : accountDisabled()));
        }
        RefreshToken next = RefreshToken.fresh(nextTokenHash, token.familyId(), token.userId(), now, expiresAt(now));
        return store
            .insert(next)
            .compose(x -> store.claim(tokenHash, nextTokenHash, now))
            .compose(claimed -> claimed ? Future.succeededFuture(new Grant(user, ttlSeconds)) : reused(token));
      });
    });
  }

  /** Revokes the family of the token of {@code tokenHash} (logout); nothing for an unknown one. */
  public Future<Void> revoke(String tokenHash) {
    checkHash(tokenHash);
    return store.get(tokenHash).compose(token -> token == null ? Future.succeededFuture() : store.revokeFamily(token.familyId()));
  }

  /** Revokes every family of the user (an admin disabled the account). */
  public Future<Void> revokeAllOf(String userId) {
    return store.revokeUser(userId);
  }

  /** A token presented after it was used (or lost its claim to a concurrent exchange): its family is revoked. */
  private Future<Grant> reused(RefreshToken token) {
    LOG.warn("a used refresh token was presented again: family {} of user {} revoked", token.familyId(), token.userId());
    return store.revokeFamily(token.familyId())
        .compose(x -> Future.failedFuture(ServiceException.unauthorized("refresh token already used: this login is revoked, log in again")));
  }

  /**
   * Revokes the user's live families beyond the cap, least recently refreshed (earliest expiry)
   * first; {@code keep} (the family just started) is never one of them.
   */
  private Future<Void> capFamilies(String userId, String keep, long now) {
    return store.liveOf(userId, now).compose(live -> {
      Set<String> newestFirst = new LinkedHashSet<>();
      newestFirst.add(keep);
      live.stream()
          .sorted((a, b) -> Long.compare(b.expiresAt(), a.expiresAt()))
          .forEach(token -> newestFirst.add(token.familyId()));
      List<String> beyond = newestFirst.stream().skip(familiesPerUserMax).toList();
      if (!beyond.isEmpty()) {
        LOG.info("user {} holds more than {} refresh token families: the {} least recently refreshed revoked",
            userId, familiesPerUserMax, beyond.size());
      }
      return Future.all(beyond.stream().map(store::revokeFamily).toList()).mapEmpty();
    });
  }

  private long expiresAt(long now) {
    return now + ttlSeconds * 1000;
  }

  /** The gateway sends hashes it computed; anything else is a caller's bug, refused before any read. */
  private static void checkHash(String hash) {
    if (hash == null || !HASH.matcher(hash).matches()) {
      throw ServiceException.badRequest("a token hash is 43 characters of base64url");
    }
  }

  private static ServiceException invalid() {
    return ServiceException.unauthorized("invalid or expired refresh token");
  }

  private static ServiceException accountDisabled() {
    return ServiceException.forbidden("this account is disabled");
  }
}

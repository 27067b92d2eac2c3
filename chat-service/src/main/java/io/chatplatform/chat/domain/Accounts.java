package io.chatplatform.chat.domain;

import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.Credentials;
import io.chatplatform.contracts.chat.ChatApi.Register;
import io.chatplatform.contracts.chat.ChatApi.SetDisabled;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

/** Registration, password checks, user look-ups and the disabling of accounts. */
public final class Accounts {
  private final UserStore users;
  private final PasswordHasher hasher;
  private final Blocking blocking;
  private final ChatEvents events;
  private final RefreshTokens refreshTokens;
  private final Set<String> adminUsernames;
  private final int searchLimit;
  private final LongSupplier clock;

  public Accounts(
      UserStore users, PasswordHasher hasher, Blocking blocking, ChatEvents events, RefreshTokens refreshTokens,
      Set<String> adminUsernames, int searchLimit, LongSupplier clock) {
    this.users = users;
    this.hasher = hasher;
    this.blocking = blocking;
    this.events = events;
    this.refreshTokens = refreshTokens;
    this.adminUsernames = Set.copyOf(adminUsernames);
    this.searchLimit = searchLimit;
    this.clock = clock;
  }

  /** A new account; a taken username is a conflict. Usernames listed as admins get the admin role. */
  public Future<User> register(Register request) {
    String username = Rules.username(request.username());
    String password = Rules.password(request.password());
    // Without a display name, the username as typed ("Alice"), which is stored in lower case.
    String displayName = Rules.displayName(request.displayName(), request.username());
    List<String> roles = new ArrayList<>(List.of(User.ROLE_USER));
    if (adminUsernames.contains(username)) {
      roles.add(User.ROLE_ADMIN);
    }
    // A display name that looks like one's own username (the default among them) is one's own.
    String lookalike = UnicodeText.lookalikeKey(displayName);
    return (lookalike.equals(UnicodeText.lookalikeKey(username)) ? Future.succeededFuture(false) : users.looksTaken(lookalike))
        .compose(taken -> taken
            // Direct rooms are titled by display name: one that looks like someone else's
            // name (theirs, or their username) would let its holder pass for them.
            ? Future.failedFuture(ServiceException.conflict("displayName looks like another user's name"))
            : blocking.run(() -> hasher.hash(password)))
        .compose(hash -> {
          User user = new User(newUserId(), username, displayName, hash, roles, false, clock.getAsLong());
          return users.insert(user)
              .compose(stored -> stored ? Future.succeededFuture(user) : Future.failedFuture(ServiceException.conflict("username is taken")));
        });
  }

  /**
   * The account of the credentials; anything wrong is one {@code unauthorized}. A disabled account
   * is {@code forbidden} whatever password is tried, so the answer never tells whether a password
   * is right (it would be an oracle for an account's password while it is disabled).
   */
  public Future<User> authenticate(Credentials credentials) {
    String secret = credentials.password();
    if (secret.length() > Rules.PASSWORD_MAX) {
      return Future.failedFuture(wrongCredentials());
    }
    return users
        .byUsername(credentials.username().toLowerCase(java.util.Locale.ROOT))
        .compose(user -> blocking.run(() -> {
          if (user == null) {
            hasher.burn(secret); // same time as a wrong password: no username oracle
            return false;
          }
          return hasher.matches(secret, user.passwordHash());
        }).compose(matches -> {
          if (user != null && user.disabled()) {
            return Future.failedFuture(ServiceException.forbidden("this account is disabled"));
          }
          return matches ? Future.succeededFuture(user) : Future.failedFuture(wrongCredentials());
        }));
  }

  /**
   * Admins disable an account (its sockets close, its tokens stop working, its refresh tokens are
   * revoked, it cannot log in) or enable it again. Every gateway node hears of it. The mark is
   * stored first and announced before the refresh tokens are revoked: should the revocation fail,
   * the admin is told and retries (every step is idempotent), and meanwhile no refresh succeeds,
   * as an exchange checks the mark ({@link RefreshTokens#rotate}).
   */
  public Future<Void> setDisabled(SetDisabled request) {
    requireNotSelf(request);
    return isAdmin(request.callerId())
        .compose(admin -> admin
            ? users.setDisabled(request.userId(), request.disabled())
            : Future.failedFuture(ServiceException.forbidden("only admins disable accounts")))
        .compose(found -> {
          if (!found) {
            return Future.failedFuture(ServiceException.notFound("user not found"));
          }
          events.accountDisabled(request.userId(), request.disabled());
          return request.disabled() ? refreshTokens.revokeAllOf(request.userId()) : Future.succeededFuture();
        });
  }

  /** An admin may not disable (or enable) their own account: {@code bad_request}. */
  static void requireNotSelf(SetDisabled request) {
    if (request.callerId().equals(request.userId())) {
      throw ServiceException.badRequest("an admin cannot disable their own account");
    }
  }

  public Future<List<String>> disabledIds() {
    return users.disabledIds();
  }

  /** The user, or {@code not_found}. */
  public Future<User> get(String userId) {
    return users
        .byId(userId)
        .compose(user -> user == null ? Future.failedFuture(ServiceException.notFound("user not found")) : Future.succeededFuture(user));
  }

  /**
   * Users of whom every word of the query starts the username or a word of the display name,
   * case-insensitively ("ali sm" finds Alice Smith), by username; nobody for an empty query.
   */
  public Future<List<User>> search(String rawQuery) {
    List<String> words = Rules.searchQuery(rawQuery);
    if (words.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return users.search(words, searchLimit);
  }

  /** Whether the user holds the global admin role. */
  public Future<Boolean> isAdmin(String userId) {
    return users.byId(userId).map(u -> u != null && u.isAdmin());
  }

  private static String newUserId() {
    return "u_" + UUID.randomUUID().toString().replace("-", "");
  }

  private static ServiceException wrongCredentials() {
    return ServiceException.unauthorized("wrong username or password");
  }
}

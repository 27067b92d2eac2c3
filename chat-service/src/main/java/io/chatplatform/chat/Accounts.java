package io.chatplatform.chat;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** Registration, password checks and user look-ups. */
public final class Accounts {
  public static final String ROLE_USER = "user";
  public static final String ROLE_ADMIN = "admin";

  private final Vertx vertx;
  private final UserStore users;
  private final PasswordHasher hasher;
  private final ChatConfig config;

  public Accounts(Vertx vertx, UserStore users, ChatConfig config) {
    this.vertx = vertx;
    this.users = users;
    this.config = config;
    this.hasher = new PasswordHasher(config.passwordHashIterations());
  }

  /** {@code {username, password, displayName?}} → profile; a taken username is a conflict. */
  public Future<JsonObject> register(JsonObject body) {
    String username = Rules.username(body);
    String password = Rules.password(body);
    String displayName = Rules.displayName(body, username);
    JsonArray roles = new JsonArray().add(ROLE_USER);
    if (config.adminUsernames().contains(username)) {
      roles.add(ROLE_ADMIN);
    }
    return vertx
        .executeBlocking(() -> hasher.hash(password), false)
        .compose(
            hash -> {
              JsonObject user =
                  new JsonObject()
                      .put("_id", "u_" + UUID.randomUUID().toString().replace("-", ""))
                      .put("username", username)
                      .put("displayName", displayName)
                      .put("passwordHash", hash)
                      .put("roles", roles)
                      .put("createdAt", System.currentTimeMillis());
              return users.insert(user).map(x -> UserStore.profile(user));
            })
        .recover(
            e ->
                String.valueOf(e.getMessage()).contains("E11000")
                    ? Future.failedFuture(ServiceException.conflict("username is taken"))
                    : Future.failedFuture(e));
  }

  /** {@code {username, password}} → profile with roles; anything wrong is one {@code unauthorized}. */
  public Future<JsonObject> authenticate(JsonObject body) {
    Object username = body.getValue("username");
    Object password = body.getValue("password");
    if (!(username instanceof String name) || !(password instanceof String secret)) {
      return Future.failedFuture(ServiceException.badRequest("username and password are required strings"));
    }
    if (secret.length() > Rules.PASSWORD_MAX) {
      return Future.failedFuture(wrongCredentials());
    }
    return users
        .byUsername(name)
        .compose(
            user ->
                vertx.executeBlocking(
                    () -> {
                      if (user == null) {
                        hasher.burn(secret); // same time as a wrong password: no username oracle
                        return null;
                      }
                      return hasher.matches(secret, user.getString("passwordHash")) ? user : null;
                    },
                    false))
        .compose(user -> {
          if (user == null) {
            return Future.failedFuture(wrongCredentials());
          }
          if (user.getBoolean("disabled", false)) {
            return Future.failedFuture(ServiceException.forbidden("this account is disabled"));
          }
          return Future.succeededFuture(withRoles(user));
        });
  }

  /**
   * {@code {callerId, userId, disabled}}: admins disable an account (its sockets close, its
   * tokens stop working, it cannot log in) or enable it again. Every gateway node hears of it.
   */
  public Future<JsonObject> setDisabled(JsonObject body) {
    String caller = Rules.requiredString(body, "callerId");
    String target = Rules.requiredString(body, "userId");
    if (!(body.getValue("disabled") instanceof Boolean disabled)) {
      throw ServiceException.badRequest("disabled must be true or false");
    }
    if (caller.equals(target)) {
      throw ServiceException.badRequest("an admin cannot disable their own account");
    }
    return isAdmin(caller)
        .compose(admin -> admin
            ? users.setDisabled(target, disabled)
            : Future.failedFuture(ServiceException.forbidden("only admins disable accounts")))
        .compose(found -> {
          if (!found) {
            return Future.failedFuture(ServiceException.notFound("user not found"));
          }
          vertx.eventBus().publish(Addresses.Chat.USER_DISABLED_CHANGED, new JsonObject().put("userId", target).put("disabled", disabled));
          return Future.succeededFuture(new JsonObject().put("userId", target).put("disabled", disabled));
        });
  }

  /** {@code {}} → {@code {userIds}} of disabled accounts. */
  public Future<JsonObject> disabledList(JsonObject body) {
    return users.disabledIds().map(ids -> new JsonObject().put("userIds", new JsonArray(ids)));
  }

  /** {@code {userId}} → profile with roles, or not_found. */
  public Future<JsonObject> get(JsonObject body) {
    return users
        .byId(Rules.requiredString(body, "userId"))
        .compose(
            user ->
                user == null
                    ? Future.failedFuture(ServiceException.notFound("user not found"))
                    : Future.succeededFuture(withRoles(user)));
  }

  /** {@code {query}} → {@code {users:[profile]}} whose username starts with the query. */
  public Future<JsonObject> search(JsonObject body) {
    String query = body.getString("query", "").strip().toLowerCase();
    if (query.isEmpty()) {
      return Future.succeededFuture(new JsonObject().put("users", new JsonArray()));
    }
    if (!Rules.USERNAME_PREFIX.matcher(query).matches()) {
      throw ServiceException.badRequest("query must be the start of a username: 1-32 of a-z, 0-9, '_', '.', '-'");
    }
    return users
        .searchByPrefix(query, config.userSearchLimit())
        .map(list -> new JsonObject().put("users", new JsonArray(list.stream().map(UserStore::profile).toList())));
  }

  /** Whether the user holds the global admin role. */
  public Future<Boolean> isAdmin(String userId) {
    return users.byId(userId).map(u -> u != null && u.getJsonArray("roles", new JsonArray()).contains(ROLE_ADMIN));
  }

  private static JsonObject withRoles(JsonObject user) {
    return UserStore.profile(user).put("roles", user.getJsonArray("roles", new JsonArray().add(ROLE_USER)));
  }

  private static ServiceException wrongCredentials() {
    return ServiceException.unauthorized("wrong username or password");
  }
}

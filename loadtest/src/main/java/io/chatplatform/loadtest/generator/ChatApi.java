package io.chatplatform.loadtest.generator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;
import java.util.function.Supplier;

/**
 * The REST calls the generator needs to set a run up (protocol v1, section 1), each retried a few
 * times on failure (a 503 under load should not abort a run of thousands of users). Every failed
 * attempt is counted in the errors, as {@code http.<status>} or {@code http.<exception>}.
 */
final class ChatApi {
  private static final int HTTP_CONFLICT = 409;
  private static final int ATTEMPTS = 3;
  private static final long RETRY_DELAY_MS = 250;
  private static final int REQUEST_TIMEOUT_MS = 30_000;
  private static final int POOL_SIZE = 64;

  private final Vertx vertx;
  private final WebClient http;
  private final ErrorCounter errors;

  ChatApi(Vertx vertx, Endpoint endpoint, ErrorCounter errors) {
    this.vertx = vertx;
    this.errors = errors;
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost(endpoint.host()).setDefaultPort(endpoint.port())
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(POOL_SIZE));
  }

  /** Registers the user (an existing one is fine: reruns with a fixed prefix reuse users) and logs in. */
  Future<TestUser> registerAndLogin(int index, String username, String password) {
    JsonObject credentials = new JsonObject().put("username", username).put("password", password);
    return retrying(() -> post("/api/v1/auth/register", null, credentials, 201, HTTP_CONFLICT))
        .compose(x -> retrying(() -> post("/api/v1/auth/login", null, credentials, 200)))
        .map(r -> {
          JsonObject body = r.bodyAsJsonObject();
          return new TestUser(index, username, body.getString("userId"), body.getString("accessToken"));
        });
  }

  /** Logs the user in again (its access token expired or was refused); returns the new token. */
  Future<String> login(TestUser user, String password) {
    JsonObject credentials = new JsonObject().put("username", user.username()).put("password", password);
    return retrying(() -> post("/api/v1/auth/login", null, credentials, 200)).map(r -> r.bodyAsJsonObject().getString("accessToken"));
  }

  /** A single-use socket ticket (POST /auth/ticket); not retried: the caller's reconnect loop does. */
  Future<String> ticket(String accessToken) {
    return post("/api/v1/auth/ticket", accessToken, new JsonObject(), 200)
        .map(r -> r.bodyAsJsonObject().getString("ticket"))
        .onFailure(this::countFailure);
  }

  /** A group room owned by {@code owner} with the others as members; returns its id. */
  Future<String> createRoom(TestUser owner, String name, List<TestUser> others) {
    JsonArray members = new JsonArray();
    others.forEach(u -> members.add(u.userId()));
    JsonObject body = new JsonObject().put("name", name).put("members", members);
    return retrying(() -> post("/api/v1/rooms", owner.accessToken(), body, 201)).map(r -> r.bodyAsJsonObject().getString("roomId"));
  }

  /** The direct room of two users (idempotent on the server, so a retry is safe). */
  Future<String> createDirect(TestUser a, TestUser b) {
    JsonObject body = new JsonObject().put("userId", b.userId());
    return retrying(() -> post("/api/v1/rooms/direct", a.accessToken(), body, 200)).map(r -> r.bodyAsJsonObject().getString("roomId"));
  }

  /** The server's VAPID public key ({@code GET /api/v1/push/webpush-key}); not retried: a 503 means no notification-service. */
  Future<String> webPushKey(TestUser user) {
    return http.get("/api/v1/push/webpush-key").timeout(REQUEST_TIMEOUT_MS).bearerTokenAuthentication(user.accessToken()).send()
        .compose(r -> r.statusCode() == 200 ? Future.succeededFuture(r.bodyAsJsonObject().getString("publicKey")) : failed(r));
  }

  /** Registers a Web Push subscription as the user's device; returns its deviceId. */
  Future<String> registerWebPush(TestUser user, String endpoint, String p256dh, String auth) {
    JsonObject body = new JsonObject().put("kind", "webpush").put("subscription", new JsonObject().put("endpoint", endpoint)
        .put("keys", new JsonObject().put("p256dh", p256dh).put("auth", auth)));
    return retrying(() -> post("/api/v1/devices", user.accessToken(), body, 201)).map(r -> r.bodyAsJsonObject().getString("deviceId"));
  }

  Future<Void> ready() {
    return get("/health/ready").mapEmpty();
  }

  /** GET of a text resource (e.g. /metrics); not retried. */
  Future<String> get(String path) {
    return http.get(path).timeout(REQUEST_TIMEOUT_MS).send()
        .compose(r -> r.statusCode() == 200 ? Future.succeededFuture(r.bodyAsString()) : failed(r))
        .onFailure(e -> countFailure(e));
  }

  private Future<HttpResponse<Buffer>> post(String path, String token, JsonObject body, int... okStatus) {
    var request = http.post(path).timeout(REQUEST_TIMEOUT_MS);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return request.sendJsonObject(body).compose(r -> {
      for (int ok : okStatus) {
        if (r.statusCode() == ok) {
          return Future.succeededFuture(r);
        }
      }
      return failed(r);
    });
  }

  private <T> Future<T> retrying(Supplier<Future<T>> attempt) {
    return retrying(attempt, ATTEMPTS);
  }

  private <T> Future<T> retrying(Supplier<Future<T>> attempt, int attemptsLeft) {
    return attempt.get().recover(e -> {
      countFailure(e);
      if (attemptsLeft <= 1 || (e instanceof HttpFailure f && f.status < 500)) {
        return Future.failedFuture(e);
      }
      return vertx.timer(RETRY_DELAY_MS).compose(x -> retrying(attempt, attemptsLeft - 1));
    });
  }

  private void countFailure(Throwable e) {
    errors.add("http." + (e instanceof HttpFailure f ? Integer.toString(f.status) : ErrorCounter.kindOf(e)));
  }

  private static <T> Future<T> failed(HttpResponse<Buffer> response) {
    return Future.failedFuture(new HttpFailure(response.statusCode(), response.bodyAsString()));
  }

  /** An HTTP answer with an unexpected status. */
  static final class HttpFailure extends RuntimeException {
    final int status;

    HttpFailure(int status, String body) {
      super("HTTP " + status + ": " + body, null, false, false);
      this.status = status;
    }
  }
}

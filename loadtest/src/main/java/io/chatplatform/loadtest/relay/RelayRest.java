package io.chatplatform.loadtest.relay;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The baseline relay's REST: only what the generator calls (register, login, create a group or
 * direct room), plus {@code /health/*} and {@code /metrics}. Same paths, statuses and bodies as
 * protocol v1, so the same generator command drives both servers.
 */
final class RelayRest {
  private static final Logger LOG = LoggerFactory.getLogger(RelayRest.class);
  private static final String JSON = "application/json";
  private static final String BEARER = "bearer ";

  private final RelayDirectory directory;

  RelayRest(RelayDirectory directory) {
    this.directory = directory;
  }

  void handle(HttpServerRequest request) {
    String path = request.path();
    if (request.method() == HttpMethod.GET) {
      switch (path) {
        case "/health/ready", "/health/live" -> respond(request, 200, new JsonObject().put("status", "UP"));
        case "/metrics" -> request.response().putHeader("Content-Type", "text/plain; version=0.0.4").end(HeapMetrics.render())
            .onFailure(e -> LOG.debug("response failed: {}", e.toString()));
        default -> error(request, 404, "not_found", "no such endpoint");
      }
      return;
    }
    if (request.method() != HttpMethod.POST) {
      error(request, 404, "not_found", "no such endpoint");
      return;
    }
    request.body().onComplete(body -> {
      JsonObject json;
      try {
        json = body.succeeded() && body.result().length() > 0 ? body.result().toJsonObject() : new JsonObject();
      } catch (RuntimeException e) {
        error(request, 400, "bad_request", "the body must be a JSON object");
        return;
      }
      post(request, path, json);
    });
  }

  private void post(HttpServerRequest request, String path, JsonObject body) {
    switch (path) {
      case "/api/v1/auth/register" -> register(request, body);
      case "/api/v1/auth/login" -> login(request, body);
      case "/api/v1/rooms", "/api/v1/rooms/direct" -> {
        String caller = directory.userIdOf(bearer(request));
        if (caller == null) {
          error(request, 401, "unauthorized", "missing or invalid token");
        } else if (path.endsWith("/direct")) {
          direct(request, caller, body);
        } else {
          createRoom(request, caller, body);
        }
      }
      default -> error(request, 404, "not_found", "no such endpoint");
    }
  }

  private void register(HttpServerRequest request, JsonObject body) {
    String username = body.getValue("username") instanceof String s ? s : null;
    if (username == null || username.isEmpty()) {
      error(request, 400, "bad_request", "username is required");
      return;
    }
    RelayDirectory.User user = directory.register(username);
    if (user == null) {
      error(request, 409, "conflict", "username is taken");
      return;
    }
    respond(request, 201, new JsonObject().put("userId", user.userId()).put("username", username).put("displayName", username));
  }

  private void login(HttpServerRequest request, JsonObject body) {
    String token = body.getValue("username") instanceof String s ? directory.login(s) : null;
    if (token == null) {
      error(request, 401, "unauthorized", "wrong username or password");
      return;
    }
    respond(request, 200, new JsonObject().put("accessToken", token).put("tokenType", "Bearer")
        .put("expiresIn", directory.tokenLifetimeSeconds()).put("userId", directory.userIdOf(token)));
  }

  private void createRoom(HttpServerRequest request, String caller, JsonObject body) {
    List<String> members = new ArrayList<>(List.of(caller));
    JsonArray given = body.getValue("members") instanceof JsonArray a ? a : new JsonArray();
    for (Object id : given) {
      if (!(id instanceof String userId) || !directory.userExists(userId)) {
        error(request, 400, "bad_request", "unknown user in members");
        return;
      }
      if (!members.contains(userId)) {
        members.add(userId);
      }
    }
    String name = body.getValue("name") instanceof String s ? s : "room";
    respond(request, 201, directory.createGroup(name, members).toJson());
  }

  private void direct(HttpServerRequest request, String caller, JsonObject body) {
    String other = body.getValue("userId") instanceof String s ? s : null;
    if (other == null || other.equals(caller)) {
      error(request, 400, "bad_request", "userId must be another user");
    } else if (!directory.userExists(other)) {
      error(request, 404, "not_found", "user not found");
    } else {
      respond(request, 200, directory.direct(caller, other).toJson());
    }
  }

  private static String bearer(HttpServerRequest request) {
    String header = request.getHeader("Authorization");
    return header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
        ? header.substring(BEARER.length()).trim() : null;
  }

  private static void error(HttpServerRequest request, int status, String code, String message) {
    respond(request, status, new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)));
  }

  private static void respond(HttpServerRequest request, int status, JsonObject body) {
    request.response().setStatusCode(status).putHeader("Content-Type", JSON).end(body.toBuffer())
        .onFailure(e -> LOG.debug("response failed: {}", e.toString()));
  }
}

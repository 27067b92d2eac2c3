package io.chatplatform.loadtest.relay;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relays' REST: only what the generator calls (register, login, create a group or direct
 * room), plus {@code /health/*} and {@code /metrics}. Same paths, statuses and bodies as protocol
 * v1, so the same generator command drives every server. {@link #answer} is the whole logic, free
 * of any HTTP server; {@link #handle} serves it from Vert.x's HttpServer, {@link LeanRelay} from
 * Netty's codec.
 */
final class RelayRest {
  private static final Logger LOG = LoggerFactory.getLogger(RelayRest.class);
  static final String JSON = "application/json";
  private static final String BEARER = "bearer ";

  /** A response: status, content type and body. */
  record Answer(int status, String contentType, Buffer body) {
    static Answer json(int status, JsonObject body) {
      return new Answer(status, JSON, body.toBuffer());
    }
  }

  private final RelayDirectory directory;

  RelayRest(RelayDirectory directory) {
    this.directory = directory;
  }

  /** Vert.x's HttpServer: the body read, then answered. */
  void handle(HttpServerRequest request) {
    if (request.method() != HttpMethod.POST) {
      respond(request, answer(request.method().name(), request.path(), null, null));
      return;
    }
    request.body().onComplete(body -> respond(request, answer("POST", request.path(), request.getHeader("Authorization"),
        body.succeeded() ? body.result() : null)));
  }

  private static void respond(HttpServerRequest request, Answer answer) {
    request.response().setStatusCode(answer.status()).putHeader("Content-Type", answer.contentType()).end(answer.body())
        .onFailure(e -> LOG.debug("response failed: {}", e.toString()));
  }

  /**
   * @param authorization the {@code Authorization} header, or null
   * @param body the request's body (null or empty: none)
   */
  Answer answer(String method, String path, String authorization, Buffer body) {
    if ("GET".equals(method)) {
      return switch (path) {
        case "/health/ready", "/health/live" -> Answer.json(200, new JsonObject().put("status", "UP"));
        case "/metrics" -> new Answer(200, "text/plain; version=0.0.4", Buffer.buffer(HeapMetrics.render() + socketsOpenGauge()));
        default -> error(404, "not_found", "no such endpoint");
      };
    }
    if (!"POST".equals(method)) {
      return error(404, "not_found", "no such endpoint");
    }
    JsonObject json;
    try {
      json = body != null && body.length() > 0 ? body.toJsonObject() : new JsonObject();
    } catch (RuntimeException e) {
      return error(400, "bad_request", "the body must be a JSON object");
    }
    return post(path, authorization, json);
  }

  /**
   * The platform's gauge of open sockets, under its Prometheus name: the warm connect storm waits
   * for it to read 0 between two passes, so that a pass never pays for the previous pass's closes.
   */
  private String socketsOpenGauge() {
    return "# HELP chat_gateway_sockets_open Authenticated client sockets open on this relay\n"
        + "# TYPE chat_gateway_sockets_open gauge\n"
        + "chat_gateway_sockets_open " + directory.socketsOpen() + "\n";
  }

  private Answer post(String path, String authorization, JsonObject body) {
    switch (path) {
      case "/api/v1/auth/register" -> {
        return register(body);
      }
      case "/api/v1/auth/login" -> {
        return login(body);
      }
      case "/api/v1/rooms", "/api/v1/rooms/direct" -> {
        String caller = directory.userIdOf(bearer(authorization));
        if (caller == null) {
          return error(401, "unauthorized", "missing or invalid token");
        }
        return path.endsWith("/direct") ? direct(caller, body) : createRoom(caller, body);
      }
      default -> {
        return error(404, "not_found", "no such endpoint");
      }
    }
  }

  private Answer register(JsonObject body) {
    String username = body.getValue("username") instanceof String s ? s : null;
    if (username == null || username.isEmpty()) {
      return error(400, "bad_request", "username is required");
    }
    RelayDirectory.User user = directory.register(username);
    if (user == null) {
      return error(409, "conflict", "username is taken");
    }
    return Answer.json(201, new JsonObject().put("userId", user.userId()).put("username", username).put("displayName", username));
  }

  private Answer login(JsonObject body) {
    String token = body.getValue("username") instanceof String s ? directory.login(s) : null;
    if (token == null) {
      return error(401, "unauthorized", "wrong username or password");
    }
    return Answer.json(200, new JsonObject().put("accessToken", token).put("tokenType", "Bearer")
        .put("expiresIn", directory.tokenLifetimeSeconds()).put("userId", directory.userIdOf(token)));
  }

  private Answer createRoom(String caller, JsonObject body) {
    List<String> members = new ArrayList<>(List.of(caller));
    JsonArray given = body.getValue("members") instanceof JsonArray a ? a : new JsonArray();
    for (Object id : given) {
      if (!(id instanceof String userId) || !directory.userExists(userId)) {
        return error(400, "bad_request", "unknown user in members");
      }
      if (!members.contains(userId)) {
        members.add(userId);
      }
    }
    String name = body.getValue("name") instanceof String s ? s : "room";
    return Answer.json(201, directory.createGroup(name, members).toJson());
  }

  private Answer direct(String caller, JsonObject body) {
    String other = body.getValue("userId") instanceof String s ? s : null;
    if (other == null || other.equals(caller)) {
      return error(400, "bad_request", "userId must be another user");
    }
    if (!directory.userExists(other)) {
      return error(404, "not_found", "user not found");
    }
    return Answer.json(200, directory.direct(caller, other).toJson());
  }

  private static String bearer(String header) {
    return header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
        ? header.substring(BEARER.length()).trim() : null;
  }

  private static Answer error(int status, String code, String message) {
    return Answer.json(status, new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)));
  }
}

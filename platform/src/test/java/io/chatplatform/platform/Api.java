package io.chatplatform.platform;

import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** A REST client of /api/v1 for tests, blocking. */
public final class Api implements AutoCloseable {
  public final WebClient client;
  public final int port;

  public Api(Vertx vertx, int port) {
    this(vertx, port, null);
  }

  /**
   * A client whose connections come from {@code localAddress} (any of 127.0.0.0/8 on Linux), so a
   * test can be several client addresses; null lets the system choose.
   */
  public Api(Vertx vertx, int port, String localAddress) {
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port).setLocalAddress(localAddress));
    this.port = port;
  }

  public record Response(int status, Buffer body, HttpResponse<Buffer> raw) {
    public JsonObject json() {
      return body == null || body.length() == 0 ? new JsonObject() : body.toJsonObject();
    }

    public String errorCode() {
      return json().getJsonObject("error", new JsonObject()).getString("code");
    }
  }

  public Response call(HttpMethod method, String path, String token, Object body) {
    HttpRequest<Buffer> request = client.request(method, path);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    // A Buffer is sent as it is, as JSON text a test wrote by hand (one no encoder would write).
    HttpResponse<Buffer> response = Await.result(
        body == null ? request.send()
            : body instanceof Buffer raw ? request.putHeader("Content-Type", "application/json").sendBuffer(raw)
            : request.sendJson(body));
    return new Response(response.statusCode(), response.body(), response);
  }

  public Response get(String path, String token) {
    return call(HttpMethod.GET, path, token, null);
  }

  /**
   * The status of a GET, or -1 when it fails or nothing of its answer comes within {@code idle}:
   * for polling a server that is starting. A request on a connection accepted as the server starts
   * can stay unanswered (seen once: Vert.x's micrometer metrics threw an NPE in requestBegin,
   * "socketMetric is null", for it), so a poll gives up and asks again.
   */
  public int status(String path, java.time.Duration idle) {
    try {
      return Await.result(client.request(HttpMethod.GET, path).idleTimeout(idle.toMillis()).send()).statusCode();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  public Response post(String path, String token, Object body) {
    return call(HttpMethod.POST, path, token, body);
  }

  public Response delete(String path, String token) {
    return call(HttpMethod.DELETE, path, token, null);
  }

  /** A registered, logged-in user. */
  public record User(String userId, String username, String token) {}

  public User register(String username) {
    Response r = post("/api/v1/auth/register", null, new JsonObject().put("username", username).put("password", "correct-horse"));
    if (r.status() != 201) {
      throw new AssertionError("register " + username + ": " + r.status() + " " + r.body());
    }
    return login(username);
  }

  public User login(String username) {
    Response r = post("/api/v1/auth/login", null, new JsonObject().put("username", username).put("password", "correct-horse"));
    if (r.status() != 200) {
      throw new AssertionError("login " + username + ": " + r.status() + " " + r.body());
    }
    return new User(r.json().getString("userId"), username, r.json().getString("accessToken"));
  }

  public JsonObject createRoom(User owner, String name, User... members) {
    JsonArray ids = new JsonArray();
    for (User m : members) {
      ids.add(m.userId());
    }
    Response r = post("/api/v1/rooms", owner.token(), new JsonObject().put("name", name).put("members", ids));
    if (r.status() != 201) {
      throw new AssertionError("create room: " + r.status() + " " + r.body());
    }
    return r.json();
  }

  /** The direct room of the two users, opened by {@code a}. */
  public JsonObject directRoom(User a, User b) {
    Response r = post("/api/v1/rooms/direct", a.token(), new JsonObject().put("userId", b.userId()));
    if (r.status() != 200) {
      throw new AssertionError("direct room: " + r.status() + " " + r.body());
    }
    return r.json();
  }

  public String ticket(User user) {
    return post("/api/v1/auth/ticket", user.token(), null).json().getString("ticket");
  }

  @Override
  public void close() {
    client.close();
  }
}

package io.chatplatform.notification.providers.fcm;

import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Google's OAuth2 token endpoint and FCM's send endpoint, checking what the real ones check: the
 * token endpoint verifies the JWT-bearer assertion's RS256 signature with the service account's
 * public key and its claims, then issues an access token with expires_in; the send endpoint
 * accepts only a bearer token it issued. FCM's answer per device token is scripted.
 */
public final class FcmStandIn {
  /** A scripted FCM answer for one device token. */
  public record Answer(int status, String retryAfter, JsonObject body) {}

  /** Google checks this audience whichever URL the assertion was posted to (google-auth always sets it). */
  public static final String GOOGLE_AUDIENCE = "https://oauth2.googleapis.com/token";

  public static final Answer OK = new Answer(200, null, new JsonObject().put("name", "projects/p/messages/1"));

  public final AtomicInteger tokenRequests = new AtomicInteger();
  /** Every request as it arrived (method and path), in order. */
  public final List<String> arrivals = new CopyOnWriteArrayList<>();
  public final List<String> assertionErrors = new CopyOnWriteArrayList<>();
  public final List<JsonObject> sends = new CopyOnWriteArrayList<>();
  public final List<String> bearers = new CopyOnWriteArrayList<>();
  private final Set<String> issued = ConcurrentHashMap.newKeySet();
  private final PublicKey serviceAccountKey;
  private final String clientEmail;
  private final String projectId;
  private final long expiresInSeconds;
  private volatile Function<String, Answer> answers = token -> OK;
  private final HttpServer server;

  public FcmStandIn(Vertx vertx, PublicKey serviceAccountKey, String clientEmail, String projectId, long expiresInSeconds) {
    this.serviceAccountKey = serviceAccountKey;
    this.clientEmail = clientEmail;
    this.projectId = projectId;
    this.expiresInSeconds = expiresInSeconds;
    Router router = Router.router(vertx);
    // Counted on arrival, before the body is read: a send that times out then says whether its
    // request reached the stand-in at all (FcmProviderTest#fcmsAnswersBecomeOutcomes once did).
    router.route().handler(ctx -> {
      arrivals.add(ctx.request().method() + " " + ctx.request().path());
      ctx.next();
    });
    router.route().handler(BodyHandler.create());
    router.post("/token").handler(ctx -> token(ctx.request(), ctx.body().asString()));
    router.post("/v1/projects/:project/messages:send").handler(ctx -> send(ctx.request(), ctx.pathParam("project"), ctx.body().asJsonObject()));
    server = Await.result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public String tokenUri() {
    return url() + "/token";
  }

  public void answer(Function<String, Answer> byDeviceToken) {
    answers = byDeviceToken;
  }

  public void close() {
    Await.result(server.close());
  }

  private void token(HttpServerRequest request, String form) {
    tokenRequests.incrementAndGet();
    String problem = assertionProblem(form);
    if (problem != null) {
      assertionErrors.add(problem);
      System.out.println("token endpoint refused the assertion: " + problem);
      request.response().setStatusCode(400).end(new JsonObject().put("error", "invalid_grant").put("error_description", problem).encode());
      return;
    }
    String accessToken = "ya29.standin-" + tokenRequests.get();
    issued.add(accessToken);
    request
        .response()
        .putHeader("content-type", "application/json")
        .end(new JsonObject().put("access_token", accessToken).put("expires_in", expiresInSeconds).put("token_type", "Bearer").encode());
  }

  /** Why the assertion is not one Google would accept, or null. */
  private String assertionProblem(String form) {
    String grantType = null;
    String assertion = null;
    for (String pair : form.split("&")) {
      String[] kv = pair.split("=", 2);
      String value = kv.length == 2 ? java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
      if (kv[0].equals("grant_type")) {
        grantType = value;
      } else if (kv[0].equals("assertion")) {
        assertion = value;
      }
    }
    if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(grantType) || assertion == null) {
      return "not a jwt-bearer grant";
    }
    String[] parts = assertion.split("\\.");
    if (parts.length != 3) {
      return "not a JWS";
    }
    Base64.Decoder b64 = Base64.getUrlDecoder();
    JsonObject header = new JsonObject(new String(b64.decode(parts[0]), StandardCharsets.UTF_8));
    JsonObject claims = new JsonObject(new String(b64.decode(parts[1]), StandardCharsets.UTF_8));
    try {
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initVerify(serviceAccountKey);
      rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!header.getString("alg", "").equals("RS256") || !rs256.verify(b64.decode(parts[2]))) {
        return "bad signature";
      }
    } catch (java.security.GeneralSecurityException e) {
      return "bad signature";
    }
    long now = System.currentTimeMillis() / 1000;
    if (!clientEmail.equals(claims.getString("iss"))
        || !GOOGLE_AUDIENCE.equals(claims.getString("aud"))
        || !claims.getString("scope", "").contains(FcmAccessTokens.SCOPE)
        || claims.getLong("exp", 0L) < now
        || claims.getLong("iat", now + 1000) > now + 60) {
      return "bad claims " + claims.encode();
    }
    return null;
  }

  private void send(HttpServerRequest request, String project, JsonObject body) {
    String authorization = request.getHeader("authorization");
    String bearer = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : "";
    if (!issued.contains(bearer)) {
      request.response().setStatusCode(401).end(error(401, "UNAUTHENTICATED", null).encode());
      return;
    }
    if (!project.equals(projectId)) {
      request.response().setStatusCode(403).end(error(403, "PERMISSION_DENIED", null).encode());
      return;
    }
    bearers.add(bearer);
    sends.add(body);
    Answer answer = answers.apply(body.getJsonObject("message").getString("token"));
    if (answer.retryAfter() != null) {
      request.response().putHeader("Retry-After", answer.retryAfter());
    }
    request.response().setStatusCode(answer.status()).putHeader("content-type", "application/json").end(answer.body().encode());
  }

  /** An error in FCM v1's shape: google.rpc.Status with an FcmError detail. */
  public static JsonObject error(int code, String status, String fcmErrorCode, JsonObject... moreDetails) {
    io.vertx.core.json.JsonArray details = new io.vertx.core.json.JsonArray();
    if (fcmErrorCode != null) {
      details.add(new JsonObject().put("@type", "type.googleapis.com/google.firebase.fcm.v1.FcmError").put("errorCode", fcmErrorCode));
    }
    for (JsonObject detail : moreDetails) {
      details.add(detail);
    }
    return new JsonObject().put("error", new JsonObject().put("code", code).put("message", "stand-in").put("status", status).put("details", details));
  }

  public static JsonObject badField(String field) {
    return new JsonObject()
        .put("@type", "type.googleapis.com/google.rpc.BadRequest")
        .put("fieldViolations", new io.vertx.core.json.JsonArray().add(new JsonObject().put("field", field).put("description", "invalid")));
  }
}
